/**
 * What a JavaScript build script does when a process call fails, and whether it waits for it
 * (src/analyze/hosts/js-failure.ts, js-control-flow.ts): merged, the compile runs in the final
 * build's call, so that call must stop the script, wait, and hold the compile's log as the
 * builder build's did; early returns and exits make the calls after them conditional.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';
import { jsBuildRepo } from '../support/js-build-repo.js';

const HEAD = "import { exec, execSync, spawnSync } from 'node:child_process';\n";
const IO = "{ stdio: 'inherit' }";
const BUILDER = [`execSync('docker build -t lantern:build -f Dockerfile.build .', ${IO});`, `execSync('docker create --name lantern-out lantern:build', ${IO});`, `execSync('docker cp lantern-out:/out/lantern ./lantern', ${IO});`, `execSync('docker rm lantern-out', ${IO});`];
const FINAL = `execSync('docker build -t lantern:latest .', ${IO});`;
const outcome = (...lines: string[]) => planFiles(jsBuildRepo(HEAD, lines)).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

describe('the final build\'s call, where the compile now runs', () => {
  it('migrates the plain shape: execSync throughout, output shown', () => {
    expect(outcome(...BUILDER, FINAL)).toEqual([['migrate']]);
  });

  it('refuses a final spawnSync whose status nothing reads, after an execSync builder build', () => {
    expect(outcome(...BUILDER, `spawnSync('docker', ['build', '-t', 'lantern:latest', '.'], ${IO});`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('refuses a final build in a try whose catch goes on, and a builder build in one', () => {
    expect(outcome(...BUILDER, `try { ${FINAL} } catch (e) { console.error('keeping the old image'); }`)).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(outcome('try {', ...BUILDER, "} catch (e) { console.error('packaging the last binary'); }", FINAL)).toEqual([['refused', 'CONDITIONAL_STEP']]);
    // a catch that fails the script in turn is no leniency; nor is a try around all of it
    expect(outcome('try {', ...BUILDER, "} catch (e) { console.error(e); process.exit(1); }", FINAL)).toEqual([['migrate']]);
    expect(outcome('try {', ...BUILDER, FINAL, "} catch (e) { console.error(e); }")).toEqual([['migrate']]);
  });

  it('refuses a final build under a timeout the builder build did not have', () => {
    expect(outcome(...BUILDER, "execSync('docker build -t lantern:latest .', { stdio: 'inherit', timeout: 4000 });")).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(outcome(...BUILDER.map((l, k) => (k === 0 ? l.replace(IO, "{ stdio: 'inherit', timeout: 4000 }") : l)), "execSync('docker build -t lantern:latest .', { stdio: 'inherit', timeout: 4000 });")).toEqual([['migrate']]);
  });

  it('refuses a final build whose output Node holds in a bounded buffer, where the builder build\'s was shown', () => {
    expect(outcome(...BUILDER, "const log = execSync('docker build -t lantern:latest .');")).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it("refuses it where the builder build's output went into a buffer of its own too: merged, the two logs may pass the limit", () => {
    const held = BUILDER.map((l) => l.replace(`, ${IO}`, ''));
    expect(outcome(...held, "execSync('docker build -t lantern:latest .');")).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    // a buffer without a bound, or a final build that prints only the image id, holds no log
    expect(outcome(...held, "execSync('docker build -t lantern:latest .', { maxBuffer: Infinity });")).toEqual([['migrate']]);
    expect(outcome(...held, "execSync('docker build -q -t lantern:latest .');")).toEqual([['migrate']]);
  });

  it('refuses calls Node does not wait for (exec of child_process)', () => {
    expect(outcome(...BUILDER.map((l) => l.replace('execSync(', 'exec(').replace(`, ${IO}`, '')), FINAL)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });
});

describe('options and methods that make a failed call resolve instead of throwing', () => {
  const steps = ['docker build -t lantern:build -f Dockerfile.build .', 'docker create --name lantern-out lantern:build', 'docker cp lantern-out:/out/lantern ./lantern', 'docker rm lantern-out'];
  const execa = (final: string) => planFiles(jsBuildRepo("import { execa } from 'execa';\n", [...steps.map((l) => `await execa('docker', [${l.split(' ').slice(1).map((w) => `'${w}'`).join(', ')}], ${IO});`), final])).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  const zx = (...lines: string[]) => planFiles(jsBuildRepo("import { $ } from 'zx';\n", lines)).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  const zxSteps = steps.map((l) => `await $\`${l}\`;`);

  it("refuses a final execa call with `reject: false`: its failure no longer stops the script", () => {
    expect(execa(`const { exitCode } = await execa('docker', ['build', '-t', 'lantern:latest', '.'], { stdio: 'inherit', reject: false });`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(execa(`await execa('docker', ['build', '-t', 'lantern:latest', '.'], { stdio: 'inherit', reject: true });`)).toEqual([['migrate']]);
  });

  it("refuses a final execa call that keeps its output (execa's default pipe, 100 MB `maxBuffer`) where the builder build's was kept too", () => {
    const held = (final: string) => planFiles(jsBuildRepo("import { execa } from 'execa';\n", [...steps.map((l) => `await execa('docker', [${l.split(' ').slice(1).map((w) => `'${w}'`).join(', ')}]);`), final])).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    expect(held("await execa('docker', ['build', '-t', 'lantern:latest', '.']);")).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(held("await execa('docker', ['build', '-t', 'lantern:latest', '.'], { stdout: 'inherit' });")).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    // shown, or kept without a bound, or not kept: no buffer holds the compile's log
    expect(held("await execa('docker', ['build', '-t', 'lantern:latest', '.'], { stdout: 'inherit', stderr: 'inherit' });")).toEqual([['migrate']]);
    expect(held("await execa('docker', ['build', '-t', 'lantern:latest', '.'], { buffer: false });")).toEqual([['migrate']]);
    expect(held("await execa('docker', ['build', '-t', 'lantern:latest', '.'], { maxBuffer: Infinity });")).toEqual([['migrate']]);
    expect(execa(`await execa('docker', ['build', '-t', 'lantern:latest', '.']);`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('refuses a final zx command after `$.nothrow = true`, or with `.nothrow()`', () => {
    expect(zx(...zxSteps, '$.nothrow = true;', 'await $`docker build -t lantern:latest .`;')).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(zx(...zxSteps, 'await $`docker build -t lantern:latest .`.nothrow();')).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(zx(...zxSteps, '$.nothrow = true;', '$.nothrow = false;', 'await $`docker build -t lantern:latest .`;')).toEqual([['migrate']]);
  });

  it('reads `.quiet()` on a zx command as the awaited command it returns', () => {
    expect(zx(`${zxSteps[0]!.slice(0, -1)}.quiet();`, ...zxSteps.slice(1), 'await $`docker build -t lantern:latest .`.quiet();')).toEqual([['migrate']]);
  });
});

describe('early returns and exits between the builds', () => {
  it('refuses a conditional return or process.exit(0) after the builder build: that path built only the builder image', () => {
    const main = (exit: string) => ['function main() {', BUILDER[0]!, exit, ...BUILDER.slice(1), FINAL, '}', 'main();'];
    expect(outcome(...main("if (process.argv.includes('--compile-only')) return;"))).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(outcome(...main('if (process.env.COMPILE_ONLY) process.exit(0);'))).toEqual([['refused', 'CONDITIONAL_STEP']]);
    // one before every step, or a failing exit, changes no path the merge joins
    expect(outcome('function main() {', "if (process.env.SKIP) return;", ...BUILDER, FINAL, '}', 'main();')).toEqual([['migrate']]);
    expect(outcome(...main("if (!process.env.HOME) process.exit(2);"))).toEqual([['migrate']]);
  });

  it('reads process.exit(NAME) by the const it names, and an unknown code as one that may succeed', () => {
    const main = (...exit: string[]) => [...exit.slice(0, -1), BUILDER[0]!, exit[exit.length - 1]!, ...BUILDER.slice(1), FINAL];
    expect(outcome(...main('const EXIT_OK = 0;', 'if (process.env.COMPILE_ONLY) process.exit(EXIT_OK);'))).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(outcome(...main('if (process.env.COMPILE_ONLY) process.exit(Number(process.env.CODE));'))).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(outcome(...main('const EXIT_USAGE = 64;', 'if (!process.env.HOME) process.exit(EXIT_USAGE);'))).toEqual([['migrate']]);
  });

  it('refuses a `return` at the top level of a CommonJS script between the builds: it ends the script', () => {
    const cjs = (...lines: string[]) => {
      const files = jsBuildRepo("const { execSync } = require('node:child_process');\n", lines);
      const { 'scripts/image.mjs': body, ...rest } = files;
      return planFiles({ ...rest, 'package.json': '{ "name": "lantern", "scripts": { "image": "node scripts/image.js" } }\n', 'scripts/image.js': body! }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    };
    expect(cjs(BUILDER[0]!, "if (process.argv.includes('--compile-only')) return;", ...BUILDER.slice(1), FINAL)).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(cjs("if (process.argv.includes('--help')) return;", ...BUILDER, FINAL)).toEqual([['migrate']]);
  });
});

describe('early exits in a shell script between the builds', () => {
  const shell = (between: string) =>
    planFiles({
      'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', between, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', ''].join('\n'),
    }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

  it('refuses an exit with success status there', () => {
    expect(shell('if [ -n "$COMPILE_ONLY" ]; then echo compiled; exit 0; fi')).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(shell('[ -z "$COMPILE_ONLY" ] || exit 0')).toEqual([['refused', 'CONDITIONAL_STEP']]);
  });

  it('migrates around an exit with a failing status', () => {
    expect(shell('if [ ! -f Dockerfile ]; then echo missing >&2; exit 1; fi')).toEqual([['migrate']]);
    // a bare `exit` after `||` exits with the failed test's status
    expect(shell('[ -f Dockerfile ] || exit')).toEqual([['migrate']]);
  });
});

describe("shelljs's exec: synchronous unless given a callback or `async: true`", () => {
  const steps = ['docker build -t lantern:build -f Dockerfile.build .', 'docker create --name lantern-out lantern:build', 'docker cp lantern-out:/out/lantern ./lantern', 'docker rm lantern-out'];
  const HEAD_SJ = "import shell from 'shelljs';\nimport { execSync } from 'node:child_process';\n";
  const run = (head: string, ...lines: string[]) => planFiles(jsBuildRepo(head, lines)).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
  const messages = (head: string, ...lines: string[]) => planFiles(jsBuildRepo(head, lines)).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message));

  it('migrates a builder build and extraction run by shell.exec, waited for, that throw under set -e', () => {
    expect(run(HEAD_SJ, "shell.set('-e');", ...steps.map((l) => `shell.exec('${l}');`), FINAL)).toEqual([['migrate']]);
    expect(run(HEAD_SJ, "shell.config.fatal = true;", ...steps.map((l) => `shell.exec('${l}', { silent: false });`), FINAL)).toEqual([['migrate']]);
    expect(run("import { exec } from 'shelljs';\nimport { execSync } from 'node:child_process';\n", ...steps.map((l) => `exec('${l}', { fatal: true });`), FINAL)).toEqual([['migrate']]);
    expect(run("const shell = require('shelljs');\nconst { execSync } = require('node:child_process');\n", "shell.set('-e');", ...steps.map((l) => `shell.exec('${l}', { async: false });`), FINAL)).toEqual([['migrate']]);
  });

  it('still refuses one not waited for: a callback or async: true', () => {
    const loose = (call: (l: string) => string) => messages(HEAD_SJ, "shell.set('-e');", ...steps.map(call), FINAL).some((m) => m.includes('without being waited for'));
    expect(loose((l) => `shell.exec('${l}', () => {});`)).toBe(true);
    expect(loose((l) => `shell.exec('${l}', { silent: true }, (code) => {});`)).toBe(true);
    expect(loose((l) => `shell.exec('${l}', { async: true });`)).toBe(true);
    // options only known at run time may say `async: true` (and hold a `cwd`)
    expect(run(HEAD_SJ, "const opts = JSON.parse(process.env.OPTS);", "shell.set('-e');", ...steps.map((l) => `shell.exec('${l}', opts);`), FINAL)[0]![0]).toBe('refused');
    expect(loose((l) => `shell.exec('${l}');`)).toBe(false);
  });

  it("keeps a final build by shell.exec refused for its buffer, which Infinity does not lift", () => {
    const m = messages(HEAD_SJ, "shell.set('-e');", ...steps.map((l) => `shell.exec('${l}');`), "shell.exec('docker build -t lantern:latest .', { maxBuffer: Infinity });");
    expect(m.some((x) => x.includes("shelljs's `exec` keeps it"))).toBe(true);
  });

  it("reads shelljs's cd as a change of the folder the calls after it run in", () => {
    expect(run(HEAD_SJ, "shell.set('-e');", "shell.cd('sub');", ...steps.map((l) => `shell.exec('${l}');`), FINAL)).not.toEqual([['migrate']]);
  });
});
