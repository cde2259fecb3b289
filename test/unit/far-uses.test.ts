/**
 * Scripts in other folders than the setup's that reach its binary by a path naming it
 * (src/plan/far-uses.ts): read from their own folder and, for a shell script, from the root,
 * they keep the binary on the host through an export stage; one that names nothing of it
 * (a path elsewhere, the whole root, a path only known at run time) does not.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY out/relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t relay:build -f Dockerfile.build .', 'mkdir -p out', 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/relay ./out/relay', 'docker rm relay-x', 'docker build -t relay:latest .', ''].join('\n'),
};

function outcome(extra: Record<string, string>) {
  const plan = planFiles({ ...FILES, ...extra });
  const setup = plan.setups[0]!;
  const written = plan.changes.find((c) => c.path === 'build.sh')?.after ?? '';
  return {
    status: setup.status,
    exported: written.includes('--target export --output type=local,dest=out'),
    why: setup.notes.find((n) => n.startsWith('out/relay is still needed on the host')) ?? null,
  };
}

describe('scripts in other folders that name the binary by a path', () => {
  it('keeps it for a script that reads it from its own folder (`scp ../out/relay`)', () => {
    const r = outcome({ 'deploy/upload.sh': '#!/bin/sh\nset -e\nscp ../out/relay host:/srv/\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`scp ../out/relay host:/srv/` (deploy/upload.sh:3) reads it, in deploy/upload.sh, which may be run after build.sh left it there');
  });

  it('keeps it for a script written to be run from the root (`sha256sum out/relay`), saying so', () => {
    const r = outcome({ 'tools/checksum.sh': '#!/bin/sh\nset -e\nsha256sum out/relay > relay.sha256\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('(tools/checksum.sh:3) reads it, in tools/checksum.sh run from the repository root, which may be run after build.sh left it there');
  });

  it('keeps it for one that packs the folder holding it, runs it, or reaches it through the script\'s folder', () => {
    expect(outcome({ 'release/pack.sh': '#!/bin/sh\ntar czf rel.tgz ../out\n' }).exported).toBe(true);
    expect(outcome({ 'tools/smoke.sh': '#!/bin/sh\n./out/relay --selftest\n' }).exported).toBe(true);
    expect(outcome({ 'ci/deep/sum.sh': '#!/bin/sh\ncd "$(dirname "$0")"\nsha256sum ../../out/relay\n' }).exported).toBe(true);
  });

  it('keeps it for a Makefile recipe or npm script in another folder, read from that folder', () => {
    expect(outcome({ 'deploy/Makefile': 'upload:\n\tscp ../out/relay host:/srv/\n' }).exported).toBe(true);
    expect(outcome({ 'web/package.json': JSON.stringify({ scripts: { bundle: 'cp ../out/relay public/relay' } }) }).exported).toBe(true);
    // A Makefile runs in its own folder: from there `out/relay` is web/out/relay.
    expect(outcome({ 'web/Makefile': 'sum:\n\tsha256sum out/relay\n' }).exported).toBe(false);
  });

  it('does not count one that only writes or removes it, names another path, the whole root, or a path known at run time', () => {
    for (const extra of [
      { 'tools/clean.sh': '#!/bin/sh\nrm -f ../out/relay\n' },
      { 'tools/fetch.sh': '#!/bin/sh\ncp /tmp/relay ../out/relay\n' },
      { 'tools/other.sh': '#!/bin/sh\nsha256sum ../dist/relay\n' },
      { 'tools/all.sh': '#!/bin/sh\ntar czf all.tgz .\n' },
      { 'tools/given.sh': '#!/bin/sh\nsha256sum "$1"\n' },
    ] as Record<string, string>[]) {
      const r = outcome(extra);
      expect([Object.keys(extra)[0], r.status, r.exported]).toEqual([Object.keys(extra)[0], 'migrate', false]);
    }
  });
});

describe('a setup\'s script in another folder', () => {
  it('is read from its own folder only: its own use of its binary keeps that one, not the root\'s of the same name', () => {
    const svc = {
      'svc/Dockerfile.build': FILES['Dockerfile.build'],
      'svc/Dockerfile': FILES.Dockerfile,
      'svc/main.go': FILES['main.go'],
      'svc/build.sh': FILES['build.sh'].replace('relay:latest', 'svc-relay:latest').replace(/relay:build/g, 'svc-relay:build').replace(/relay-x/g, 'svc-relay-x') + 'sha256sum out/relay > relay.sha256\n',
    };
    const plan = planFiles({ ...FILES, ...svc });
    const exported = (script: string) => (plan.changes.find((c) => c.path === script)?.after ?? '').includes('--target export');
    expect(plan.setups.map((s) => [s.script, s.status])).toEqual([['build.sh', 'migrate'], ['svc/build.sh', 'migrate']]);
    expect([exported('build.sh'), exported('svc/build.sh')]).toEqual([false, true]);
  });
});
describe('a binary whose name the search would split (a space in it)', () => {
  const spaced = {
    ...FILES,
    Dockerfile: 'FROM alpine:3.19\nCOPY ["out/relay cli", "/usr/local/bin/relay"]\nCMD ["relay"]\n',
    'build.sh': FILES['build.sh'].replace('./out/relay', '"./out/relay cli"'),
  };
  const codes = (extra: Record<string, string>) => {
    const setup = planFiles({ ...spaced, ...extra }).setups[0]!;
    return { status: setup.status, errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
  };

  it('is still found by a far script that names it whole, and kept on the host (the export stage names it in a JSON-form line)', () => {
    expect(codes({})).toEqual({ status: 'migrate', errors: [] });
    const checksum = { 'tools/checksum.sh': '#!/bin/sh\nset -e\nsha256sum "out/relay cli" > relay.sha256\n' };
    expect(codes(checksum)).toEqual({ status: 'migrate', errors: [] });
    const merged = planFiles({ ...spaced, ...checksum }).changes.find((c) => c.path === 'Dockerfile')!.after!;
    expect(merged).toMatch(/^FROM scratch AS export\nCOPY --from=builder \["\/out\/relay", "\/relay cli"\]$/m);
    // Its words apart name nothing of it.
    expect(codes({ 'tools/checksum.sh': '#!/bin/sh\nset -e\nsha256sum out/relay cli > relay.sha256\n' })).toEqual({ status: 'migrate', errors: [] });
  });

  it('ends for a script that works outside the repository (`cd /tmp` then a word naming it)', () => {
    // An absolute folder once made the search walk `/`'s parent forever.
    const far = { 'tools/checksum.sh': '#!/bin/sh\nset -e\ncd /tmp\nsha256sum "out/relay cli" > relay.sha256\ncat out/relay\n' };
    expect(codes(far)).toEqual({ status: 'migrate', errors: [] });
  });
});
describe('the search of a far file', () => {
  afterEach(() => vi.restoreAllMocks());

  it('scans its text once for both the folders it is read from, and still finds it from the root', () => {
    const text = '#!/bin/sh\nset -e\nsha256sum out/relay > relay.sha256\n';
    // A scan is one regular expression of path words run over the whole text, word after word.
    const scans = vi.spyOn(RegExp.prototype, 'exec');
    const r = outcome({ 'tools/checksum.sh': text });
    const ofText = new Set((scans.mock.contexts as RegExp[]).filter((re, i) => scans.mock.calls[i]![0] === text && re.source.startsWith('[^\\s')));
    const wordsFound = scans.mock.calls.filter((c, i) => c[0] === text && ofText.has(scans.mock.contexts[i] as RegExp)).length;
    vi.restoreAllMocks();
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('in tools/checksum.sh run from the repository root');
    expect(ofText.size).toBe(1);
    // Each of its words, then the end of the text.
    expect(wordsFound).toBe(text.match(/[^\s"'`;&|()<>=$,{}:\\]+/g)!.length + 1);
  });
});

describe('a script that works from a folder only known at run time', () => {
  // It may run build.sh in a way the tool cannot name (`eval "$STEP"`, `sh -c "$CMD"`), and then read what it left.
  it('keeps the binary for a relative path that ends as its path does, beside the script or in another folder', () => {
    // (A script in another folder is read where a word of it names the binary from its folder or the root.)
    for (const [file, pre, reads] of [
      ['release.sh', 'eval "$STEP"', ['sha256sum out/relay > relay.sha256', 'sha256sum relay > relay.sha256', 'tar czf rel.tgz out']],
      ['tools/release.sh', 'eval "$STEP"', ['sha256sum out/relay > relay.sha256', 'tar czf rel.tgz out']],
      ['tools/release.sh', 'cd "$ROOT" && sh -c "$CMD"', ['sha256sum out/relay > relay.sha256']],
    ] as const) {
      for (const read of reads) {
        const r = outcome({ [file]: `#!/bin/sh\nset -e\n${pre}\n${read}\n` });
        expect([file, read, r.status, r.exported]).toEqual([file, read, 'migrate', true]);
        expect(r.why).toContain('from a folder only known at run time, which may be it or a folder holding it');
      }
    }
  });

  it('does not count a path that ends otherwise, an absolute one, or one it only writes', () => {
    for (const read of ['cat config.json', 'sha256sum /srv/out/relay', 'cp /tmp/x other/relay', 'echo relay > out.txt']) {
      const r = outcome({ 'tools/release.sh': `#!/bin/sh\nset -e\neval "$STEP"\n${read}\n` });
      expect([read, r.status, r.exported]).toEqual([read, 'migrate', false]);
    }
  });
});
