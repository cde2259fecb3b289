/**
 * JavaScript between a build script's process calls (src/analyze/hosts/js-unmodelled.ts): a call
 * the tool does not model stands in the sequence as a program of its own, so what it may do to
 * the artifact or the builder's inputs is judged where it runs; `process.chdir` leaves the folder
 * of every later call unknown.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';
import { jsBuildRepo } from '../support/js-build-repo.js';

const HEAD = "import { execSync } from 'node:child_process';\nimport fs from 'node:fs';\nimport path from 'node:path';\n";
const BUILDER = ['execSync(`docker build -t lantern:build -f Dockerfile.build .`);', 'execSync(`docker create --name lantern-out lantern:build`);', "execSync('docker cp lantern-out:/out/lantern ./lantern');", "execSync('docker rm lantern-out');"];
const FINAL = "execSync(`docker build -t lantern:latest .`, { stdio: 'inherit' });";
const repo = (...lines: string[]) => jsBuildRepo(HEAD, lines);
const outcome = (f: Record<string, string>) => {
  const plan = planFiles(f);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  const s = plan.setups[0]!;
  return { status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), exported: plan.changes.find((c) => c.path === 'Dockerfile')?.after?.includes('FROM scratch AS export') ?? false };
};

describe('values only known at run time, in messages', () => {
  const messages = (f: Record<string, string>) => planFiles(f).setups.flatMap((s) => [...s.diagnostics.map((d) => d.message), ...s.notes]).join('\n');

  it('shows a call\'s text and a stand-in call as the file writes them, not the reader\'s placeholder', () => {
    const dynamic = messages(repo(BUILDER[0]!, BUILDER[1]!, 'execSync(`docker cp lantern-out:${process.env.SRC}/lantern ./lantern`);', BUILDER[3]!, FINAL));
    expect(dynamic).toContain('`docker cp lantern-out:${process.env.SRC}/lantern ./lantern`');
    const standIn = messages(repo(...BUILDER, FINAL, "for (const f of ['a']) fs.copyFileSync('lantern', f);"));
    expect(standIn).toContain("`fs.copyFileSync('lantern', f)`");
    for (const m of [dynamic, standIn]) expect(m).not.toContain('__js_expression_');
  });
});

describe('JavaScript calls between the process calls of a build script', () => {
  it('refuses an fs call that may change the artifact before the runtime build copies it', () => {
    expect(outcome(repo(...BUILDER, "fs.chmodSync('lantern', 0o775);", FINAL))).toEqual({ status: 'refused', errors: ['HOST_POSTPROCESS'], exported: false });
  });

  it('names a call given the artifact between the builds as a change of the artifact, not of a builder input', () => {
    const plan = planFiles(repo(...BUILDER, "fs.copyFileSync('lantern', `lantern.bak`);", FINAL));
    const errors = plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(errors[0]!.message).toContain('js:fs.copyFileSync lantern lantern.bak');
  });

  it('still refuses a call given no literal path between the builds as one that may write what the builder reads', () => {
    // (its arguments are paths only known at run time: the artifact among them, first)
    expect(outcome(repo(...BUILDER, 'const src = process.argv[2];', 'fs.copyFileSync(src, process.argv[3]);', FINAL)).errors).toEqual(['HOST_POSTPROCESS']);
    expect(outcome(repo(...BUILDER, 'fs.copyFileSync(process.argv[2], process.argv[3]);', FINAL)).errors).toEqual(['HOST_POSTPROCESS']);
  });

  it('reads a const path given to a call: the artifact read back through it, from a folder not above it, stays on the host', () => {
    const script = [
      "const { execSync } = require('child_process');",
      "const fs = require('fs');",
      "const ARTIFACT = '../dist/app';",
      'process.chdir(__dirname);',
      "execSync('docker build -t app:build -f ../Dockerfile.build ..', { stdio: 'inherit' });",
      "execSync('docker create --name extract app:build', { stdio: 'inherit' });",
      'execSync(`docker cp extract:/out/app ${ARTIFACT}`, { stdio: \'inherit\' });',
      "execSync('docker rm extract', { stdio: 'inherit' });",
      "execSync('docker build -t app:latest ..', { stdio: 'inherit' });",
      "console.log(fs.readFileSync(ARTIFACT).length);",
    ].join('\n');
    const plan = planFiles({ 'Dockerfile.build': 'FROM busybox\nRUN mkdir /out && echo x > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /app\n', 'dist/.gitkeep': '', 'package.json': '{"scripts":{"image":"node scripts/build.js"}}', 'scripts/build.js': `${script}\n` });
    expect(plan.setups.map((st) => st.status)).toEqual(['migrate']);
    expect(plan.changes.find((c) => c.path === 'Dockerfile')?.after).toContain('FROM scratch AS export');
  });

  it('keeps the artifact on the host for an fs read after the final build', () => {
    expect(outcome(repo(...BUILDER, FINAL, "fs.writeFileSync('lantern.sha256', String(fs.readFileSync('lantern').length));"))).toEqual({ status: 'migrate', errors: [], exported: true });
  });

  it('follows no folder after process.chdir: a relative read there may be the artifact', () => {
    expect(outcome(repo(...BUILDER, FINAL, "process.chdir('release');", "execSync('sha256sum ../lantern > lantern.sha256');"))).toEqual({ status: 'migrate', errors: [], exported: true });
  });

  it('refuses a process call whose command is not a literal between the builds', () => {
    expect(outcome(repo(...BUILDER, "const post = process.argv[2] ?? 'true';", 'execSync(post);', FINAL)).errors).toEqual(['HOST_POSTPROCESS']);
  });

  it('migrates around calls that touch no file, and an fs call before the builder build', () => {
    expect(outcome(repo("fs.mkdirSync('out', { recursive: true });", ...BUILDER, "console.log(`packaging ${path.join('dist', 'lantern')}`);", FINAL, "console.log('done'.toUpperCase());"))).toEqual({ status: 'migrate', errors: [], exported: false });
  });

  it('reads a call of a function of the file by its body, not as a program', () => {
    expect(outcome(repo('function build() {', ...BUILDER, FINAL, '}', 'build();'))).toEqual({ status: 'migrate', errors: [], exported: false });
  });
});
