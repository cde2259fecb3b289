/**
 * --verify on a real engine: the setup's own pipeline runs old and migrated (through the
 * shipped shim, in private stores) and the images, host files and exit status are compared.
 * A correct migration verifies (a run-time build too); script-level breaks injected through
 * the test-only `perturb` hook into an otherwise correct plan are caught and not written; the
 * user's own image store is never touched; podman and buildah set to different storage
 * drivers do not crash it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { FileChange, PlanOptions } from '../../src/plan/index.js';
import { runRoot } from '../../src/pipeline.js';
import { detectEngine, STORAGE_DRIVER_ENV } from '../../src/verify/engine.js';
import { verifyRoot } from '../../src/verify/verify.js';
import { copyToTemp, FIXTURES, readTree, writeTemp } from '../support/tree.js';
import { ensureBaseImages } from './support/base-images.js';
import { engineForTests } from './support/engine-for-tests.js';
import { withSharedStore } from './support/shared-store-lock.js';

const engine = await engineForTests();
const ENV = { ...process.env, NO_COLOR: '1', [STORAGE_DRIVER_ENV]: engine?.storageDriver ?? 'vfs' };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process, so a test can hand it the plan hook bin.ts never sets. */
async function cli(args: string[], root: string, perturb?: PlanOptions['perturb']): Promise<Result> {
  const out = { stdout: '', stderr: '' };
  const stream = (k: 'stdout' | 'stderr') => ({ isTTY: false, write: (s: string) => ((out[k] += s), true) }) as unknown as NodeJS.WriteStream;
  const code = await main([root, ...args], { stdout: stream('stdout'), stderr: stream('stderr'), stdinIsTTY: false, env: ENV, ...(perturb ? { perturb } : {}) });
  return { code, ...out };
}

const verification = (r: Result, n = 0) => JSON.parse(r.stdout).setups[n].verification;

async function userImages(): Promise<string> {
  return (await engine!.exec(['images', '--format', '{{.Id}} {{.Repository}}:{{.Tag}}'])).stdout.toString().split('\n').sort().join('\n');
}

/** A change of release.sh in the migrated copy (one line added or removed); it must change something. */
const editScript =
  (edit: (text: string) => string): PlanOptions['perturb'] =>
  (c) => {
    if (c.path !== 'release.sh' || c.after === null) return c;
    const after = edit(c.after);
    if (after === c.after) throw new Error('the perturbation changed nothing');
    return { ...c, after };
  };

describe.skipIf(!engine)('--verify runs the pipelines', () => {
  beforeAll(async () => {
    await ensureBaseImages(engine!);
  });

  it('verifies a correct migration by running build.sh both ways, leaving the user\'s store as it was', async () => {
    const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    await withSharedStore(async () => {
      const before = await userImages();
      const r = await cli(['--verify', '--dry-run', '--json'], dir);
      expect(r.code, r.stderr).toBe(0);
      const v = verification(r);
      expect(v).toMatchObject({ status: 'identical', entry: '/bin/sh build.sh', old: { exitCode: 0 }, migrated: { exitCode: 0 }, differences: [] });
      expect(v.images).toEqual(['localhost/alexellis2/href-counter:latest']);
      expect(await userImages()).toBe(before);
    });
  });

  it('verifies a build that happens when the container runs (docker run, then docker cp) as identical', async () => {
    const dir = copyToTemp(path.join(FIXTURES, 'run-then-cp', 'before'));
    const r = await cli(['--verify', '--dry-run', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const v = verification(r);
    expect(v).toMatchObject({ status: 'identical', images: ['localhost/relay:latest'] });
  });

  /** The Azure fixture's first step is PowerShell, which is not installed here: that copy goes without it. */
  const withoutPwsh = (dir: string) => {
    const file = path.join(dir, 'azure-pipelines.yml');
    const text = fs.readFileSync(file, 'utf8');
    const cut = text.replace(/  - pwsh: .*\n    displayName: Announce\n/, '');
    if (cut === text) throw new Error('the fixture has no PowerShell step to leave out');
    fs.writeFileSync(file, cut);
  };
  for (const [fixture, entry, prepare] of [
    ['makefile-targets', 'make image', null],
    ['github-actions', '.github/workflows/image.yml job image', null],
    ['travis-ci', '.travis.yml job default', null],
    ['circleci', '.circleci/config.yml job image', null],
    ['azure-pipelines', 'azure-pipelines.yml job Job', withoutPwsh],
    ['bitbucket-pipelines', 'bitbucket-pipelines.yml step 2', null],
    // after_script from a template the job extends: checksums of what the export build wrote
    ['export-gitlab-after-script', '.gitlab-ci.yml job build-image', null],
    ['jenkinsfile-declarative', 'Jenkinsfile pipeline at line 2', null],
    ['jenkinsfile-scripted', 'Jenkinsfile node at line 3', null],
  ] as const) {
    it(`verifies ${fixture} through its own entry point (${entry})`, async () => {
      const dir = copyToTemp(path.join(FIXTURES, fixture, 'before'));
      prepare?.(dir);
      const r = await cli(['--verify', '--dry-run', '--json'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(verification(r)).toMatchObject({ status: 'identical', entry, old: { exitCode: 0 }, migrated: { exitCode: 0 } });
    });
  }

  const breaks: [string, PlanOptions['perturb'], RegExp][] = [
    [
      'a dangling trap (the removed container is still cleaned up on exit)',
      editScript((t) => t.replace('set -e\n', "set -e\ntrap 'docker rm greeter-x' EXIT\n")),
      /exit status: the old pipeline 0, the migrated one 1/,
    ],
    ['an export build whose output is wiped afterwards', editScript((t) => `${t}rm -f greeter\n`), /host file greeter: the old pipeline left a file \(mode 0755.*the migrated one nothing/],
    ['a dropped post-processing step (the checksum)', editScript((t) => t.replace('sha256sum greeter > greeter.sha256\n', '')), /host file greeter\.sha256: the old pipeline left a file .*the migrated one nothing/],
  ];
  for (const [what, perturb, named] of breaks) {
    it(`catches ${what}, and writes nothing`, async () => {
      const dir = copyToTemp(path.join(FIXTURES, 'export-host-artifacts', 'before'));
      const tree = readTree(dir);
      const r = await cli(['--yes', '--verify', '--json'], dir, perturb);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.setups[0].status).toBe('refused');
      expect(report.setups[0].diagnostics.map((d: { code: string }) => d.code)).toContain('VERIFY_FAILED');
      expect(report.setups[0].verification.status).toBe('differs');
      expect(report.setups[0].verification.differences.join('\n')).toMatch(named);
      expect(report.applied).toBe(false);
      expect(readTree(dir)).toEqual(tree);
    });
  }

  it('catches a wrong COPY --from path in the merged Dockerfile, naming the image and file', async () => {
    const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    const run = runRoot(dir, { stageName: 'builder' });
    const id = run.plan.setups[0]!.id;
    const changes = run.plan.changes.map((c) => (c.path === 'Dockerfile' ? { ...c, after: c.after!.replace('href-counter/app .', 'href-counter/app.go ./app') } : c));
    const v = (await verifyRoot(engine!, run, changes, [id], { env: ENV })).get(id)!;
    expect(v.status).toBe('differs');
    expect(v.differences.join('\n')).toMatch(/image localhost\/alexellis2\/href-counter:latest: .*\/root\/app\b.*(content|size)/);
  });

  it('catches a migrated script that only finds the builder image it no longer builds because of the stand-in', async () => {
    // The last line asks whether the builder image exists. The migrated run starts with an
    // empty stand-in under every name the old run built: without noting that lookup, the
    // stand-in answered "yes" and both runs left had-image.
    const check = 'docker image inspect standin9:build > /dev/null 2>&1 && touch had-image\n';
    const dir = writeTemp({
      'Dockerfile.build': 'FROM alpine:3.19\nRUN mkdir /out && echo built > /out/app && chmod 755 /out/app\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'build.sh': `#!/bin/sh\nset -e\ndocker build -t standin9:build -f Dockerfile.build .\ndocker create --name standin9-x standin9:build\ndocker cp standin9-x:/out/app ./app\ndocker rm standin9-x\ndocker build -t standin9:latest .\n${check}`,
    });
    const run = runRoot(dir, { stageName: 'builder' });
    const setup = run.analysis.setups[0]!;
    const id = setup.id;
    // The builder build gone, the check kept: what a migration that overlooked the check would
    // write, with the setup as such an analysis saw it (nothing else uses the builder image).
    Object.assign(setup, { builderTagUsers: [], builderTagUsedElsewhere: undefined, builderTagUnknown: undefined });
    const changes: FileChange[] = [
      { path: 'Dockerfile.build', action: 'delete', before: null, after: null, setups: [id] },
      {
        path: 'Dockerfile',
        action: 'update',
        before: null,
        after: 'FROM alpine:3.19 AS builder\nRUN mkdir /out && echo built > /out/app && chmod 755 /out/app\n\nFROM scratch AS export\nCOPY --from=builder /out/app /app\n\nFROM alpine:3.19\nCOPY --from=builder /out/app /usr/local/bin/app\n',
        setups: [id],
      },
      { path: 'build.sh', action: 'update', before: null, after: `#!/bin/sh\nset -e\ndocker build --target export --output type=local,dest=. -f Dockerfile .\ndocker build -t standin9:latest .\n${check}`, setups: [id] },
    ];
    const v = (await verifyRoot(engine!, run, changes, [id], { env: ENV })).get(id)!;
    expect(v.status).toBe('differs');
    expect(v.differences.join('\n')).toMatch(/image standin9:build: looked up by the migrated pipeline, which no longer builds it/);
  });

  it('says "not verified" when the old pipeline cannot run here, and writes nothing', async () => {
    const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    // The old script pushes its image at the end: the shim refuses, so nothing can be proven.
    fs.appendFileSync(path.join(dir, 'build.sh'), 'docker push alexellis2/href-counter:latest\n');
    const tree = readTree(dir);
    const r = await cli(['--yes', '--verify'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/VERIFY_FAILED not verified: the old pipeline needs what --verify never does: docker push/);
    expect(readTree(dir)).toEqual(tree);
  });
});

describe.skipIf(!engine || engine.name !== 'podman')('podman and buildah configured to different storage drivers', () => {
  it('uses the store podman reports for every podman and buildah call', async () => {
    // storage.conf says overlay (what buildah alone would use); the flag says vfs (what podman uses).
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-storage-conf-'));
    const conf = path.join(tmp, 'storage.conf');
    fs.writeFileSync(conf, `[storage]\ndriver = "overlay"\ngraphroot = "${tmp}/root"\nrunroot = "${tmp}/run"\n`);
    const env = { ...process.env, CONTAINERS_STORAGE_CONF: conf };
    try {
      const buildahAlone = spawnSync('buildah', ['info', '--format', '{{.store.GraphDriverName}}'], { env, encoding: 'utf8' });
      expect(buildahAlone.stdout.trim()).toBe('overlay');
      const e = await detectEngine('podman', { storageDriver: 'vfs', env, only: true });
      expect(e.storageDriver).toBe('vfs');
      fs.mkdirSync(path.join(tmp, 'ctx'));
      fs.writeFileSync(path.join(tmp, 'ctx', 'f'), 'x\n');
      fs.writeFileSync(path.join(tmp, 'ctx', 'Dockerfile'), 'FROM scratch\nCOPY f /f\nCMD ["/f"]\n');
      await e.build({ context: path.join(tmp, 'ctx'), tag: 'localhost/msc-driver-mismatch:1' });
      // inspectImage asks buildah too (SHELL, ONBUILD): before, buildah looked in another store.
      const info = await e.inspectImage('localhost/msc-driver-mismatch:1');
      expect(info.config.Cmd).toEqual(['/f']);
      expect(info.config.OnBuild).toEqual([]);
    } finally {
      // Everything lives under tmp (vfs keeps no mounts).
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
