/**
 * The fuzzer's reader draws (test/fuzz/reader-features.ts): each option writes the step it
 * claims, the step really reads the artifact (run here on a stand-in program, it records the
 * program's checksum; with the program gone, it fails: what makes the trial notice a migration
 * that dropped the extraction), what it needs is kept from the cleanup and compared, and every
 * file it writes parses.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES, generate, normalize, PLAIN_LOGS_AND_IMAGES, type RepoSpec } from '../fuzz/grammar.js';
import { layout, render, type RenderedRepo } from '../fuzz/render.js';
import { writeRepo } from '../fuzz/run-seed.js';

const base = normalize({ ...generate(6424), runner: 'script', driver: 'sh', extraction: 'create-cp', artifact: 'file', dest: 'bin-dir', vars: 'none', orGuard: 'none', hostUse: 'none', hostReach: 'none', twoSetups: 'none', runFlag: 'none', stdinFeed: 'none', volumeOver: 'none', builderRmi: 'none', sibling: 'none', tagUse: 'none', secondConsumer: false, sourceEdit: 'none', postProcess: 'none', dockerfileEdit: false, echo: false, cleanup: true, laterReader: 'none', remoteReader: 'none', releaseStep: 'none', preRuntimeTool: 'none', ...PLAIN_LOGS_AND_IMAGES, scriptFunction: 'none' });
const spec = (over: Partial<RepoSpec>) => normalize({ ...base, ...over } as RepoSpec);
const file = (r: RenderedRepo, p: string) => r.files.find((f) => f.path === p)?.content ?? '';
const script = (s: RepoSpec) => file(render(s), 'build.sh');

/** The lines the build runs after its runtime build (`docker build -t APP:latest .`). */
const afterRuntime = (s: RepoSpec) => script(s).split(/^docker build -t \S+:latest \.\n/m)[1]!.split('\n').filter((l) => l !== '');

/** Writes the repository with a stand-in for the extracted program, runs `lines` from its root. */
function runOnHost(s: RepoSpec, lines: string[], withProgram: boolean, mtime = 0): { status: number | null; dir: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-readers-'));
  writeRepo(dir, render(s));
  const program = path.join(dir, layout(s).hostProgram);
  if (withProgram) {
    fs.mkdirSync(path.dirname(program), { recursive: true });
    fs.writeFileSync(program, '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
    // (as two extractions minutes apart would leave it)
    if (mtime !== 0) for (const p of [program, path.dirname(program)]) fs.utimesSync(p, mtime, mtime);
  }
  const r = spawnSync('sh', ['-c', `set -e\n${lines.join('\n')}`], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, dir, stderr: r.stderr };
}
const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

describe('fuzz readers: a program that reads the artifact by a path in its own source', () => {
  it('runs python3 tools/post.py, node tools/post.js or a sourced ./tools/post.sh after the runtime build, the path only inside the file', () => {
    const steps: Record<string, [string, string]> = { python: ['python3 tools/post.py', 'tools/post.py'], node: ['node tools/post.js', 'tools/post.js'], sourced: ['. ./tools/post.sh', 'tools/post.sh'] };
    expect(Object.keys(steps).sort()).toEqual(FEATURES.laterReader.filter((f) => f !== 'none').sort());
    for (const [reader, [line, source]] of Object.entries(steps)) {
      const s = spec({ laterReader: reader as RepoSpec['laterReader'] });
      const program = layout(s).hostProgram;
      expect(afterRuntime(s)[0], reader).toBe(line);
      expect(line).not.toContain(program);
      expect(file(render(s), source), reader).toContain(program);
      // the cleanup still removes the program afterwards: what the trial compares is the checksum file
      expect(afterRuntime(s).at(-1), reader).toBe('rm -rf bin');
      expect(script(spec({})), reader).not.toContain(line);
    }
  });

  it('records the program\'s checksum when it is there, and fails when it is not', () => {
    for (const reader of ['python', 'node', 'sourced'] as const) {
      const s = spec({ laterReader: reader, cleanup: false });
      const lines = afterRuntime(s);
      const ok = runOnHost(s, lines, true);
      try {
        expect(ok.status, `${reader}: ${ok.stderr}`).toBe(0);
        expect(fs.readFileSync(path.join(ok.dir, `${s.app}.post`), 'utf8'), reader).toBe(`${sha(path.join(ok.dir, 'bin', s.app))}  bin/${s.app}\n`);
      } finally {
        fs.rmSync(ok.dir, { recursive: true, force: true });
      }
      const gone = runOnHost(s, lines, false);
      fs.rmSync(gone.dir, { recursive: true, force: true });
      expect(gone.status, reader).not.toBe(0);
    }
  });

  it('writes files the interpreters accept, for every drawn seed', () => {
    let drawn = 0;
    for (let seed = 93000; seed < 93150; seed++) {
      const s = generate(seed);
      if (s.laterReader === 'none' && s.remoteReader === 'none' && s.preRuntimeTool === 'none') continue;
      drawn += 1;
      for (const f of render(s).files) {
        const check = f.path.endsWith('.py') ? spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: f.content, encoding: 'utf8' })
          : f.path.startsWith('tools/') && f.path.endsWith('.js') ? spawnSync('node', ['--check', '--input-type=commonjs'], { input: f.content, encoding: 'utf8' })
          : f.path.endsWith('.sh') ? spawnSync('sh', ['-n'], { input: f.content, encoding: 'utf8' })
          : null;
        if (check) expect(check.status, `seed ${seed} ${f.path}: ${check.stderr}\n${f.content}`).toBe(0);
      }
    }
    expect(drawn).toBeGreaterThan(30);
  }, 60_000);
});

describe('fuzz readers: a script in another folder run after the build', () => {
  it('is run by the driver after the build, from the root or from its folder, and reads the artifact by a relative path', () => {
    const root = spec({ remoteReader: 'root' });
    expect(file(render(root), 'deploy/upload.sh')).toContain(`sha256sum bin/${root.app} > ${root.app}.uploaded\n`);
    expect(render(root).later).toEqual([{ kind: 'shell', command: 'sh deploy/upload.sh' }]);
    const cd = spec({ remoteReader: 'cd' });
    expect(file(render(cd), 'deploy/upload.sh')).toContain(`sha256sum ../bin/${cd.app} > ../${cd.app}.uploaded\n`);
    expect(render(cd).later).toEqual([{ kind: 'shell', command: 'cd deploy && sh upload.sh' }]);
    const make = spec({ driver: 'make', remoteReader: 'cd' });
    expect(file(render(make), 'Makefile')).toMatch(/^\.PHONY: image upload\n(.*\n)*upload:\n\tcd deploy && sh upload\.sh\n/m);
    expect(render(make).later).toEqual([{ kind: 'make', target: 'upload' }]);
    const npm = spec({ driver: 'npm', remoteReader: 'root', sibling: 'remove' });
    expect(JSON.parse(file(render(npm), 'package.json')).scripts.upload).toBe('sh deploy/upload.sh');
    // (before a sibling that may remove what it reads)
    expect(render(npm).later).toEqual([{ kind: 'npm', script: 'upload' }, { kind: 'npm', script: 'distclean' }]);
    // a CI job or a JS script is one entry here: nothing runs after it
    expect(spec({ runner: 'github', remoteReader: 'root' }).remoteReader).toBe('none');
  });

  it('keeps the artifact for it: no cleanup, and what is left is compared', () => {
    const s = spec({ remoteReader: 'root' });
    expect(script(s)).not.toMatch(/^rm -rf bin$/m);
    expect(script(spec({}))).toMatch(/^rm -rf bin$/m);
    expect(render(s).scratchPaths).toEqual([]);
    expect(render(spec({})).scratchPaths).toEqual(['bin']);
    for (const [reader, command] of [['root', 'sh deploy/upload.sh'], ['cd', 'cd deploy && sh upload.sh']] as const) {
      const r = spec({ remoteReader: reader });
      const ok = runOnHost(r, [command], true);
      try {
        expect(ok.status, `${reader}: ${ok.stderr}`).toBe(0);
        expect(fs.readFileSync(path.join(ok.dir, `${r.app}.uploaded`), 'utf8')).toContain(sha(path.join(ok.dir, 'bin', r.app)));
      } finally {
        fs.rmSync(ok.dir, { recursive: true, force: true });
      }
      const gone = runOnHost(r, [command], false);
      fs.rmSync(gone.dir, { recursive: true, force: true });
      expect(gone.status, reader).not.toBe(0);
    }
  });
});

describe('fuzz readers: the release step', () => {
  it('installs the program into a staging prefix, moves it into a release folder, or tars what holds it, after the reader', () => {
    const lines: Record<string, RegExp> = {
      install: /^install -D -m 0755 bin\/(\w+) stage\/usr\/local\/bin\/\1$/,
      move: /^mkdir -p release && mv bin\/(\w+) release\/\1-linux-amd64$/,
      tarball: /^tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf \w+\.tar bin$/,
    };
    expect(Object.keys(lines).sort()).toEqual(FEATURES.releaseStep.filter((f) => f !== 'none').sort());
    for (const [step, shape] of Object.entries(lines)) {
      const s = spec({ releaseStep: step as RepoSpec['releaseStep'], laterReader: 'sourced' });
      expect(afterRuntime(s).slice(0, 2), step).toEqual(['. ./tools/post.sh', expect.stringMatching(shape)]);
      // on the host: the step leaves the same thing twice (a tarball's bytes do not depend on when it was made), and fails without the program
      const first = runOnHost(s, afterRuntime(s), true);
      const again = runOnHost(s, afterRuntime(s), true, 1e9);
      try {
        expect(first.status, `${step}: ${first.stderr}`).toBe(0);
        const out = step === 'install' ? `stage/usr/local/bin/${s.app}` : step === 'move' ? `release/${s.app}-linux-amd64` : `${s.app}.tar`;
        expect(sha(path.join(first.dir, out)), step).toBe(sha(path.join(again.dir, out)));
        if (step === 'install') expect(fs.statSync(path.join(first.dir, out)).mode & 0o777).toBe(0o755);
      } finally {
        for (const r of [first, again]) fs.rmSync(r.dir, { recursive: true, force: true });
      }
      const gone = runOnHost(spec({ releaseStep: step as RepoSpec['releaseStep'] }), afterRuntime(spec({ releaseStep: step as RepoSpec['releaseStep'] })), false);
      fs.rmSync(gone.dir, { recursive: true, force: true });
      expect(gone.status, step).not.toBe(0);
    }
  });

  it('moves nothing that something after the build still reads', () => {
    expect(spec({ releaseStep: 'move', remoteReader: 'root' }).releaseStep).toBe('install');
    expect(spec({ releaseStep: 'move', hostReach: 'caller' }).releaseStep).toBe('install');
    expect(spec({ driver: 'make', releaseStep: 'move', sibling: 'read' }).releaseStep).toBe('install');
    expect(spec({ releaseStep: 'move' }).releaseStep).toBe('move');
  });
});

describe('fuzz readers: a program between the extraction and the runtime build', () => {
  it('runs it just before the runtime build: it reads the program (and fails without it), or stamps it (what the runtime image then holds)', () => {
    const steps: Record<string, string> = { 'python-read': 'python3 tools/check.py', 'node-stamp': 'node tools/stamp.js', 'python-stamp': 'python3 tools/stamp.py' };
    expect(Object.keys(steps).sort()).toEqual(FEATURES.preRuntimeTool.filter((f) => f !== 'none').sort());
    for (const [tool, line] of Object.entries(steps)) {
      const s = spec({ preRuntimeTool: tool as RepoSpec['preRuntimeTool'] });
      const lines = script(s).split('\n');
      expect(lines[lines.findIndex((l) => /^docker build -t \S+:latest \.$/.test(l)) - 1], tool).toBe(line);
      expect(line).not.toContain(layout(s).hostProgram);
      const ok = runOnHost(s, [line], true);
      try {
        expect(ok.status, `${tool}: ${ok.stderr}`).toBe(0);
        const program = fs.readFileSync(path.join(ok.dir, layout(s).hostProgram), 'utf8');
        if (tool === 'python-read') {
          expect(program).toBe('#!/bin/sh\necho stand-in\n');
          expect(fs.readFileSync(path.join(ok.dir, `${s.app}.pre`), 'utf8')).toContain(sha(path.join(ok.dir, layout(s).hostProgram)));
        } else expect(program, tool).toBe('#!/bin/sh\necho stand-in\n# stamped by tools/stamp\n');
      } finally {
        fs.rmSync(ok.dir, { recursive: true, force: true });
      }
      const gone = runOnHost(s, [line], false);
      fs.rmSync(gone.dir, { recursive: true, force: true });
      // (a stamp appends: without the program it would make a new file, which the runtime COPY then finds)
      if (tool === 'python-read') expect(gone.status, tool).not.toBe(0);
    }
  });
});
