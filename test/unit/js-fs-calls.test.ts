/**
 * `fs.rmSync`/`fs.mkdirSync` of a known path in a JavaScript build script
 * (src/analyze/hosts/js-fs-calls.ts) read as `rm`/`mkdir`: emptying the export folder before the
 * extraction migrates as `rm -rf dist; mkdir -p dist` does in a shell script; anything the table
 * does not read exactly stays a program the tool does not model.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';
import { fsBindings, fsShellText } from '../../src/analyze/hosts/js-fs-calls.js';
import { collectPaths, parseScriptTree } from '../../src/analyze/hosts/js-syntax.js';
import { staticString } from '../../src/analyze/hosts/js-wrappers.js';

const repo = (head: string, ...between: string[]): Record<string, string> => ({
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/dist/lantern .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /app/\n',
  'main.go': 'package main\n',
  'package.json': '{ "name": "lantern", "scripts": { "image": "node scripts/image.js" } }\n',
  'scripts/image.js': [
    head,
    "const { execSync } = require('child_process');",
    "execSync('docker build -t lantern:build -f Dockerfile.build .');",
    ...between,
    "execSync('docker create --name lantern-out lantern:build');",
    "execSync('docker cp lantern-out:/out/dist/. dist/');",
    "execSync('docker rm lantern-out');",
    "execSync('docker build -t lantern:latest .', { stdio: 'inherit' });",
    '',
  ].join('\n'),
});
const outcome = (files: Record<string, string>) => {
  const s = planFiles(files).setups[0]!;
  return { status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
};
const EMPTY = ["fs.rmSync('dist', { recursive: true, force: true });", "fs.mkdirSync('dist', { recursive: true });"];

describe('fs.rmSync and fs.mkdirSync in a JavaScript build script', () => {
  it('migrates emptying the export folder before the extraction, as rm -rf and mkdir -p', () => {
    expect(outcome(repo("const fs = require('fs');", ...EMPTY))).toEqual({ status: 'migrate', errors: [] });
    expect(outcome(repo("import * as fs from 'node:fs';", ...EMPTY))).toEqual({ status: 'migrate', errors: [] });
    expect(outcome(repo("const { rmSync, mkdirSync: mk } = require('node:fs');\nconst out = 'dist';", 'rmSync(out, { recursive: true, force: true });', 'mk(out, { recursive: true });'))).toEqual({ status: 'migrate', errors: [] });
  });

  it('reads the promise API\'s rm and mkdir alike where each is awaited right there', () => {
    const awaited = ["await fsp.rm('dist', { recursive: true, force: true });", "await fsp.mkdir('dist', { recursive: true });"];
    for (const head of ["const fsp = require('fs/promises');", "const fsp = require('fs').promises;", "const { promises: fsp } = require('node:fs');", "import fsp from 'node:fs/promises';", "import { promises as fsp } from 'fs';"]) {
      expect(outcome(repo(head, ...awaited)), head).toEqual({ status: 'migrate', errors: [] });
    }
    expect(outcome(repo("import fs from 'fs';", ...awaited.map((l) => l.replace('fsp.', 'fs.promises.'))))).toEqual({ status: 'migrate', errors: [] });
    expect(outcome(repo("import { rm, mkdir as mk } from 'node:fs/promises';", "await rm('dist', { recursive: true, force: true });", "await mk('dist', { recursive: true });"))).toEqual({ status: 'migrate', errors: [] });
    // Not awaited, the call runs alongside the extraction; a sync name on the promise API is no function of it.
    expect(outcome(repo("const fsp = require('fs/promises');", "fsp.mkdir('dist', { recursive: true });")).errors).toEqual(['HOST_POSTPROCESS']);
    expect(outcome(repo("const fsp = require('fs/promises');", "await fsp.mkdirSync('dist', { recursive: true });")).errors).toEqual(['HOST_POSTPROCESS']);
    expect(outcome(repo("const fs = require('fs');", "await fs.mkdir('dist', { recursive: true });")).errors).toEqual(['HOST_POSTPROCESS']);
  });

  it('keeps the artifact on the host for a read through the promise API after the runtime build', () => {
    for (const read of ["await copyFile('dist/lantern', 'release/lantern');", "await fs.promises.readFile('dist/lantern');", "await fsp.cp('dist', 'release', { recursive: true });", "readFile('dist/lantern').then((b) => console.log(b.length));"]) {
      const files = repo("import fs from 'fs';\nimport fsp, { copyFile, readFile } from 'node:fs/promises';");
      files['scripts/image.js'] += `${read}\n`;
      const plan = planFiles(files);
      expect(plan.setups[0]!.status, read).toBe('migrate');
      expect(plan.changes.find((c) => c.path === 'scripts/image.js')!.after, read).toMatch(/--target export --output type=local/);
    }
  });

  it('keeps both calls in the migrated script', () => {
    const files = repo("const fs = require('fs');", ...EMPTY);
    const after = planFiles(files).changes.find((c) => c.path === 'scripts/image.js')!.after!;
    for (const line of EMPTY) expect(after).toContain(line);
    expect(after).not.toContain('docker cp');
  });

  it('removes the artifact\'s removal after the runtime build with the extraction, as a shell script\'s `rm`', () => {
    const after = (rm: string) => {
      const files = repo("const fs = require('fs');\nconst fsp = require('fs/promises');");
      files['scripts/image.js'] += `${rm}\n`;
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), rm).toEqual(['migrate']);
      return plan.changes.find((c) => c.path === 'scripts/image.js')!.after!;
    };
    for (const rm of ["fs.rmSync('dist', { recursive: true });", "await fsp.rm('dist', { recursive: true });"]) {
      expect(after(rm), rm).not.toContain(rm);
      expect(after(rm), rm).not.toMatch(/--target export/);
    }
    // a file the copy of dist's contents put there, removed without `force`: it must be there, so it stays on the host
    expect(after("fs.rmSync('dist/lantern');")).toMatch(/--target export[^\n]*\n[^\n]*lantern:latest[^\n]*\nfs\.rmSync\('dist\/lantern'\);\n$/);
  });

  it('still refuses a call it does not read exactly (a mode, options by name, a module of its own)', () => {
    expect(outcome(repo("const fs = require('fs');", "fs.mkdirSync('dist', { recursive: true, mode: 0o700 });")).errors).toEqual(['HOST_POSTPROCESS']);
    expect(outcome(repo("const fs = require('fs');\nconst opts = { recursive: true };", "fs.mkdirSync('dist', opts);")).errors).toEqual(['HOST_POSTPROCESS']);
    expect(outcome(repo("const fs = require('./my-fs');", "fs.mkdirSync('dist', { recursive: true });")).errors).toEqual(['HOST_POSTPROCESS']);
  });

  it('still refuses files put into the folder before the copy', () => {
    expect(outcome(repo("const fs = require('fs');", ...EMPTY, "fs.mkdirSync('dist/extra');")).errors).toEqual(['HOST_POSTPROCESS']);
  });

  it('spells each call as the shell command doing the same', () => {
    const text = "import fs, { rmSync } from 'fs';\nfs.rmSync('a b', { force: true, recursive: true });\nrmSync('x');\nfs.rmSync('y', { recursive: true, force: false });\nfs.mkdirSync('-n');\nfs.mkdirSync(dir);\nfs.rmSync('z', { recursive: 1 });\n";
    const paths = collectPaths(parseScriptTree(text), ['ImportDeclaration', 'VariableDeclarator', 'CallExpression']);
    const fs = fsBindings(paths.ImportDeclaration, paths.VariableDeclarator, () => true);
    expect(paths.CallExpression.map((p: any) => fsShellText(p.node, fs, (e) => staticString(e, new Map(), new Map())))).toEqual(["rm -fr 'a b'", 'rm x', 'rm -r y', null, null, null]);
  });
});
