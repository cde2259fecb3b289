/**
 * The walker on real temporary trees: what it skips (VCS folders, node_modules, links, --ignore),
 * what it reports (unreadable folders, too-large and binary candidates), the "docker"
 * pre-filter and the hand-over of texts to NodeRepoFs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeRepoFs, nodeIo, type FileIo } from '../../src/discover/node-fs.js';
import { walk } from '../../src/discover/walk.js';
import { tempTrees } from '../support/tree.js';

// Temporary trees made here are removed afterwards (the walker must not find old ones).
const { tree, cleanup } = tempTrees();
afterAll(cleanup);

const SH = '#!/bin/sh\ndocker build -t x .\n';
const REPO = path.resolve(import.meta.dirname, '../..');

describe('walk', () => {
  it('lists candidates depth first in name order, and never enters VCS folders or node_modules', () => {
    const dir = tree({
      'b.sh': SH,
      'a/z.sh': SH,
      'a/Makefile': SH,
      'package.json': '{"scripts":{"x":"docker build ."}}',
      'README.md': 'docker',
      '.github/workflows/ci.yml': 'run: docker build .',
      '.git/hooks/pre-commit': SH,
      '.hg/x.sh': SH,
      'node_modules/dep/build.sh': SH,
      'pkg/node_modules/dep/build.sh': SH,
    });
    expect(walk(dir).files).toEqual(['.github/workflows/ci.yml', 'a/Makefile', 'a/z.sh', 'b.sh', 'package.json']);
  });

  it('keeps only candidates that mention docker, unless told otherwise', () => {
    const dir = tree({ 'a.sh': SH, 'b.sh': '#!/bin/sh\necho hi\n', 'Makefile': 'all:\n\tkubectl apply -f k8s/\n' });
    expect(walk(dir).files).toEqual(['a.sh']);
    expect(walk(dir, { mention: null }).files).toEqual(['Makefile', 'a.sh', 'b.sh']);
    expect(walk(dir, { mention: 'kubectl' }).files).toEqual(['Makefile']);
  });

  it('keeps candidates that run another engine without saying docker: their builds of a runtime Dockerfile are checked', () => {
    const dir = tree({
      'release.sh': '#!/bin/sh\npodman build -t app:release .\n',
      'Makefile': 'image:\n\tbuildah bud -t app .\n',
      'ci.sh': '#!/bin/sh\nnerdctl build -t app .\n',
      'b.sh': '#!/bin/sh\necho hi\n',
    });
    expect(walk(dir).files).toEqual(['Makefile', 'ci.sh', 'release.sh']);
  });

  it('also keeps candidates that name a Dockerfile without saying docker: the migration may delete what they name', () => {
    const dir = tree({ 'lint.sh': '#!/bin/sh\nhadolint Dockerfile.build\n', 'Makefile': 'app: Containerfile.build\n\t./build.sh\n', 'b.sh': '#!/bin/sh\necho dockerfile-less\n', 'c.sh': '#!/bin/sh\necho hi\n' });
    expect(walk(dir).files).toEqual(['Makefile', 'b.sh', 'lint.sh']);
  });

  it('hands the texts it read to the NodeRepoFs, so analysis does not read them again', () => {
    const dir = tree({ 'a.sh': SH, 'sub/b.sh': SH });
    const reads: string[] = [];
    const counting: FileIo = { readdir: nodeIo.readdir, readFile: (abs, max) => (reads.push(abs), nodeIo.readFile(abs, max)) };
    const repoFs = new NodeRepoFs(dir, counting);
    const walked = walk(dir, { repoFs, io: counting });
    const during = reads.length;
    for (const f of walked.files) expect(repoFs.readText(f)).toBe(SH);
    expect(reads.length).toBe(during);
  });

  it('applies --ignore patterns relative to the root, on top of .gitignore files', () => {
    const dir = tree({
      '.gitignore': 'generated/\n',
      'generated/a.sh': SH,
      'legacy/a.sh': SH,
      'legacy/keep/a.sh': SH,
      'svc/legacy/a.sh': SH,
      'svc/tools/x.sh': SH,
      'svc/run.sh': SH,
    });
    expect(walk(dir, { ignore: ['/legacy/', 'tools', '!/legacy/keep'] }).files).toEqual(['svc/legacy/a.sh', 'svc/run.sh']);
    // A negation in --ignore re-includes only what --ignore excluded, never what .gitignore did.
    expect(walk(dir, { ignore: ['!generated/'] }).files).not.toContain('generated/a.sh');
    expect(walk(dir).files).toEqual(['legacy/a.sh', 'legacy/keep/a.sh', 'svc/legacy/a.sh', 'svc/run.sh', 'svc/tools/x.sh']);
  });

  it('records the files an --ignore pattern leaves out by their path, unread, but never enters a folder it leaves out', () => {
    const dir = tree({
      '.gitignore': 'gen.sh\n',
      'gen.sh': SH,
      'package.json': '{"scripts":{"image":"./build.sh"}}',
      'ci.sh': SH,
      'notes.md': 'docker run x',
      'compose.test.yml': 'services: {}',
      'src/app.ts': 'docker',
      'vendor/tool/Makefile': SH,
      'build.sh': SH,
    });
    const reads: string[] = [];
    const counting: FileIo = { readdir: (abs) => (reads.push(abs), nodeIo.readdir(abs)), readFile: (abs, max, l) => (reads.push(abs), nodeIo.readFile(abs, max, l)) };
    const walked = walk(dir, { ignore: ['package.json', 'ci.sh', '*.md', 'compose.*.yml', 'gen.sh', 'src/app.ts', 'vendor/'], io: counting });
    expect(walked.files).toEqual(['build.sh']);
    // Gitignored, documentation, application code under the source folders and the ignored folder's files: not recorded.
    expect(walked.ignored).toEqual(['ci.sh', 'compose.test.yml', 'package.json']);
    for (const f of walked.ignored) expect(walked.passedOver).toContain(f);
    // Neither the ignored files nor the ignored folder are read.
    expect(reads.filter((r) => /ci\.sh|package\.json|compose|vendor/.test(r))).toEqual([]);
  });

  it('never follows links: loops end, nothing outside the root is read, linked files are not listed', () => {
    const outside = tree({ 'escape.sh': SH, 'deep/escape.sh': SH });
    const dir = tree({ 'real/build.sh': SH });
    fs.symlinkSync('..', path.join(dir, 'real', 'up')); // a loop back to the root
    fs.symlinkSync('.', path.join(dir, 'real', 'self')); // a loop onto itself
    fs.symlinkSync(path.join(dir, 'real', 'loop-b'), path.join(dir, 'real', 'loop-a'));
    fs.symlinkSync(path.join(dir, 'real', 'loop-a'), path.join(dir, 'real', 'loop-b'));
    fs.symlinkSync(outside, path.join(dir, 'out')); // out of the root
    fs.symlinkSync(path.join(outside, 'escape.sh'), path.join(dir, 'linked.sh'));
    fs.symlinkSync('real/build.sh', path.join(dir, 'alias.sh')); // inside, but still a link
    const r = walk(dir, { mention: null });
    expect(r.files).toEqual(['real/build.sh']);
    expect(r.unreadable).toEqual([]);
  });

  it('does not read a file through a link swapped in after readdir', () => {
    const outside = tree({ 'secret.sh': SH });
    const dir = tree({ 'a.sh': SH });
    // Let readdir see a regular file, then swap it for a link before it is opened.
    const racing: FileIo = {
      readdir: (abs) => {
        const entries = nodeIo.readdir(abs);
        fs.rmSync(path.join(dir, 'a.sh'));
        fs.symlinkSync(path.join(outside, 'secret.sh'), path.join(dir, 'a.sh'));
        return entries;
      },
      readFile: nodeIo.readFile,
    };
    expect(walk(dir, { io: racing }).files).toEqual([]);
  });

  it('reports folders it cannot read and walks on (injected EACCES)', () => {
    const dir = tree({ 'ok/a.sh': SH, 'locked/b.sh': SH, 'locked/inner/c.sh': SH, 'z.sh': SH });
    const io: FileIo = {
      readdir: (abs) => {
        if (path.basename(abs) === 'locked') throw Object.assign(new Error(`EACCES: permission denied, scandir '${abs}'`), { code: 'EACCES' });
        return nodeIo.readdir(abs);
      },
      readFile: nodeIo.readFile,
    };
    const r = walk(dir, { io });
    expect(r.unreadable).toEqual([{ path: 'locked', reason: 'EACCES' }]);
    expect(r.files).toEqual(['ok/a.sh', 'z.sh']);
  });

  it("lists the tool's own temporary files wherever it goes, candidates or not, so recovery needs no walk of its own", () => {
    const dir = tree({ 'a.sh': SH, '.a.sh.msc-123-abc-x1.tmp': SH, 'sub/.Dockerfile.msc-9-ff-y.tmp': 'FROM x\n', 'sub/.notours.tmp': '', 'node_modules/.b.sh.msc-1-a-b.tmp': '' });
    expect(walk(dir).temps).toEqual(['.a.sh.msc-123-abc-x1.tmp', 'sub/.Dockerfile.msc-9-ff-y.tmp']);
    expect(walk(dir).files).toEqual(['a.sh']);
  });

  it('reads JS/TS under source and test folders only when a script names them', () => {
    const JS = "execSync('docker build -t app .');\n";
    const dir = tree({
      'package.json': JSON.stringify({ scripts: { image: 'tsx ./src/tools/build-image.ts && node lib/x.mjs' } }),
      'src/app.ts': JS,
      'src/tools/build-image.ts': JS,
      'src/tools/other.ts': JS,
      'lib/x.mjs': JS,
      'pkg/a/Makefile': 'img:\n\tnode test/e2e.js\n',
      'pkg/a/test/e2e.js': JS,
      'pkg/a/tests/unnamed.js': JS,
      'scripts/release.js': JS,
    });
    expect(walk(dir, { mention: null }).files).toEqual(['lib/x.mjs', 'package.json', 'pkg/a/Makefile', 'pkg/a/test/e2e.js', 'scripts/release.js', 'src/tools/build-image.ts']);
  });

  it('reports the root itself when it cannot be read', () => {
    const io: FileIo = { readdir: () => { throw Object.assign(new Error('EIO'), { code: 'EIO' }); }, readFile: nodeIo.readFile };
    expect(walk('/nowhere', { io })).toEqual({ files: [], unreadable: [{ path: '.', reason: 'EIO' }], skipped: [], temps: [], quiet: [], passedOver: [], ignored: [] });
  });

  it('keeps a candidate it cannot open in the list, so analysis reports it', () => {
    const dir = tree({ 'a.sh': SH, 'b.sh': SH });
    const io: FileIo = {
      readdir: nodeIo.readdir,
      readFile: (abs, max) => {
        if (abs.endsWith('a.sh')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return nodeIo.readFile(abs, max);
      },
    };
    expect(walk(dir, { io }).files).toEqual(['a.sh', 'b.sh']);
    expect(new NodeRepoFs(dir, io).readText('a.sh')).toBeNull();
  });

  // chmod 000 does not stop root, so as root the walk runs in a child process that drops to nobody.
  it('reports a folder the file system really refuses (chmod 000)', () => {
    const dir = tree({ 'open/a.sh': SH, 'shut/b.sh': SH });
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'shut'), 0o000);
    try {
      const r = (process.getuid?.() === 0 ? inChild(dir, 'walk(dir)', 65534) : walk(dir)) as ReturnType<typeof walk>;
      expect(r.unreadable).toEqual([{ path: 'shut', reason: 'EACCES' }]);
      expect(r.files).toEqual(['open/a.sh']);
    } finally {
      fs.chmodSync(path.join(dir, 'shut'), 0o755);
    }
  });

  it('skips candidates over the size limit and binary ones that mention docker, with a notice', () => {
    const big = `#!/bin/sh\n${'docker build -t x .\n'.repeat(100)}`;
    const dir = tree({ 'big.sh': big, 'small.sh': SH, 'LICENSE': 'MIT' });
    const elf = Buffer.from('\x7fELF\0\0\0docker\0');
    fs.writeFileSync(path.join(dir, 'app'), elf);
    fs.writeFileSync(path.join(dir, 'blob'), Buffer.from('\0\0\0\0'));
    const r = walk(dir, { maxFileBytes: 1000 });
    expect(r.files).toEqual(['small.sh']);
    expect(r.skipped).toEqual([
      { path: 'app', reason: 'binary', bytes: elf.length },
      { path: 'big.sh', reason: 'too-large', bytes: Buffer.byteLength(big) },
    ]);
    // A binary that never says docker could not have held a setup: no notice, unless every candidate is wanted.
    expect(walk(dir, { mention: null, maxFileBytes: 1000 }).skipped.map((s) => s.path)).toEqual(['app', 'big.sh', 'blob']);
  });

  // A blocking open would hang the test worker, so this runs in a child with a deadline.
  it('ignores a FIFO named like a script without blocking on it', () => {
    const dir = tree({ 'a.sh': SH });
    if (spawnSync('mkfifo', [path.join(dir, 'pipe.sh')]).status !== 0) return;
    expect(inChild(dir, `walk(dir, { mention: null }).files`)).toEqual(['a.sh']);
    expect(inChild(dir, `new NodeRepoFs(dir).readText('pipe.sh')`)).toBeNull();
  });
});

/**
 * Evaluates `expr` (with `dir`, `walk` and `NodeRepoFs` in scope) in a child process through
 * tsx, with a deadline, and returns its JSON value. With `uid`, the child drops to that user
 * (and group) once its modules are loaded, so the checkout need not be readable by it.
 */
function inChild(dir: string, expr: string, uid?: number): unknown {
  const script = path.join(dir, '..', `${path.basename(dir)}-probe.mts`);
  const src = (f: string) => JSON.stringify(path.join(REPO, 'src/discover', f));
  const drop = uid === undefined ? '' : `process.setgid(${uid});\nprocess.setuid(${uid});\n`;
  fs.writeFileSync(
    script,
    `import { walk } from ${src('walk.ts')};\nimport { NodeRepoFs } from ${src('node-fs.ts')};\n${drop}const dir = process.argv[2]!;\nvoid NodeRepoFs, walk;\nprocess.stdout.write(JSON.stringify(${expr}));\n`,
  );
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, dir], { cwd: REPO, encoding: 'utf8', timeout: 25_000 });
    if (r.status !== 0) throw new Error(`child failed (${r.signal ?? r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    fs.rmSync(script, { force: true });
  }
}
