/**
 * A program the tool does not model, run by the setup's own script after the extraction from a
 * folder that holds the artifact (or above it, or one only known at run time), may read it: the
 * artifact stays on the host through an export stage. Sourced files and called functions are
 * read like callees (src/analyze/later-uses.ts).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planDir, planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n',
  'scripts/publish.py': 'print(open("out/app", "rb").read()[:4])\n',
};
const EXTRACT = ['docker build -t app:build -f Dockerfile.build .', 'mkdir -p out', 'docker create --name x app:build', 'docker cp x:/out/app ./out/app', 'docker rm x'];
// After the runtime build: an unknown program before it refuses (BUILDER_INPUT_CHANGED), whatever it reads.
const script = (after: string[], before: string[] = []) => ['#!/bin/sh', 'set -e', ...before, ...EXTRACT, 'docker build -t app:latest .', ...after, ''].join('\n');

function outcome(after: string[], extra: Record<string, string> = {}, before: string[] = []) {
  const plan = planFiles({ ...FILES, ...extra, 'build.sh': script(after, before) });
  const setup = plan.setups[0]!;
  const written = plan.changes.find((c) => c.path === 'build.sh')?.after ?? '';
  return {
    status: setup.status,
    exported: written.includes('--target export --output type=local,dest=out'),
    why: setup.notes.find((n) => n.startsWith('out/app is still needed on the host')) ?? null,
    errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`),
  };
}

describe('a program the tool does not model, run after the extraction', () => {
  it('exports the artifact for an interpreter run from the root, saying why', () => {
    const r = outcome(['python3 scripts/publish.py']);
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`python3 scripts/publish.py` (build.sh:9) runs a program the tool does not model from the repository root, which holds it, and may read it');
  });

  it('exports it for node, make, npm publish, git add, an executable, a program only known at run time and a folder only known at run time', () => {
    for (const after of ['node tools/sign.js', 'make release', 'npm publish', 'git add -A', 'go test ./...', './deploy', '"$PUBLISH"', 'cd "$WHERE" && ./publish']) {
      const r = outcome([after]);
      expect([after, r.status, r.exported]).toEqual([after, 'migrate', true]);
    }
    // `perl x.pl` runs a program; `perl -pi -e …` edits named files only.
    expect(outcome(['perl tools/stamp.pl']).exported).toBe(true);
  });

  it('exports it for a file docker itself reads: standard input, a copy into a container, an env file, a load', () => {
    for (const after of ['docker run --rm -i alpine:3.19 sha256sum < out/app', 'docker create --name smoke alpine:3.19 /app --version', 'docker cp out/app smoke:/app', 'docker container cp ./out smoke:/opt', 'docker run --rm --env-file out/app alpine:3.19 env', 'docker load -i out/app', 'docker image import out/app probe:1', 'docker secret create app-bin ./out/app']) {
      const r = outcome([after]);
      expect([after, r.status, r.exported]).toEqual([after, 'migrate', !after.startsWith('docker create')]);
    }
    // (a copy out of another container into it writes, and reads nothing)
    expect(outcome(['docker create --name other alpine:3.19', 'docker cp other:/etc/os-release out/notes']).exported).toBe(false);
  });

  it('exports it for a program run inside the folder holding it', () => {
    expect(outcome(['(cd out && ./sign)']).exported).toBe(true);
  });

  it('does not count a program run from a folder that does not reach it, unless its own source names the file', () => {
    const r = outcome(['(cd docs && ./render)']);
    expect(r).toMatchObject({ status: 'migrate', exported: false });
    const reads = { 'docs/render.py': 'import hashlib\nprint(hashlib.sha256(open("../out/app", "rb").read()).hexdigest())\n' };
    for (const after of ['(cd docs && python3 render.py)', 'cd docs && python3 render.py']) {
      const named = outcome([after], reads);
      expect(named).toMatchObject({ status: 'migrate', exported: true });
      expect(named.why).toContain('runs docs/render.py, which names app and may read it');
    }
    // (a word that only holds the name is no use: `application`)
    expect(outcome(['(cd docs && python3 render.py)'], { 'docs/render.py': 'print("application docs")\n' }).exported).toBe(false);
  });

  it('counts a read through a symbolic link the repository holds (it may point at the artifact)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-linked-'));
    try {
      for (const [rel, text] of Object.entries({ ...FILES, 'build.sh': script(['sha256sum release/app > current.sha256']) })) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      fs.mkdirSync(path.join(dir, 'release'));
      fs.symlinkSync('../out/app', path.join(dir, 'release', 'app'));
      const plan = planDir(dir);
      expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(plan.setups[0]!.notes.find((n) => n.startsWith('out/app is still needed on the host'))).toContain('reads release/app, a symbolic link of the repository, which may point at it');
      expect(plan.changes.find((c) => c.path === 'build.sh')?.after).toContain('--target export --output type=local,dest=out');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts a read through a symbolic link the script makes to it, before the extraction too', () => {
    for (const [before, link] of <[string, string][]>[['ln -sf out/app app-current', 'app-current'], ['ln -s app out/current', 'out/current'], ['ln --symbolic -f ../out/app bin/app', 'bin/app']]) {
      const r = outcome([`sha256sum ${link} > current.sha256`], {}, ['mkdir -p bin', before]);
      expect([before, r.status, r.exported], r.why ?? '').toEqual([before, 'migrate', true]);
      expect(r.why).toContain(`reads ${link}, a symbolic link to it that \`${before}\``);
    }
    // a link to another file is no use
    expect(outcome(['sha256sum main-link'], {}, ['ln -s main.go main-link']).exported).toBe(false);
  });

  it('does not count programs known to read no file they are not given, nor modelled ones', () => {
    for (const after of ['git tag v1', 'git push origin v1', 'curl -fsS https://example.com/hook', 'curl -fsS "$HOOK"', 'kubectl rollout restart deployment/app', 'command -v python3', 'echo done', 'read -r answer', 'sudo docker image prune -f']) {
      const r = outcome([after]);
      expect([after, r.status, r.exported]).toEqual([after, 'migrate', false]);
    }
  });

  it('counts curl and wget when they upload a file or read options a word may hide', () => {
    for (const after of ['curl -T out/app https://example.com/', 'curl -sST app https://example.com/', 'curl --data-binary @app https://example.com/', 'curl $CURL_OPTS https://example.com/', 'wget --post-file=app https://example.com/', 'kubectl apply -f k8s/']) {
      expect([after, outcome([after]).exported]).toEqual([after, true]);
    }
  });

  it('does not count a program run after the script removed the artifact', () => {
    const plan = planFiles({ ...FILES, 'build.sh': ['#!/bin/sh', 'set -e', ...EXTRACT, 'docker build -t app:latest .', 'rm -rf out', './notify', ''].join('\n') });
    const written = plan.changes.find((c) => c.path === 'build.sh')?.after ?? '';
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(written).not.toContain('--target export');
  });

  it('does not count a program run before the extraction', () => {
    expect(outcome([], {}, ['python3 scripts/publish.py']).exported).toBe(false);
  });

  it('refuses a use between the extraction\'s own steps, where the export build would come too late', () => {
    const plan = planFiles({ ...FILES, 'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'mkdir -p out', 'docker create --name x app:build', 'docker cp x:/out/app ./out/app', 'python3 scripts/publish.py', 'docker rm x', 'docker build -t app:latest .', ''].join('\n') });
    const errors = plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.line])).toContainEqual(['ARTIFACT_USED_ON_HOST', 7]);
    expect(errors.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')!.message).toContain('between the extraction\'s own steps');
  });
});

describe('sourced files, called scripts and functions after the extraction', () => {
  it('reads a sourced file like a callee: a use in it counts, an idle one does not', () => {
    const used = outcome(['. ./post.sh'], { 'post.sh': 'python3 scripts/publish.py\n' });
    expect(used.exported).toBe(true);
    expect(used.why).toContain('in post.sh, which `. ./post.sh` (build.sh:9) sources');
    expect(outcome(['source post.sh'], { 'post.sh': 'echo done\n' }).exported).toBe(false);
  });

  it('counts a sourced file that cannot be read or whose path is only known at run time', () => {
    expect(outcome(['. ./missing.sh']).why).toContain('sources missing.sh, which the repository does not hold');
    expect(outcome(['. "$HOOKS"']).why).toContain('sources "$HOOKS", a file only known at run time');
  });

  it('reads a called shell script, but counts a callee in another language', () => {
    expect(outcome(['./scripts/notify.sh'], { 'scripts/notify.sh': '#!/bin/sh\necho built\n' }).exported).toBe(false);
    expect(outcome(['./scripts/notify.sh'], { 'scripts/notify.sh': '#!/bin/sh\nnode tools/sign.js\n' }).exported).toBe(true);
    expect(outcome(['./scripts/publish'], { 'scripts/publish': '#!/usr/bin/env python3\nprint("x")\n' }).exported).toBe(true);
  });

  it('reads the body of a function the script defines when it is called after the extraction', () => {
    const withFn = (body: string) => planFiles({ ...FILES, 'build.sh': ['#!/bin/sh', 'set -e', `publish() { ${body}; }`, 'log() { echo "$1"; }', ...EXTRACT, 'docker build -t app:latest .', 'log extracted', 'publish', ''].join('\n') });
    const exported = (body: string) => (withFn(body).changes.find((c) => c.path === 'build.sh')?.after ?? '').includes('--target export');
    expect(exported('python3 scripts/publish.py')).toBe(true);
    expect(withFn('python3 scripts/publish.py').setups[0]!.notes.join('\n')).toContain('in the function publish, which `publish` (build.sh:12) calls');
    expect(exported('echo published')).toBe(false);
  });
});
