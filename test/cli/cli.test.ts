/**
 * The built CLI as users run it (node dist/src/bin.js), on temporary copies of fixtures:
 * exit codes, what is written (or not), and the JSON report.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/cli/args.js';
import { CODES } from '../../src/model/diagnostics.js';
import { BIN, git, runCli } from '../support/cli.js';
import { copyToTemp, FIXTURES, readTree, writeTemp } from '../support/tree.js';

const run = runCli;

const example = () => copyToTemp(path.join(FIXTURES, 'href-counter-printed', 'before'));

describe('CLI', () => {
  it('is built (npm test builds first)', () => {
    expect(fs.existsSync(BIN)).toBe(true);
  });

  it('--help tells the contract and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--dry-run', '--yes', '--json', '--stage-name', '--no-color', 'Exit codes', '130']) expect(r.stdout).toContain(flag);
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(run(['--version']).stdout.trim()).toBe(pkg.version);
  });

  it('bad usage exits 2 with a message and writes nothing', () => {
    const dir = example();
    const before = readTree(dir);
    for (const args of [['--frob'], ['--dry-run', '--yes'], ['--stage-name', '1bad'], ['no/such/dir']]) {
      const r = run([...args, ...(args[0] === 'no/such/dir' ? [] : [dir])]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/multistage-codemod: .+/);
    }
    expect(readTree(dir)).toEqual(before);
  });

  it('an option the mode would ignore is bad usage naming both options, never dropped in silence', () => {
    const conflicts: [string[], RegExp][] = [
      [['--check', '--patch', 'f.patch'], /--check and --patch/],
      [['--check', '--dry-run'], /--check and --dry-run/],
      [['--verify', '--check'], /--verify does nothing with --check/],
      [['--patch', '-', '--json'], /--patch - and --json/],
      [['--patch', '-', '--format', 'json'], /--patch - and --format json/],
      [['--patch', '-', '--summary'], /--patch - and --summary/],
      [['--patch', '-', '--format', 'sarif', '--check'], /--check and --patch/],
      [['--patch', '-', '--format', 'sarif', '--dry-run'], /--patch and --dry-run/],
      [['--patch', '-', '--dry-run'], /--patch and --dry-run/],
      [['--patch', 'f.patch', '--dry-run'], /--patch and --dry-run/],
    ];
    for (const [args, why] of conflicts) expect(() => parseCli(args), args.join(' ')).toThrow(why);
    for (const args of conflicts.map(([a]) => a)) expect(() => parseCli(args)).toThrow(UsageError);
    // What each mode does use still parses.
    for (const args of [['--patch', 'f.patch', '--json'], ['--patch', 'f.patch', '--summary'], ['--dry-run', '--verify'], ['--patch', '-', '--verify'], ['--check', '--format', 'sarif'], ['--check', '--summary'], ['--check', '--json']]) {
      expect(() => parseCli(args), args.join(' ')).not.toThrow();
    }

    const dir = example();
    const before = readTree(dir);
    const r = run([dir, '--check', '--patch', path.join(dir, 'f.patch')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^multistage-codemod: --check and --patch contradict each other/);
    expect(r.stdout).toBe('');
    expect(readTree(dir)).toEqual(before);
  });

  it('without a terminal and without --yes prints the plan, writes nothing, says how to apply and exits 1', () => {
    const dir = example();
    const before = readTree(dir);
    const r = run([dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('COPY --from=builder --chown=0:0 /go/src/github.com/alexellis/href-counter/app .');
    expect(r.stderr).toContain('--yes');
    expect(readTree(dir)).toEqual(before);
  });

  it('--dry-run prints diffs and the broken-continuation warning, writes nothing, exits 0', () => {
    const dir = example();
    const before = readTree(dir);
    const r = run(['--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deleted file mode 100644');
    expect(r.stdout).toContain('+COPY --from=builder --chown=0:0 /go/src/github.com/alexellis/href-counter/app .');
    expect(r.stdout).toMatch(/build\.sh:4: warning BROKEN_CONTINUATION/);
    expect(r.stdout).toContain('1 setup(s) would be migrated');
    expect(readTree(dir)).toEqual(before);
  });

  it('--yes writes exactly the expected tree, and a second run has nothing to do', () => {
    const dir = example();
    const r = run(['.', '--yes'], dir);
    expect(r.code).toBe(0);
    expect(readTree(dir)).toEqual(readTree(path.join(FIXTURES, 'href-counter-printed', 'after')));
    expect(fs.statSync(path.join(dir, 'build.sh')).mode & 0o777).toBe(fs.statSync(path.join(FIXTURES, 'href-counter-printed', 'before', 'build.sh')).mode & 0o777);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = run(['.', '--yes'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('NO_SETUP');
  });

  it('--json reports setups, artifacts, changes and coded diagnostics', () => {
    const dir = example();
    const r = run(['--dry-run', '--json'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, mode: 'dry-run', applied: false, summary: { setups: 1, planned: 1, refused: 0, updated: 2, deleted: 1 } });
    expect(report.setups[0]).toMatchObject({
      id: 'build.sh:4',
      status: 'planned',
      stage: 'builder',
      artifacts: [{ containerPath: '/go/src/github.com/alexellis/href-counter/app', hostPath: 'app', extractedAt: { file: 'build.sh', line: 8 }, copies: [{ file: 'Dockerfile', line: 4 }] }],
    });
    expect(report.setups[0].diagnostics).toEqual([expect.objectContaining({ code: 'BROKEN_CONTINUATION', file: 'build.sh', line: 4, severity: 'warning' })]);
    expect(report.changes.map((c: { path: string; action: string }) => [c.path, c.action])).toEqual([
      ['Dockerfile', 'update'],
      ['Dockerfile.build', 'delete'],
      ['build.sh', 'update'],
    ]);
  });

  it('a refused setup exits 1, names the code with file and line, and writes nothing', () => {
    const dir = example();
    fs.writeFileSync(path.join(dir, 'build.sh'), fs.readFileSync(path.join(dir, 'build.sh'), 'utf8').replace('extract:/go/src/github.com/alexellis/href-counter/app', '"extract:$(cat path.txt)"'));
    const before = readTree(dir);
    const r = run(['.', '--yes'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/build\.sh:8: error DYNAMIC_ARTIFACT_PATH/);
    expect(readTree(dir)).toEqual(before);
  });

  it('neither reads nor writes through a symlinked Dockerfile', () => {
    const dir = writeTemp({});
    const real = example();
    fs.symlinkSync(path.join(real, 'Dockerfile'), path.join(dir, 'Dockerfile'));
    for (const f of ['build.sh', 'Dockerfile.build', 'app.go']) fs.copyFileSync(path.join(real, f), path.join(dir, f));
    const before = fs.readFileSync(path.join(real, 'Dockerfile'), 'utf8');
    const r = run(['.', '--yes'], dir);
    // The Dockerfile is a link, so it is not read as the runtime Dockerfile: nothing is migrated.
    expect(r.code).not.toBe(0);
    expect(fs.readFileSync(path.join(real, 'Dockerfile'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'Dockerfile.build'))).toBe(true);
  });

  it('--verify without any container engine says so clearly and exits 3, writing nothing', () => {
    const dir = example();
    const before = readTree(dir);
    const emptyPath = writeTemp({});
    const r = run(['.', '--yes', '--verify'], dir, { PATH: emptyPath });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--verify needs a container engine/);
    expect(r.stderr).toMatch(/docker/);
    expect(r.stderr).toMatch(/podman/);
    expect(readTree(dir)).toEqual(before);
  });

  it('--engine docker without a daemon is ENGINE_UNAVAILABLE, never a quiet fall back to podman', () => {
    const dir = example();
    const before = readTree(dir);
    // A docker client that finds no daemon, and a podman that would work if it were asked.
    const bin = writeTemp({ docker: '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2\nexit 1\n', podman: '#!/bin/sh\necho used > "$(dirname "$0")/podman-was-called"\nexit 0\n' });
    fs.chmodSync(path.join(bin, 'docker'), 0o755);
    fs.chmodSync(path.join(bin, 'podman'), 0o755);
    const r = run(['.', '--yes', '--verify', '--engine', 'docker'], dir, { PATH: `${bin}:/usr/bin:/bin` });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error ENGINE_UNAVAILABLE --verify needs a container engine/);
    expect(r.stderr).toMatch(/Cannot connect to the Docker daemon/);
    expect(r.stderr).not.toMatch(/Please report this/);
    expect(fs.existsSync(path.join(bin, 'podman-was-called'))).toBe(false);
    expect(readTree(dir)).toEqual(before);
  });

  it('--verify-timeout takes seconds, and only with --verify', () => {
    const dir = example();
    expect(run(['.', '--dry-run', '--verify', '--verify-timeout', 'soon'], dir).stderr).toMatch(/--verify-timeout must be a number of seconds/);
    // Longer than a timer holds (it became 1 ms), and none at all: usage errors before any run.
    for (const t of ['99999999999', '2147484', '0']) {
      const big = run(['.', '--dry-run', '--verify', '--verify-timeout', t], dir);
      expect(big.code).toBe(2);
      expect(big.stderr).toContain(`--verify-timeout must be a number of seconds above 0 and at most 2147483 (about 24 days), not "${t}"`);
    }
    const r = run(['.', '--dry-run', '--verify-timeout', '60'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--verify-timeout only matters with --verify/);
  });

  it('stops quietly when its reader goes away (`| head`)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, path.join(FIXTURES, 'href-counter-printed', 'before'), '--dry-run'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|fatal|Unhandled/);
    expect(code).toBe(0);
  });

  it('a standard output that cannot be written (a full disk): one line on stderr, exit 3, no stack trace', () => {
    const dir = example();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const toFull = (args: string[]) => {
      const out = fs.openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        return { code: r.status, stderr: r.stderr };
      } finally {
        fs.closeSync(out);
      }
    };
    const before = readTree(dir);
    for (const args of [['--dry-run'], ['--dry-run', '--json'], ['--help'], ['--patch', '-'], ['--check'], ['--check', '--format', 'sarif']]) {
      const r = toFull(args);
      expect(r.stderr, args.join(' ')).toBe('multistage-codemod: cannot write to standard output: no space left on the device\n');
      expect(r.code, args.join(' ')).toBe(3);
    }
    expect(readTree(dir)).toEqual(before);

    // A run that wrote its files keeps its exit code and says what it wrote: only the report was lost.
    const y = toFull(['.', '--yes']);
    expect(y.stderr).toBe('multistage-codemod: cannot write to standard output: no space left on the device\nThe changes were written all the same: updated Dockerfile, deleted Dockerfile.build, updated build.sh.\n');
    expect(y.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'Dockerfile.build'))).toBe(false);
  });

  it('documents every diagnostic code in the README', () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    for (const code of Object.keys(CODES)) expect(readme, code).toContain(`\`${code}\``);
  });
});
