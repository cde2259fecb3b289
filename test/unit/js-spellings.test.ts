/**
 * A builder flag carried into the final build's call (src/plan/build-flags.ts) is written as
 * the file writes it only where both calls spell their text alike: `${ver}` in a JavaScript
 * template literal is the script's value, in a '…' string the shell's variable, and quotes
 * written for one string kind break another.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const files = (builderCall: string, finalCall: string) => ({
  'Dockerfile.build': 'FROM busybox:latest\nARG V\nRUN mkdir -p /out && echo "$V" > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'build.mjs': [
    "import { execSync } from 'node:child_process';",
    '',
    "const ver = process.env.VERSION ?? 'dev';",
    builderCall,
    "execSync('docker create --name x app-builder', { stdio: 'inherit' });",
    "execSync('docker cp x:/out/app ./app', { stdio: 'inherit' });",
    "execSync('docker rm x', { stdio: 'inherit' });",
    finalCall,
    '',
  ].join('\n'),
});

describe('a builder flag carried between calls spelled apart', () => {
  it('refuses, naming both spellings, a flag holding a template literal\'s value for a plain string', () => {
    const plan = planFiles(files("execSync(`docker build --build-arg V=${ver} -t app-builder -f Dockerfile.build .`, { stdio: 'inherit' });", "execSync('docker build -t app:latest .', { stdio: 'inherit' });"));
    const [setup] = plan.setups;
    const errors = setup!.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['SCRIPT_EDIT_UNSAFE']);
    expect(errors[0]!.message).toContain('written in a JavaScript template literal');
    expect(errors[0]!.message).toContain("written in a JavaScript '…' string");
  });

  it('refuses a value with quotes written for another string kind', () => {
    const plan = planFiles(files('execSync("docker build --build-arg V=\'a b\' -t app-builder -f Dockerfile.build .", { stdio: \'inherit\' });', "execSync('docker build -t app:latest .', { stdio: 'inherit' });"));
    expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['SCRIPT_EDIT_UNSAFE']);
  });

  it('carries a plain value by its value', () => {
    const f = files("execSync(`docker build --build-arg V=1.2 -t app-builder -f Dockerfile.build .`, { stdio: 'inherit' });", "execSync('docker build -t app:latest .', { stdio: 'inherit' });");
    const plan = planFiles(f);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(f, plan)['build.mjs']).toContain("execSync('docker build --build-arg V=1.2 -t app:latest .', { stdio: 'inherit' });");
  });

  it('carries a template literal\'s value as written into another template literal', () => {
    const f = files("execSync(`docker build --build-arg V=${ver} -t app-builder -f Dockerfile.build .`, { stdio: 'inherit' });", "execSync(`docker build -t app:latest .`, { stdio: 'inherit' });");
    const plan = planFiles(f);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(f, plan)['build.mjs']).toContain('execSync(`docker build --build-arg V=${ver} -t app:latest .`');
  });
});
