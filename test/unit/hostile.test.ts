/**
 * Hostile input, through the built CLI on copies of the href-counter example: every case must
 * end in a coded diagnostic, a migration, or the file being skipped; never a stack trace, a
 * hang, exit 2, or a write outside the root (or any write on --dry-run).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/model/diagnostics.js';
import { BIN } from '../support/cli.js';
import { planFiles } from '../support/plan.js';
import { copyToTemp, FIXTURES, readTree } from '../support/tree.js';

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, timeoutMs = 20_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const CODE_RE = new RegExp(`\\b(${Object.keys(CODES).join('|')})\\b`, 'g');
const codesIn = (r: Ran) => [...new Set((r.stdout + r.stderr).match(CODE_RE) ?? [])].sort();

/** No crash: exit 0, 1 (findings) or 3 (a write refused), no stack trace, and a failure names its code. */
function expectHandled(r: Ran, what: string): void {
  expect(r.signal, `${what}: killed (hung?)`).toBe(null);
  expect([0, 1, 3], `${what}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/fatal error|\n\s+at .+:\d+:\d+/);
  if (r.code !== 0) expect(codesIn(r).length, `${what}: exit ${r.code} without a code\n${r.stdout}\n${r.stderr}`).toBeGreaterThan(0);
}

/** A copy of the example, nested two folders deep so paths outside it stay in a folder we watch. */
function example(): { dir: string; outside: string } {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-hostile-'));
  const dir = path.join(outside, 'a', 'repo');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'href-counter', 'before'), dir, { recursive: true });
  return { dir, outside };
}

const edit = (dir: string, f: string, fn: (t: string) => string) => fs.writeFileSync(path.join(dir, f), fn(fs.readFileSync(path.join(dir, f), 'utf8')));
const append = (dir: string, f: string, data: string | Buffer) => fs.appendFileSync(path.join(dir, f), data);
const ALL = ['build.sh', 'Dockerfile', 'Dockerfile.build'];

const CASES: Record<string, (dir: string) => void> = {
  'an unclosed heredoc': (d) => append(d, 'build.sh', 'cat <<EOF\nnever closed\n'),
  'bad escapes and a backslash at the end of the file': (d) => append(d, 'build.sh', "echo $'\\x\\u{zz}\\c' \"\\q\" \\"),
  'CRLF line ends': (d) => ALL.forEach((f) => edit(d, f, (t) => t.replace(/\n/g, '\r\n'))),
  'lone CR line ends': (d) => ALL.forEach((f) => edit(d, f, (t) => t.replace(/\n/g, '\r'))),
  'mixed line ends': (d) => edit(d, 'build.sh', (t) => t.replace(/\n/g, (_m) => (Math.random() < 0.5 ? '\r\n' : '\n'))),
  'a BOM in the script and the builder Dockerfile': (d) => ['build.sh', 'Dockerfile.build'].forEach((f) => edit(d, f, (t) => `\uFEFF${t}`)),
  'a BOM in every file': (d) => ALL.forEach((f) => edit(d, f, (t) => `\uFEFF${t}`)),
  'non-UTF-8 bytes in the script': (d) => append(d, 'build.sh', Buffer.from('echo caf\xe9 \xff\xfe\n', 'latin1')),
  'non-UTF-8 bytes in the runtime Dockerfile': (d) => append(d, 'Dockerfile', Buffer.from('LABEL x=caf\xe9\n', 'latin1')),
  'a binary file named like a script': (d) => fs.writeFileSync(path.join(d, 'tool'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0x64, 0x6f, 0x63, 0x6b, 0x65, 0x72])),
  'a binary builder Dockerfile': (d) => fs.writeFileSync(path.join(d, 'Dockerfile.build'), Buffer.concat([Buffer.from('FROM golang\n'), Buffer.from([0, 1, 2, 0xff])])),
  'a script over 2 MiB': (d) => append(d, 'build.sh', `${'#'.repeat(3 * 1024 * 1024)}\n`),
  'a runtime Dockerfile over 2 MiB': (d) => append(d, 'Dockerfile', `${'#'.repeat(3 * 1024 * 1024)}\n`),
  'symbolic link loops': (d) => {
    fs.symlinkSync('loop', path.join(d, 'loop'));
    fs.symlinkSync('.', path.join(d, 'self'));
    fs.mkdirSync(path.join(d, 'sub'));
    fs.symlinkSync('..', path.join(d, 'sub', 'up'));
    fs.symlinkSync('loop.sh', path.join(d, 'loop.sh'));
  },
  'a builder Dockerfile that is a link to itself': (d) => {
    fs.rmSync(path.join(d, 'Dockerfile.build'));
    fs.symlinkSync('Dockerfile.build', path.join(d, 'Dockerfile.build'));
  },
  'FIFOs where a script and a Dockerfile should be': (d) => {
    spawnSync('mkfifo', [path.join(d, 'pipe.sh')]);
    fs.rmSync(path.join(d, 'Dockerfile.build'));
    spawnSync('mkfifo', [path.join(d, 'Dockerfile.build')]);
  },
  '-f ../../x (a Dockerfile outside the root)': (d) => {
    fs.writeFileSync(path.join(d, '..', '..', 'x'), 'FROM golang\nRUN go build -o /go/app .\n');
    edit(d, 'build.sh', (t) => t.replace('-f Dockerfile.build', '-f ../../x'));
  },
  'a build context outside the root': (d) => edit(d, 'build.sh', (t) => t.replace(' . -f Dockerfile.build', ' ../.. -f Dockerfile.build')),
  'docker cp to a path outside the root': (d) => edit(d, 'build.sh', (t) => t.replace(/\.\/app/g, '../../app')),
  'cd out of the root first': (d) => edit(d, 'build.sh', (t) => t.replace('#!/bin/sh\n', '#!/bin/sh\ncd ../..\n')),
  'deeply nested command substitutions': (d) => append(d, 'build.sh', `echo ${'$('.repeat(3000)}x${')'.repeat(3000)}\n`),
  'deeply nested subshells': (d) => append(d, 'build.sh', `${'('.repeat(5000)}true${')'.repeat(5000)}\n`),
  'a file name with a newline': (d) => fs.writeFileSync(path.join(d, 'we\nird.sh'), '#!/bin/sh\ndocker ps\n'),
  'escape directives in both Dockerfiles': (d) => ['Dockerfile', 'Dockerfile.build'].forEach((f) => edit(d, f, (t) => `# escape=\`\n${t}`)),
  'a nonsense escape directive': (d) => edit(d, 'Dockerfile', (t) => `# escape=xyz\n${t}`),
  'NUL-free control characters everywhere': (d) => ALL.forEach((f) => edit(d, f, (t) => t.replace(/ /g, ' \x01\x1b[31m'))),
};

describe.concurrent('hostile input through the CLI', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(`${name}: handled with a code or skipped; --dry-run writes nothing, --yes nothing outside the root`, async () => {
      const { dir, outside } = example();
      make(dir);
      const before = readTree(outside);
      const dry = await cli(['.', '--dry-run'], dir);
      expectHandled(dry, `${name} (--dry-run)`);
      expect(readTree(outside)).toEqual(before);
      if (/\b0 setup\(s\) would be migrated/.test(dry.stdout)) return; // --yes would have nothing to write
      const outsideOnly = () => Object.fromEntries(Object.entries(readTree(outside)).filter(([k]) => !k.startsWith('a/repo/')));
      const outsideBefore = outsideOnly();
      const r = await cli(['.', '--yes'], dir);
      expectHandled(r, `${name} (--yes)`);
      expect(outsideOnly()).toEqual(outsideBefore);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('journal'))).toEqual([]);
    });
  }
});

describe('hostile input: what the CLI does with it', () => {
  it('CRLF files migrate and stay CRLF', async () => {
    const { dir } = example();
    CASES['CRLF line ends']!(dir);
    expectHandled(await cli(['.', '--yes'], dir), 'CRLF');
    const tree = readTree(dir);
    expect(tree['Dockerfile.build']).toBeUndefined();
    for (const f of ['build.sh', 'Dockerfile']) expect(tree[f]!.replace(/\r\n/g, ''), f).not.toMatch(/[\r\n]/);
    expect(tree['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /go/src/github.com/alexellis/href-counter/app .\r\n');
  });

  it('a script that is not UTF-8 is not rewritten (its other bytes would change): its setup is refused, READ_ERROR, nothing written', async () => {
    const { dir } = example();
    CASES['non-UTF-8 bytes in the script']!(dir);
    const bytes = fs.readFileSync(path.join(dir, 'build.sh'));
    const before = readTree(dir);
    // The plan refuses the setup (exit 1, a finding), as --dry-run says before: nothing of the root is written.
    const dry = await cli(['.', '--dry-run'], dir);
    expect(dry.code).toBe(1);
    expect(codesIn(dry)).toContain('READ_ERROR');
    const r = await cli(['.', '--yes'], dir);
    expect(r.code).toBe(1);
    expect(codesIn(r)).toContain('READ_ERROR');
    expect(fs.readFileSync(path.join(dir, 'build.sh')).equals(bytes)).toBe(true);
    expect(readTree(dir)).toEqual(before);
  });

  it('paths outside the root are refused with a code', async () => {
    for (const name of ['-f ../../x (a Dockerfile outside the root)', 'a build context outside the root', 'docker cp to a path outside the root', 'cd out of the root first']) {
      const { dir } = example();
      CASES[name]!(dir);
      const r = await cli(['.', '--dry-run'], dir);
      expectHandled(r, name);
      expect(r.stdout, name).toMatch(/0 setup\(s\) would be migrated/);
      expect(codesIn(r).filter((c) => c !== 'BROKEN_CONTINUATION' && c !== 'NO_SETUP').length, `${name}: ${r.stdout}`).toBeGreaterThan(0);
    }
  });
});

describe('hostile input planned in memory', () => {
  const base = Object.fromEntries(['build.sh', 'Dockerfile', 'Dockerfile.build'].map((f) => [f, fs.readFileSync(path.join(FIXTURES, 'href-counter', 'before', f), 'utf8')]));
  const variants: Record<string, Record<string, string>> = {
    'a lone CR inside a line': { 'build.sh': base['build.sh']!.replace('echo Building', 'echo Bui\rlding') },
    'a NUL byte in the script': { 'build.sh': `${base['build.sh']}\0\n` },
    'U+2028 and lone surrogates': { 'build.sh': `${base['build.sh']}echo \u2028 \uD800 \uDC00\n`, Dockerfile: `${base['Dockerfile']}LABEL a="\uD800"\n` },
    'an empty Dockerfile': { Dockerfile: '' },
    'an empty builder Dockerfile': { 'Dockerfile.build': '' },
    'a Dockerfile of only a heredoc': { Dockerfile: 'FROM alpine\nRUN <<EOF\necho\n' },
    'a COPY with an unclosed JSON array': { Dockerfile: 'FROM alpine:latest\nCOPY ["app", .\n' },
  };
  for (const [name, over] of Object.entries(variants)) {
    it(`${name}: planning gives only coded diagnostics`, () => {
      const plan = planFiles({ ...base, ...over });
      for (const d of [...plan.diagnostics, ...plan.setups.flatMap((s) => s.diagnostics)]) expect(Object.keys(CODES)).toContain(d.code);
    });
  }
});

describe('hostile input that once crashed the CLI (regressions)', () => {
  it('a BOM and a variable before the first FROM in the builder Dockerfile (dockerfile-utils recursion, src/plan/validate.ts)', async () => {
    const { dir } = example();
    fs.writeFileSync(path.join(dir, 'Dockerfile.build'), '\uFEFFRUN $x\nFROM golang:1.7.3\nRUN go build -o /go/src/github.com/alexellis/href-counter/app .\n');
    expectHandled(await cli(['.', '--dry-run'], dir), 'BOM + variable before FROM');
  });

  it('a COPY source with an unclosed [ (src/analyze/link.ts globToRegExp)', async () => {
    const { dir } = example();
    append(dir, 'Dockerfile', 'COPY ap[p /x\n');
    expectHandled(await cli(['.', '--dry-run'], dir), 'unclosed [');
  });
});
