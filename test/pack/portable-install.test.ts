/**
 * The package installs and runs wherever Node runs: `npm pack`, then install the tarball into a
 * clean folder with `--ignore-scripts` and a PATH holding nothing but `node` (no cc, gcc, g++,
 * make or python: nothing could be compiled), check that no platform-specific binary came with
 * it, and migrate the bundled example with the installed command.
 *
 * The install resolves the dependencies at the versions package-lock.json records (the
 * consumer's lockfile is made from it), so the test checks this package, not whatever the
 * registry serves that day. Needs the npm registry; run with `npx vitest run --project pack`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { copyToTemp, FIXTURES, readTree } from '../support/tree.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(FIXTURES, 'href-counter-printed');
const COMPILERS = ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python', 'python3', 'node-gyp'];

let work: string;
let sandboxPath: string;
let consumer: string;

/** npm's own script, run with this Node (the sandbox PATH has no npm). */
function npmCli(): string {
  if (process.env.npm_execpath?.endsWith('.js')) return process.env.npm_execpath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  throw new Error('npm not found on PATH');
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` whose name passes `test`, relative to `dir`. */
function findFiles(dir: string, test: (name: string) => boolean): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (test(e.name)) out.push(path.relative(dir, p));
    }
  }
  return out;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pack-'));
  const sandboxBin = path.join(work, 'bin');
  fs.mkdirSync(sandboxBin);
  fs.symlinkSync(process.execPath, path.join(sandboxBin, 'node'));
  sandboxPath = sandboxBin;

  const pack = spawnSync(process.execPath, [npmCli(), 'pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack: ${pack.stderr}`);
  const tarball = `file:../${(JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename}`;

  // The consumer: one dependency, the tarball, locked to the versions package-lock.json tested.
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8'));
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { [pkg.name]: tarball } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: tarball, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [key, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean; devOptional?: boolean }>)) {
    if (key !== '' && !entry.dev && !entry.devOptional) packages[key] = entry;
  }
  consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { [pkg.name]: tarball } }));
  fs.writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('portable install', () => {
  it('the sandbox PATH offers no compiler, make or python', () => {
    for (const tool of COMPILERS) expect(fs.existsSync(path.join(sandboxPath, tool)), tool).toBe(false);
    expect(fs.readdirSync(sandboxPath)).toEqual(['node']);
  });

  it('installs the packed tarball with --ignore-scripts and no compiler, with no platform-specific binary in its tree', () => {
    const env = { HOME: process.env.HOME ?? work, PATH: sandboxPath, npm_config_update_notifier: 'false' };
    const r = run(process.execPath, [npmCli(), 'ci', '--ignore-scripts', '--no-audit', '--no-fund'], consumer, env);
    expect(r.stderr).not.toMatch(/npm error/);
    expect(r.code).toBe(0);

    const modules = path.join(consumer, 'node_modules');
    expect(fs.existsSync(path.join(modules, 'multistage-codemod', 'grammars', 'tree-sitter-bash.wasm'))).toBe(true);
    // Native addons, and what npm would compile one from.
    expect(findFiles(modules, (n) => n.endsWith('.node') || n === 'binding.gyp')).toEqual([]);
    // Nothing in the tree needs an install script, so --ignore-scripts leaves nothing undone.
    const installed = JSON.parse(fs.readFileSync(path.join(modules, '.package-lock.json'), 'utf8')).packages as Record<string, { hasInstallScript?: boolean }>;
    expect(Object.keys(installed).length).toBeGreaterThan(50);
    expect(Object.entries(installed).filter(([, e]) => e.hasInstallScript).map(([k]) => k)).toEqual([]);
  }, 240_000);

  it('the installed command migrates the bundled example: --dry-run prints the expected diff, --yes writes exactly after/', () => {
    const env = { HOME: process.env.HOME ?? work, PATH: sandboxPath, NO_COLOR: '1' };
    const installed = path.join(consumer, 'node_modules', '.bin', 'multistage-codemod');
    const copy = copyToTemp(path.join(EXAMPLE, 'before'));
    const reference = copyToTemp(path.join(EXAMPLE, 'before'));
    try {
      const dry = run(installed, ['.', '--dry-run'], copy, env);
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);
      // The same diff the repository's own build prints (the CLI tests pin that one down).
      const expected = run(process.execPath, [BIN, '.', '--dry-run'], reference, { ...env, PATH: process.env.PATH ?? '' });
      expect(expected.code).toBe(0);
      expect(dry.stdout).toBe(expected.stdout);
      // The migrated Dockerfile's COPY --from line, as after/ has it, is shown as added.
      const copyFrom = fs.readFileSync(path.join(EXAMPLE, 'after', 'Dockerfile'), 'utf8').split('\n').find((l) => l.startsWith('COPY --from='));
      expect(copyFrom).toBeDefined();
      expect(dry.stdout).toContain(`\n+${copyFrom}\n`);
      expect(readTree(copy)).toEqual(readTree(path.join(EXAMPLE, 'before')));

      const yes = run(installed, ['.', '--yes'], copy, env);
      expect(yes.code).toBe(0);
      expect(readTree(copy)).toEqual(readTree(path.join(EXAMPLE, 'after')));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
      fs.rmSync(reference, { recursive: true, force: true });
    }
  }, 60_000);
});
