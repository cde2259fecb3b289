import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyToTemp, FIXTURES } from './tree.js';

export const BIN = path.resolve(import.meta.dirname, '../../dist/src/bin.js');

export function runCli(args: string[], cwd = process.cwd(), env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, input: '', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the printed href-counter example. */
export const exampleCopy = () => copyToTemp(path.join(FIXTURES, 'href-counter-printed', 'before'));

/** A monorepo with two services, each a copy of the href-counter example (two setups). */
export function twoServices(): string {
  const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
  for (const svc of ['api', 'worker']) {
    fs.mkdirSync(path.join(dir, svc));
    for (const f of fs.readdirSync(dir)) {
      const src = path.join(dir, f);
      if (fs.statSync(src).isFile()) fs.copyFileSync(src, path.join(dir, svc, f));
    }
    fs.chmodSync(path.join(dir, svc, 'build.sh'), 0o755);
  }
  for (const f of fs.readdirSync(dir)) if (fs.statSync(path.join(dir, f)).isFile()) fs.rmSync(path.join(dir, f));
  return dir;
}

export function git(cwd: string, ...args: string[]) {
  const r = spawnSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The bundled example in a git repository of its own, every file committed. */
export function committedExample(): string {
  const dir = exampleCopy();
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}
