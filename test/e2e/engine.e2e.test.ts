/**
 * The real-engine harness, tested on a real engine: stand-in base images build, the old
 * builder-pattern pipeline (driven by an unmodified script through the docker shim) and the
 * equivalent multi-stage build produce images with no differences, and a subtly broken
 * migration IS reported, with each difference named.
 *
 * Everything here builds and runs in a podman store of the file's own (./support/run-store.ts):
 * the e2e files run side by side, and others assert that the shared store is left as it was
 * (verify.e2e, run-store.e2e). Only the base-image checks read the shared store.
 *
 * Without an engine the suite is skipped with a loud warning (an error when CI=true).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEngine, EngineUnavailableError, PodmanEngine, type Engine } from '../../src/verify/engine.js';
import { EngineCommandError, execCommand, execCommandAllowFailure } from '../../src/verify/exec.js';
import { readTarEntries } from '../../src/verify/tar.js';
import {
  compareSnapshots,
  formatDifferences,
  snapshotImage,
  type FileEntry,
  type ImageSnapshot,
  type SnapshotDifference,
} from '../../src/verify/snapshot.js';
import { BASE_IMAGE_REFS, ensureBaseImages, refreshBaseImages } from './support/base-images.js';
import { engineForTests } from './support/engine-for-tests.js';
import { openRunStore, type RunStore } from './support/run-store.js';
import { envForEngine } from './support/shim.js';

const engine = await engineForTests();

// Not timing tests: vfs copies layers and CI machines are slow, so give every test room.
const SLOW = 300_000;

const APP_DIR = '/go/src/github.com/example/app';

const BUILDER_STAGE = `FROM docker.io/library/golang:1.21 AS builder
WORKDIR ${APP_DIR}
COPY . .
RUN go get -d -v ./... && go test ./... && go build -o app .
`;

/** The classic builder-pattern project: Dockerfile.build + build.sh + runtime Dockerfile. */
const PROJECT: Record<string, string> = {
  'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from the e2e app") }\n',
  'main_test.go': 'package main\n\nimport "testing"\n\nfunc TestMain(t *testing.T) {}\n',
  'app.conf': 'greeting = hello\n',
  'Dockerfile.build': BUILDER_STAGE.replace(' AS builder', ''),
  Dockerfile: `FROM docker.io/library/alpine:latest
RUN apk --no-cache add ca-certificates
WORKDIR /root/
COPY app .
COPY app.conf /etc/app.conf
EXPOSE 8080
CMD ["./app"]
`,
  'build.sh': `#!/bin/sh
set -e
docker build -t "$BUILDER_TAG" -f Dockerfile.build .
docker container create --name "$EXTRACT_NAME" "$BUILDER_TAG"
docker container cp "$EXTRACT_NAME":${APP_DIR}/app ./app
docker container rm -f "$EXTRACT_NAME"
docker build --no-cache -t "$RUNTIME_TAG" .
rm ./app
`,
  // What the codemod should produce: one multi-stage Dockerfile.
  'Dockerfile.multi': `${BUILDER_STAGE}
FROM docker.io/library/alpine:latest
RUN apk --no-cache add ca-certificates
WORKDIR /root/
COPY --from=builder ${APP_DIR}/app .
COPY app.conf /etc/app.conf
EXPOSE 8080
CMD ["./app"]
`,
  // A plausible but wrong migration: other WORKDIR, app.conf dropped, binary mode changed.
  'Dockerfile.broken': `${BUILDER_STAGE}
FROM docker.io/library/alpine:latest
RUN apk --no-cache add ca-certificates
WORKDIR /srv
COPY --from=builder ${APP_DIR}/app /root/app
RUN chmod 0700 /root/app
EXPOSE 8080
CMD ["./app"]
`,
  // An export stage, as the codemod emits for artifacts used on the host afterwards.
  'Dockerfile.export': `${BUILDER_STAGE}
FROM scratch AS export
COPY --from=builder ${APP_DIR}/app /
`,
};

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content);
    if (name.endsWith('.sh')) await chmod(join(dir, name), 0o755);
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function entry(snapshot: ImageSnapshot, path: string): FileEntry | undefined {
  return snapshot.files.find((f) => f.path === path);
}

/** Only the identifying part of each difference, for exact-set assertions. */
function keyOf(d: SnapshotDifference): string {
  if (d.kind === 'config') return `config ${d.key}`;
  if (d.kind === 'changed') return `changed ${d.path} ${d.attribute}`;
  return `${d.kind} ${d.path}`;
}

describe('engine detection', () => {
  it('explains what was tried and how to fix it when no engine can be found', async () => {
    const emptyBin = await mkdtemp(join(tmpdir(), 'msc-e2e-nobin-'));
    try {
      const attempt = detectEngine(undefined, { env: { PATH: emptyBin } });
      await expect(attempt).rejects.toBeInstanceOf(EngineUnavailableError);
      const message = ((await attempt.catch((e: unknown) => e)) as Error).message;
      expect(message).toMatch(/docker: `docker info .*` → not installed/);
      expect(message).toMatch(/podman: `podman --storage-driver vfs info .*` → not installed/);
      expect(message).toContain('apt-get install -y podman buildah');
    } finally {
      await rm(emptyBin, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!engine)(`container engine harness (${engine?.name ?? 'no engine'})`, () => {
  const shared = engine as Engine;
  const runId = `msc-e2e-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const images = new Set<string>();
  const containers = new Set<string>();
  let work: string;
  let store: RunStore | undefined;
  /** The engine every test below builds and runs with: the file's own store on podman. */
  let e: Engine = shared;

  /** A unique name for this run; images are removed in afterAll. */
  const imageName = (what: string): string => {
    const tag = `localhost/${runId}-${what}:latest`;
    images.add(tag);
    return tag;
  };
  const containerName = (what: string): string => {
    const name = `${runId}-${what}`;
    containers.add(name);
    return name;
  };

  beforeAll(async () => {
    await ensureBaseImages(shared);
    work = await mkdtemp(join(tmpdir(), `${runId}-`));
    if (shared instanceof PodmanEngine) {
      store = openRunStore(shared, 'msc-e2e-engine');
      e = store.engine;
    }
  });

  afterAll(async () => {
    for (const c of containers) await e.removeContainer(c, { force: true, ignoreMissing: true });
    for (const i of images) await e.removeImage(i, { force: true, ignoreMissing: true });
    await store?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function project(name: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir);
    await writeProject(dir, PROJECT);
    return dir;
  }

  it(
    'builds the stand-in base images under the names fixtures use, and reuses them',
    async () => {
      for (const ref of BASE_IMAGE_REFS) expect(await shared.imageExists(ref), ref).toBe(true);
      // Recipes are labelled: checking again (as a fresh process would) rebuilds nothing.
      const again = await refreshBaseImages(shared);
      expect(again.built).toEqual([]);
      expect([...again.reused].sort()).toEqual([...BASE_IMAGE_REFS].sort());
      const info = await shared.inspectImage('docker.io/library/golang:1.21');
      expect(info.config.Labels['io.github.multistage-codemod.test-base-recipe']).toMatch(/^[0-9a-f]{32}$/);
      expect(info.config.WorkingDir).toBe('/go');
      expect(info.config.Env).toContain('GOPATH=/go');

      const go = await e.run('docker.io/library/golang:1.21', ['go', 'version']);
      expect(go.toString()).toContain('go1.21');
      // docker's ENTRYPOINT + CMD rule is honoured: node's entrypoint hands "--version" to node.
      const node = await e.run('docker.io/library/node:20', ['--version']);
      expect(node.toString().trim()).toBe('v20.0.0-standin');
    },
    SLOW,
  );

  it(
    'runs commands in an image with stdin, env, workdir and a volume (engine.run)',
    async () => {
      const out = join(work, 'run-volume');
      await mkdir(out);
      const stdout = await e.run('docker.io/library/alpine:3.19', ['sh', '-c', 'cat > /out/in.txt; echo "$GREETING from $(pwd)"'], {
        input: 'piped in\n',
        env: { GREETING: 'hi' },
        workdir: '/tmp',
        volumes: [{ host: out, container: '/out' }],
      });
      expect(stdout.toString()).toBe('hi from /tmp\n');
      expect(await readFile(join(out, 'in.txt'), 'utf8')).toBe('piped in\n');

      const failing = e.run('docker.io/library/alpine:3.19', ['sh', '-c', 'echo oops >&2; exit 3']);
      await expect(failing).rejects.toBeInstanceOf(EngineCommandError);
      const err = (await failing.catch((x: unknown) => x)) as EngineCommandError;
      expect(err.exitCode).toBe(3);
      expect(err.message).toContain('oops');
    },
    SLOW,
  );

  it(
    'reads the same files with image mount and with export (special files included)',
    async () => {
      const dir = join(work, 'special');
      await mkdir(dir);
      await writeFile(
        join(dir, 'Dockerfile'),
        `FROM docker.io/library/busybox:latest
RUN mkdir -p /d/sub && echo data > /d/f && chmod 4755 /d/f && ln /d/f /d/hard && ln -s f /d/link \\
 && busybox mkfifo /d/fifo && chmod 2750 /d/sub && chown 1234:4321 /d/sub
`,
      );
      const tag = imageName('special');
      await e.build({ context: dir, tag });
      const exported = await snapshotImage(e, tag, { method: 'export' });
      expect(exported.method).toBe('export');
      expect(entry(exported, '/d/f')).toMatchObject({ type: 'file', mode: 0o4755, size: 5 });
      expect(entry(exported, '/d/hard')).toMatchObject({ type: 'file', mode: 0o4755, sha256: entry(exported, '/d/f')?.sha256 });
      expect(entry(exported, '/d/link')).toMatchObject({ type: 'symlink', linkTarget: 'f' });
      expect(entry(exported, '/d/fifo')).toMatchObject({ type: 'other', special: 'fifo' });
      expect(entry(exported, '/d/sub')).toMatchObject({ type: 'dir', mode: 0o2750, uid: 1234, gid: 4321 });
      expect(entry(exported, '/tmp')).toMatchObject({ type: 'dir', mode: 0o1777 });

      const mounted = await snapshotImage(e, tag);
      if (mounted.method === 'mount') {
        expect(formatDifferences(compareSnapshots(mounted, exported), { labels: ['mount', 'export'] })).toBe('No differences.');
      } else {
        // docker, or podman without root: both were exports; nothing more to cross-check.
        expect(compareSnapshots(mounted, exported)).toEqual([]);
      }
    },
    SLOW,
  );

  it(
    'old builder pattern (script via the docker shim) and the multi-stage build give identical images',
    async () => {
      const dir = await project('pipeline');
      const logFile = join(work, 'shim.log');
      const builderTag = imageName('builder');
      const oldTag = imageName('old');
      const extractName = containerName('extract');
      const env = {
        ...envForEngine(e, process.env, { logFile }),
        BUILDER_TAG: builderTag,
        RUNTIME_TAG: oldTag,
        EXTRACT_NAME: extractName,
      };
      await execCommand([join(dir, 'build.sh')], { cwd: dir, env });

      const newTag = imageName('new');
      const built = await e.build({ context: dir, dockerfile: join(dir, 'Dockerfile.multi'), tag: newTag });
      expect(built.imageId).not.toBe('');

      const oldSnap = await snapshotImage(e, oldTag);
      const newSnap = await snapshotImage(e, newTag);
      const diffs = compareSnapshots(oldSnap, newSnap);
      expect(formatDifferences(diffs, { labels: ['old', 'new'] })).toBe('No differences.');

      // …and the images really contain what the pipeline is about (not two empty snapshots).
      const app = entry(newSnap, '/root/app');
      expect(app).toMatchObject({ type: 'file', mode: 0o755, uid: 0, gid: 0 });
      expect(entry(newSnap, '/etc/app.conf')).toMatchObject({ type: 'file', size: PROJECT['app.conf']!.length });
      expect(entry(newSnap, '/etc/ssl/certs/ca-certificates.crt')).toMatchObject({ type: 'file' });
      expect(newSnap.config).toMatchObject({ Cmd: ['./app'], ExposedPorts: ['8080/tcp'] });
      expect((await e.run(newTag, [])).toString()).toMatch(/^app \(built from Go sources [0-9a-f]{64}\)\n$/);

      // The script's docker commands really went through the shim (on podman).
      if (e.name === 'podman') {
        const log = await readFile(logFile, 'utf8');
        expect(log).toContain('docker container cp');
        expect(log.trim().split('\n')).toHaveLength(5);
      }
      expect(await e.imageExists(builderTag)).toBe(true);
      await expect(e.removeContainer(extractName)).rejects.toThrow(/no such container|no container with name/i);
    },
    SLOW,
  );

  it(
    'reports a broken migration, naming each difference',
    async () => {
      const dir = await project('broken');
      const oldTag = imageName('broken-old');
      const env = {
        ...envForEngine(e),
        BUILDER_TAG: imageName('broken-builder'),
        RUNTIME_TAG: oldTag,
        EXTRACT_NAME: containerName('broken-extract'),
      };
      await execCommand([join(dir, 'build.sh')], { cwd: dir, env });
      const brokenTag = imageName('broken-new');
      await e.build({ context: dir, dockerfile: join(dir, 'Dockerfile.broken'), tag: brokenTag });

      const oldSnap = await snapshotImage(e, oldTag);
      const brokenSnap = await snapshotImage(e, brokenTag);
      const diffs = compareSnapshots(oldSnap, brokenSnap);
      expect(diffs.map(keyOf).sort()).toEqual(
        ['added /srv', 'changed /root/app mode', 'config WorkingDir', 'removed /etc/app.conf'].sort(),
      );
      expect(diffs).toContainEqual({ kind: 'config', key: 'WorkingDir', a: oldSnap.config.WorkingDir, b: '/srv' });
      expect(diffs).toContainEqual({ kind: 'changed', path: '/root/app', attribute: 'mode', a: '0755', b: '0700' });

      const text = formatDifferences(diffs, { labels: ['old', 'new'] });
      expect(text).toContain('4 differences between old and new');
      expect(text).toMatch(/config WorkingDir: "\/root\/?" \(old\) vs "\/srv" \(new\)/);
      expect(text).toContain('- /etc/app.conf (file, 0644, 17 bytes) only in old');
      expect(text).toContain('~ /root/app: mode 0755 (old) vs 0700 (new)');
      expect(text).toContain('+ /srv (dir, 0755) only in new');
    },
    SLOW,
  );

  it(
    'shim: docker run pipelines (cat > file, -v, kept container + cp) and build --output',
    async () => {
      const dir = await project('shim-run');
      const builderTag = imageName('run-builder');
      const keepName = containerName('kept');
      await writeFile(
        join(dir, 'run.sh'),
        `#!/bin/sh
set -e
docker build -q -t "$BUILDER_TAG" -f Dockerfile.build . >/dev/null
docker run --rm "$BUILDER_TAG" cat ${APP_DIR}/app > app.fromcat
chmod 0755 app.fromcat
docker run --rm -v "$PWD/out:/out" -e DEST=/out -w ${APP_DIR} "$BUILDER_TAG" sh -c 'cp app "$DEST/app"'
docker run --name "$KEEP_NAME" "$BUILDER_TAG" sh -c 'mkdir -p /artifact && go build -o /artifact/app .'
docker cp "$KEEP_NAME":/artifact/app ./app.kept
docker rm "$KEEP_NAME"
docker build -q --target export --output type=local,dest=dist -f Dockerfile.export .
docker build -q --target export -o - -f Dockerfile.export . > export.tar
docker run --rm docker.io/library/node:20 --version > node.version
`,
      );
      await chmod(join(dir, 'run.sh'), 0o755);
      const env = { ...envForEngine(e), BUILDER_TAG: builderTag, KEEP_NAME: keepName };
      await execCommand([join(dir, 'run.sh')], { cwd: dir, env });

      const reference = await e.run(builderTag, ['cat', `${APP_DIR}/app`]);
      expect(reference.toString()).toMatch(/^#!\/bin\/sh\n/);
      for (const file of ['app.fromcat', 'out/app', 'app.kept', 'dist/app']) {
        expect(sha256(await readFile(join(dir, file))), file).toBe(sha256(reference));
      }
      expect((await stat(join(dir, 'dist/app'))).mode & 0o7777).toBe(0o755);
      // `-o -` is a tar of the export stage on stdout and nothing else (podman appends the
      // image ID to stdout; the shim keeps it out).
      const tarEntries: { path: string; mode: number; sha256: string }[] = [];
      for await (const t of readTarEntries(createReadStream(join(dir, 'export.tar')))) {
        const chunks: Buffer[] = [];
        for await (const chunk of t.body) chunks.push(chunk);
        tarEntries.push({ path: t.path, mode: t.mode, sha256: sha256(Buffer.concat(chunks)) });
      }
      expect(tarEntries).toEqual([{ path: 'app', mode: 0o755, sha256: sha256(reference) }]);
      expect((await stat(join(dir, 'export.tar'))).size % 512).toBe(0);
      expect((await stat(join(dir, 'app.kept'))).mode & 0o7777).toBe(0o755);
      expect(await readFile(join(dir, 'node.version'), 'utf8')).toBe('v20.0.0-standin\n');
      // `docker rm` of the kept container also removed the image the shim committed for it.
      if (e.name === 'podman') {
        expect(await e.imageExists(`localhost/multistage-codemod-shim-run/${keepName}`)).toBe(false);
      }
      await expect(e.removeContainer(keepName)).rejects.toThrow(/no such container|no container with name/i);

      // Unsupported flags fail loudly instead of doing something else.
      if (e.name === 'podman') {
        const detached = await execCommandAllowFailure(['docker', 'run', '-d', builderTag, 'true'], { env });
        expect(detached.exitCode).toBe(125);
        expect(detached.stderr).toContain('run -d: only a command that idles can be emulated');
        const tty = await execCommandAllowFailure(['docker', 'run', '--rm', '-it', builderTag, 'true'], { env });
        expect(tty.exitCode).toBe(125);
      }
    },
    SLOW,
  );

  it(
    'a failing go test in the builder fails the build, with the step output in the error',
    async () => {
      const dir = await project('failing');
      await writeFile(join(dir, 'main_test.go'), 'package main\n\n// FAIL\n');
      const attempt = e.build({ context: dir, dockerfile: join(dir, 'Dockerfile.build'), tag: imageName('failing') });
      await expect(attempt).rejects.toBeInstanceOf(EngineCommandError);
      const err = (await attempt.catch((x: unknown) => x)) as EngineCommandError;
      expect(err.message).toContain('these test files contain FAIL');
      // The command line names the store every podman call is given (driver, graph root, run
      // root, the shared store's images read through).
      expect(err.message).toMatch(e.name === 'podman' ? /podman --storage-driver vfs( --(root|runroot|storage-opt) \S+)* build/ : /docker build/);
      if (store) expect(err.message).toContain(`--root ${join(store.dir, 'root')} --runroot ${join(store.dir, 'run')} `);
    },
    SLOW,
  );
});
