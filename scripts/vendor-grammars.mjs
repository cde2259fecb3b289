#!/usr/bin/env node
/**
 * Rebuilds grammars/: the WebAssembly builds of the shell and Makefile grammars that
 * web-tree-sitter loads. Each is the .wasm published inside the grammar's own npm package, at
 * the exact version grammars/sources.json names, with its licence; nothing is compiled.
 *
 *   node scripts/vendor-grammars.mjs           fetch (npm pack), check the sha256, write grammars/
 *   node scripts/vendor-grammars.mjs --check   only check that the committed files match sources.json
 *
 * To move a grammar to another version: change its version in sources.json, run with
 * --update (which records the new sha256), then run the unit suite: the shell reader's known
 * misreadings (src/analyze/shell.ts) are tied to the grammar's version.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIR = path.resolve(import.meta.dirname, '..', 'grammars');
const SOURCES = path.join(DIR, 'sources.json');
const mode = process.argv[2] ?? '';
if (!['', '--check', '--update'].includes(mode)) {
  process.stderr.write('usage: node scripts/vendor-grammars.mjs [--check | --update]\n');
  process.exit(2);
}

const sources = JSON.parse(fs.readFileSync(SOURCES, 'utf8'));
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
let failed = false;

for (const g of sources.grammars) {
  if (mode === '--check') {
    const got = sha256(fs.readFileSync(path.join(DIR, g.file)));
    if (got !== g.sha256) {
      process.stderr.write(`${g.file}: sha256 ${got}, sources.json says ${g.sha256}\n`);
      failed = true;
    }
    continue;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-grammar-'));
  try {
    const spec = `${g.package}@${g.version}`;
    const tgz = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp, `package/${g.file}`, 'package/LICENSE']);
    const wasm = fs.readFileSync(path.join(tmp, 'package', g.file));
    const got = sha256(wasm);
    if (mode === '--update') g.sha256 = got;
    else if (got !== g.sha256) {
      process.stderr.write(`${spec}: ${g.file} has sha256 ${got}, sources.json says ${g.sha256} (--update to accept)\n`);
      failed = true;
      continue;
    }
    fs.writeFileSync(path.join(DIR, g.file), wasm);
    fs.copyFileSync(path.join(tmp, 'package', 'LICENSE'), path.join(DIR, `${g.package}.LICENSE`));
    process.stdout.write(`${g.file} from ${spec} (${wasm.length} bytes, sha256 ${got})\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
if (mode === '--update') fs.writeFileSync(SOURCES, `${JSON.stringify(sources, null, 2)}\n`);
process.exit(failed ? 1 : 0);
