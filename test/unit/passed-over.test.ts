/**
 * A builder image used from a file the walk does not keep (src/discover/passed-over.ts): a
 * compose file no read script runs, a script that never says docker, a script in another
 * language, a task runner. The plan's second look (src/plan/passed-over-files.ts) finds the use
 * and keeps the builder build; documentation, application code, comments, gitignored, binary
 * and oversized files do not keep it. These run on real folders: the walk decides what is
 * passed over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walk } from '../../src/discover/walk.js';
import { isDocumentation, passedOverByName } from '../../src/discover/passed-over.js';
import { commentsOf } from '../../src/plan/passed-over-files.js';
import { planDir } from '../support/plan.js';

const BUILD = '#!/bin/sh\nset -e\ndocker build -t acme/app:build -f Dockerfile.build .\ndocker create --name x acme/app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t acme/app:latest .\nrm -f app\n';
const SETUP: Record<string, string> = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  'build.sh': BUILD,
};
const KEPT = 'docker build --target builder -t acme/app:build -f Dockerfile .\n';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tree(extra: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-passed-over-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries({ ...SETUP, ...extra })) {
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function outcome(extra: Record<string, string | Buffer>) {
  const plan = planDir(tree(extra));
  const setup = plan.setups[0]!;
  const script = plan.changes.find((c) => c.path === 'build.sh')?.after ?? null;
  return {
    status: setup.status,
    kept: script?.includes(KEPT) ?? false,
    note: setup.notes.find((n) => n.startsWith('the builder build stays')) ?? null,
    deletesBuilder: plan.changes.some((c) => c.path === 'Dockerfile.build' && c.action === 'delete'),
  };
}

const because = (text: string, where: string) => `the builder build stays as \`--target builder\` of Dockerfile, because its image acme/app:build is still used by \`${text}\` (${where})`;

describe('a builder tag used in a file the walk passes over', () => {
  it('migrates and deletes the builder build when no passed-over file names the tag', () => {
    const r = outcome({ 'docker-compose.yml': 'services:\n  app:\n    image: acme/app:latest\n', 'scan.sh': '#!/bin/sh\ntrivy image acme/app:latest\n' });
    expect(r).toEqual({ status: 'migrate', kept: false, note: null, deletesBuilder: true });
  });

  it('keeps it for a compose file no read script runs, saying where', () => {
    const r = outcome({ 'docker-compose.test.yml': 'services:\n  test:\n    image: acme/app:build\n    command: go test ./...\n' });
    expect(r.status).toBe('migrate');
    expect(r.kept).toBe(true);
    expect(r.note).toBe(because('image: acme/app:build', 'docker-compose.test.yml:3'));
    expect(outcome({ 'compose.yaml': 'services:\n  t:\n    image: docker.io/acme/app:build\n' }).kept).toBe(true);
    // A compose file of the tests, in a source folder, is still a compose file.
    expect(outcome({ 'test/compose.ci.yaml': 'services:\n  t:\n    image: acme/app:build\n' }).kept).toBe(true);
  });

  it('keeps it for a shell script and a Makefile that never say docker', () => {
    const scan = outcome({ 'scan.sh': '#!/bin/sh\nset -e\ntrivy image acme/app:build\n' });
    expect(scan.kept).toBe(true);
    expect(scan.note).toBe(because('trivy image acme/app:build', 'scan.sh:3'));
    expect(outcome({ 'ci/Makefile': 'scan:\n\tgrype acme/app:build\n' }).kept).toBe(true);
    // A registry prefix names the same image.
    expect(outcome({ 'scan.sh': '#!/bin/sh\ngrype index.docker.io/acme/app:build\n' }).kept).toBe(true);
  });

  it('keeps it for scripts in other languages and task runners', () => {
    const shapes: Record<string, string> = {
      'tools/check.py': 'import subprocess\nsubprocess.run(["podman", "run", "--rm", "acme/app:build", "go", "vet"], check=True)\n',
      'Rakefile': 'task :vet do\n  sh "podman run --rm acme/app:build go vet"\nend\n',
      'tools/vet.rb': 'system("podman", "run", "acme/app:build")\n',
      'tools/vet.pl': 'system("podman run acme/app:build go vet");\n',
      'Taskfile.yml': 'version: "3"\ntasks:\n  vet:\n    cmds:\n      - podman run --rm acme/app:build go vet\n',
      justfile: 'vet:\n    podman run --rm acme/app:build go vet\n',
      '.justfile': 'vet:\n    podman run --rm acme/app:build go vet\n',
      'tox.ini': '[testenv]\ncommands = podman run --rm acme/app:build go vet\n',
      'docker-bake.hcl': 'target "test" {\n  dockerfile = "Dockerfile.test"\n  contexts = { src = "docker-image://acme/app:build" }\n}\n',
      '.devcontainer/devcontainer.json': '{ "image": "acme/app:build" }\n',
      'Dockerfile.vet': 'FROM acme/app:build\nRUN go vet ./...\n',
      'k8s/job.yaml': 'kind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - image: acme/app:build\n',
    };
    for (const [file, text] of Object.entries(shapes)) {
      const r = outcome({ [file]: text });
      expect({ file, kept: r.kept, deletesBuilder: r.deletesBuilder }).toEqual({ file, kept: true, deletesBuilder: true });
      expect(r.note, file).toContain(`(${file}:`);
    }
  });

  it('does not keep it for documentation, whatever it shows', () => {
    for (const [file, text] of Object.entries({
      'README.md': 'Run the tests with `docker run acme/app:build go test`.\n',
      README: 'podman run acme/app:build go test\n',
      // Kept by the walk (it says docker, and an extensionless file may be a script), but no script: documentation still.
      'docs/README': 'docker run acme/app:build go test\n',
      'docs/test.sh': '#!/bin/sh\ntrivy image acme/app:build\n',
      'doc/compose.yaml': 'services:\n  t:\n    image: acme/app:build\n',
      'notes.txt': 'acme/app:build\n',
    })) {
      expect({ file, ...outcome({ [file]: text }) }).toEqual({ file, status: 'migrate', kept: false, note: null, deletesBuilder: true });
    }
  });

  it('does not keep it for application code under the source folders', () => {
    for (const [file, text] of Object.entries({
      'src/vet.py': 'subprocess.run(["podman", "run", "acme/app:build"])\n',
      'tests/settings.yaml': 'image: acme/app:build\n',
      'src/app.ts': 'export const image = "acme/app:build";\n',
    })) {
      expect({ file, kept: outcome({ [file]: text }).kept }).toEqual({ file, kept: false });
    }
  });

  it('does not keep it for a whole-line comment, another tag, or a gitignored, binary or oversized file', () => {
    expect(outcome({ 'scan.sh': '#!/bin/sh\n# trivy image acme/app:build\ntrivy image acme/app:latest\n' }).kept).toBe(false);
    expect(outcome({ 'tools/x.py': '# podman run acme/app:build\nprint("acme/app:builder")\n' }).kept).toBe(false);
    expect(outcome({ 'Taskfile.yml': 'tasks:\n  # vet: podman run acme/app:build\n  run:\n    cmds: [podman run acme/app]\n' }).kept).toBe(false);
    expect(outcome({ '.gitignore': 'compose.override.yaml\n', 'compose.override.yaml': 'services:\n  t:\n    image: acme/app:build\n' }).kept).toBe(false);
    expect(outcome({ 'tools/blob.py': Buffer.concat([Buffer.from('acme/app:build\n'), Buffer.from([0, 1, 2])]) }).kept).toBe(false);
    expect(outcome({ 'compose.yaml': `services:\n  t:\n    image: acme/app:build\n#${'x'.repeat(3 * 1024 * 1024)}\n` }).kept).toBe(false);
    // The same files with the use in plain sight do keep it: the exclusions above are what stops them.
    expect(outcome({ 'compose.override.yaml': 'services:\n  t:\n    image: acme/app:build\n' }).kept).toBe(true);
    expect(outcome({ 'tools/blob.py': 'acme/app:build\n' }).kept).toBe(true);
  });
});

describe('the names a passed-over file is searched for', () => {
  const UNTAGGED = BUILD.replaceAll('acme/app:build', 'acme/app-builder');

  it('finds a builder named without a tag (`:latest`), spelled with or without it', () => {
    for (const image of ['acme/app-builder', 'acme/app-builder:latest', 'docker.io/acme/app-builder']) {
      const plan = planDir(tree({ 'build.sh': UNTAGGED, 'compose.yaml': `services:\n  t:\n    image: ${image}\n` }));
      expect({ image, kept: plan.changes.find((c) => c.path === 'build.sh')?.after?.includes('docker build --target builder -t acme/app-builder -f Dockerfile .') }).toEqual({ image, kept: true });
    }
    const other = planDir(tree({ 'build.sh': UNTAGGED, 'compose.yaml': 'services:\n  t:\n    image: acme/app-builder:v2\n' }));
    expect(other.changes.find((c) => c.path === 'build.sh')?.after).not.toContain('--target');
  });

  it('keeps only the setups whose own tag a file names', () => {
    const second = Object.fromEntries(Object.entries(SETUP).map(([k, v]) => [`web/${k}`, v.replaceAll('acme/app', 'acme/web')]));
    const plan = planDir(tree({ ...second, 'scan.sh': '#!/bin/sh\ntrivy image acme/web:build\n' }));
    const kept = plan.changes.filter((c) => c.after?.includes('--target builder')).map((c) => c.path);
    expect(kept).toEqual(['web/build.sh']);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate', 'migrate']);
  });
});

describe('a compose file a read script runs', () => {
  it('is read as the commands its services stand for: the builder service naming the tag is the setup\'s own build', () => {
    const compose = 'services:\n  builder:\n    image: acme/app:build\n    build:\n      context: .\n      dockerfile: Dockerfile.build\n';
    const script = '#!/bin/sh\nset -e\ndocker compose build builder\ndocker create --name x acme/app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t acme/app:latest .\nrm -f app\n';
    const plan = planDir(tree({ 'docker-compose.yml': compose, 'build.sh': script }));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(plan.setups[0]!.notes.filter((n) => n.startsWith('the builder build stays'))).toEqual([]);
    expect(plan.changes.find((c) => c.path === 'build.sh')?.after).toBe('#!/bin/sh\nset -e\ndocker build -t acme/app:latest .\n');
    expect(plan.changes.filter((c) => c.action === 'delete').map((c) => c.path).sort()).toEqual(['Dockerfile.build', 'docker-compose.yml']);
  });
});

describe('what the walk records as passed over', () => {
  it('records dropped candidates and image-using files by name, never documentation or source code', () => {
    const dir = tree({
      'scan.sh': '#!/bin/sh\ntrivy image x\n',
      'package.json': '{"scripts":{"t":"vitest"}}\n',
      LICENSE: 'MIT\n',
      'docker-compose.test.yml': 'services: {}\n',
      'tools/a.py': 'print(1)\n',
      'src/b.py': 'print(1)\n',
      'src/c.ts': 'export {};\n',
      'test/compose.yaml': 'services: {}\n',
      'docs/d.sh': '#!/bin/sh\necho\n',
      'README.md': 'hi\n',
      'pnpm-lock.yaml': 'lockfileVersion: 9\n',
      'Taskfile.yml': 'version: "3"\n',
      'logo.png': 'png',
    });
    const w = walk(dir);
    expect(w.passedOver.sort()).toEqual(['Dockerfile', 'Dockerfile.build', 'Taskfile.yml', 'docker-compose.test.yml', 'package.json', 'scan.sh', 'test/compose.yaml', 'tools/a.py'].sort());
    expect(w.files).toEqual(['build.sh']);
  });

  it('tells documentation and image-using names apart', () => {
    expect(['README.md', 'LICENSE', 'docs/x.yml', 'a/doc/b.py', 'CHANGELOG', 'x.rst'].map(isDocumentation)).toEqual([true, true, true, true, true, true]);
    expect(['compose.yaml', 'tools/x.py', 'Dockerfile.test', 'ci.Dockerfile', 'Containerfile', 'tox.ini', 'magefile.go'].map((r) => passedOverByName(r, path.basename(r), false))).toEqual([true, true, true, true, true, true, true]);
    expect(['main.go', 'x.json', 'x.png', 'yarn-lock.yaml', 'docs/compose.yaml'].map((r) => passedOverByName(r, path.basename(r), false))).toEqual([false, false, false, false, false]);
    // Build settings written as JSON: a bake file and a Cloud Build config, by name.
    expect(['docker-bake.json', 'ci/docker-bake.override.json', 'cloudbuild.json', 'deploy/cloudbuild-prod.json', 'bake.json'].map((r) => passedOverByName(r, path.basename(r), false))).toEqual([true, true, true, true, false]);
    // In a source folder only compose files and Dockerfiles count.
    expect(['compose.yaml', 'Dockerfile.it', 'x.py', 'x.yaml'].map((r) => passedOverByName(r, r, true))).toEqual([true, true, false, false]);
  });

  it('knows the whole-line comments of each kind of file', () => {
    expect(commentsOf('scan.sh', '#!/bin/sh\n')).toEqual(['#']);
    expect(commentsOf('package.json', '{}')).toEqual([]);
    expect(commentsOf('x.py', '')).toEqual(['#']);
    expect(commentsOf('magefile.go', '')).toEqual(['//']);
    expect(commentsOf('x.bat', '')).toContain('::');
    expect(commentsOf('tox.ini', '')).toEqual([';', '#']);
  });
});
