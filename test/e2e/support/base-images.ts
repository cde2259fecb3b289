/**
 * Tiny, deterministic stand-ins for the base images fixtures use (golang, alpine, debian,
 * node, busybox), built locally because the test machines have no registry and no network.
 *
 * Each image is `FROM scratch` + ONE `COPY rootfs/ /` layer (vfs storage copies every layer
 * in full, so fewer layers = faster and smaller): the host's static busybox with applet
 * symlinks, /etc/passwd and /etc/group with root, /tmp (1777), /root, and obviously fake
 * toolchain scripts from ./standins (go, apk, apt-get, node, npm). ENV, WORKDIR, CMD and
 * ENTRYPOINT mirror the real images closely enough for Dockerfiles written against them.
 *
 * Cache: every image carries a label with the hash of its recipe (Dockerfile text + every
 * file's path, mode and content); an image whose label matches is reused, otherwise it is
 * rebuilt. An image under one of these names WITHOUT our label is a real image the developer
 * pulled: we refuse to overwrite it unless MULTISTAGE_CODEMOD_REPLACE_BASE_IMAGES=1.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../../src/verify/engine.js';

export const RECIPE_LABEL = 'io.github.multistage-codemod.test-base-recipe';
/** Bump to force every machine to rebuild (e.g. after changing how contexts are written). */
const RECIPE_FORMAT = 1;

const STANDINS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'standins');

export const BASE_IMAGE_REFS = [
  'docker.io/library/golang:1.7.3',
  'docker.io/library/golang:1.21',
  'docker.io/library/alpine:latest',
  'docker.io/library/alpine:3.19',
  'docker.io/library/debian:bookworm-slim',
  'docker.io/library/node:20',
  'docker.io/library/busybox:latest',
] as const;

export type BaseImageRef = (typeof BASE_IMAGE_REFS)[number];

type RootfsItem =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; content: Buffer }
  | { kind: 'symlink'; path: string; target: string };

interface Recipe {
  ref: BaseImageRef;
  items: RootfsItem[];
  /** Dockerfile instructions after `COPY rootfs/ /` (the label is appended separately). */
  instructions: string[];
}

const APPLETS = [
  '[', 'ash', 'awk', 'base64', 'basename', 'cat', 'chgrp', 'chmod', 'chown', 'cmp', 'cp', 'cut', 'date', 'dd',
  'df', 'diff', 'dirname', 'du', 'echo', 'egrep', 'env', 'expr', 'false', 'fgrep', 'find', 'grep', 'gunzip',
  'gzip', 'head', 'hexdump', 'hostname', 'id', 'kill', 'ln', 'ls', 'md5sum', 'mkdir', 'mktemp', 'mv', 'nproc',
  'od', 'paste', 'patch', 'printf', 'ps', 'pwd', 'readlink', 'realpath', 'rm', 'rmdir', 'sed', 'seq', 'sh',
  'sha1sum', 'sha256sum', 'sha512sum', 'sleep', 'sort', 'stat', 'tac', 'tail', 'tar', 'tee', 'test', 'timeout',
  'touch', 'tr', 'true', 'uname', 'uniq', 'unzip', 'wc', 'which', 'whoami', 'xargs', 'xz', 'yes', 'zcat',
];

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The host's busybox, which must be statically linked: a scratch image has no libc. */
export function hostBusyboxPath(): string {
  return process.env['MULTISTAGE_CODEMOD_BUSYBOX'] ?? '/bin/busybox';
}

/** True if the ELF file has a PT_INTERP program header, i.e. needs a dynamic loader. */
function isDynamicElf(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (elf[4] !== 2 || elf[5] !== 1) throw new Error('expected a 64-bit little-endian ELF file');
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) if (elf.readUInt32LE(phoff + i * phentsize) === 3) return true;
  return false;
}

async function readBusybox(): Promise<Buffer> {
  const path = hostBusyboxPath();
  let elf: Buffer;
  try {
    elf = await readFile(path);
  } catch (err) {
    throw new Error(
      `Cannot read ${path} for the test base images (${(err as Error).message}). ` +
        'Install the static busybox (Debian/Ubuntu: apt-get install -y busybox-static) or set MULTISTAGE_CODEMOD_BUSYBOX.',
    );
  }
  if (isDynamicElf(elf)) {
    throw new Error(`${path} is dynamically linked and cannot run in a FROM scratch image. Install busybox-static.`);
  }
  return elf;
}

async function standin(name: string): Promise<Buffer> {
  return readFile(join(STANDINS_DIR, name));
}

function dir(path: string, mode = 0o755): RootfsItem {
  return { kind: 'dir', path, mode };
}

function file(path: string, content: Buffer | string, mode = 0o644): RootfsItem {
  return { kind: 'file', path, mode, content: typeof content === 'string' ? Buffer.from(content) : content };
}

function commonRootfs(busybox: Buffer, ref: string): RootfsItem[] {
  return [
    dir('bin'),
    file('bin/busybox', busybox, 0o755),
    ...APPLETS.map((applet): RootfsItem => ({ kind: 'symlink', path: `bin/${applet}`, target: 'busybox' })),
    dir('etc'),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    file('etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
    file('etc/multistage-codemod-standin', `Stand-in for ${ref}, built by multistage-codemod's e2e tests.\n`),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    dir('usr'),
    dir('usr/local'),
    dir('usr/local/bin'),
  ];
}

async function recipes(): Promise<Recipe[]> {
  const busybox = await readBusybox();
  const [go, apk, aptGet, node, npm, bash, nodeEntrypoint] = await Promise.all(
    ['go', 'apk', 'apt-get', 'node', 'npm', 'bash', 'docker-entrypoint.sh'].map(standin),
  );
  const debianLike = [file('bin/bash', bash!, 0o755), dir('usr/bin'), file('usr/bin/apt-get', aptGet!, 0o755)];
  const golang = (ref: BaseImageRef, version: string): Recipe => ({
    ref,
    items: [
      ...commonRootfs(busybox, ref),
      ...debianLike,
      dir('usr/local/go'),
      dir('usr/local/go/bin'),
      file('usr/local/go/bin/go', go!, 0o755),
      dir('go', 0o777),
      dir('go/src', 0o777),
      dir('go/bin', 0o777),
    ],
    instructions: [
      `ENV GOLANG_VERSION=${version}`,
      'ENV GOPATH=/go',
      `ENV PATH=/go/bin:/usr/local/go/bin:${DEFAULT_PATH}`,
      'WORKDIR /go',
      'CMD ["bash"]',
    ],
  });
  const alpine = (ref: BaseImageRef): Recipe => ({
    ref,
    items: [
      ...commonRootfs(busybox, ref),
      dir('sbin'),
      file('sbin/apk', apk!, 0o755),
      dir('etc/apk'),
      file('etc/apk/world', 'busybox\n'),
    ],
    instructions: [`ENV PATH=${DEFAULT_PATH}`, 'CMD ["/bin/sh"]'],
  });
  return [
    golang('docker.io/library/golang:1.7.3', '1.7.3'),
    golang('docker.io/library/golang:1.21', '1.21.0'),
    alpine('docker.io/library/alpine:latest'),
    alpine('docker.io/library/alpine:3.19'),
    {
      ref: 'docker.io/library/debian:bookworm-slim',
      items: [...commonRootfs(busybox, 'docker.io/library/debian:bookworm-slim'), ...debianLike],
      instructions: [`ENV PATH=${DEFAULT_PATH}`, 'CMD ["bash"]'],
    },
    {
      ref: 'docker.io/library/node:20',
      items: [
        ...commonRootfs(busybox, 'docker.io/library/node:20'),
        ...debianLike,
        file('usr/local/bin/node', node!, 0o755),
        file('usr/local/bin/npm', npm!, 0o755),
        file('usr/local/bin/docker-entrypoint.sh', nodeEntrypoint!, 0o755),
      ],
      instructions: [
        'ENV NODE_VERSION=20.0.0-standin',
        `ENV PATH=${DEFAULT_PATH}`,
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        'CMD ["node"]',
      ],
    },
    {
      ref: 'docker.io/library/busybox:latest',
      items: commonRootfs(busybox, 'docker.io/library/busybox:latest'),
      instructions: [`ENV PATH=${DEFAULT_PATH}`, 'CMD ["sh"]'],
    },
  ];
}

function dockerfileBody(recipe: Recipe): string {
  return ['FROM scratch', 'COPY rootfs/ /', ...recipe.instructions].join('\n');
}

function recipeHash(recipe: Recipe): string {
  const hash = createHash('sha256');
  hash.update(`format ${RECIPE_FORMAT}\n${recipe.ref}\n${dockerfileBody(recipe)}\n`);
  for (const item of recipe.items) {
    if (item.kind === 'file') {
      hash.update(`file ${item.path} ${item.mode.toString(8)} ${createHash('sha256').update(item.content).digest('hex')}\n`);
    } else if (item.kind === 'dir') {
      hash.update(`dir ${item.path} ${item.mode.toString(8)}\n`);
    } else {
      hash.update(`symlink ${item.path} ${item.target}\n`);
    }
  }
  return hash.digest('hex').slice(0, 32);
}

async function writeContext(recipe: Recipe, hash: string, contextDir: string): Promise<void> {
  const root = join(contextDir, 'rootfs');
  await mkdir(root);
  await chmod(root, 0o755);
  for (const item of recipe.items) {
    const target = join(root, item.path);
    if (item.kind === 'dir') {
      await mkdir(target, { recursive: true });
      await chmod(target, item.mode); // explicit: mkdir is subject to the umask and drops sticky bits
    } else if (item.kind === 'file') {
      await writeFile(target, item.content);
      await chmod(target, item.mode);
    } else {
      await symlink(item.target, target);
    }
  }
  await writeFile(join(contextDir, 'Dockerfile'), `${dockerfileBody(recipe)}\nLABEL ${RECIPE_LABEL}="${hash}"\n`);
}

/** Cross-process lock (several vitest workers may ask at once): a directory created atomically. */
async function withLock<T>(name: string, body: () => Promise<T>): Promise<T> {
  const lockDir = join(tmpdir(), `${name}.lock`);
  const staleMs = 10 * 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lockDir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > staleMs) await rm(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const owner = await open(join(lockDir, 'owner'), 'w');
    await owner.writeFile(`${process.pid}\n`);
    await owner.close();
    return await body();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function recipeLabelOf(engine: Engine, ref: string): Promise<{ id: string; label: string | undefined } | null> {
  if (!(await engine.imageExists(ref))) return null;
  const info = await engine.inspectImage(ref);
  return { id: info.id, label: info.config.Labels[RECIPE_LABEL] };
}

export interface BaseImagesResult {
  built: BaseImageRef[];
  reused: BaseImageRef[];
}

const inProcess = new Map<string, Promise<BaseImagesResult>>();

/**
 * Make sure every stand-in base image exists with its current recipe; build those that don't.
 * Safe to call from many tests and workers: once per process, serialised across processes.
 */
export function ensureBaseImages(engine: Engine): Promise<BaseImagesResult> {
  const key = `${engine.name}:${engine.storageDriver ?? ''}`;
  let pending = inProcess.get(key);
  if (!pending) {
    pending = refreshBaseImages(engine);
    pending.catch(() => inProcess.delete(key)); // let a later call retry after a failure
    inProcess.set(key, pending);
  }
  return pending;
}

/** Like ensureBaseImages but not memoised: checks every label again (each call costs ~0.1 s per image). */
export function refreshBaseImages(engine: Engine): Promise<BaseImagesResult> {
  return withLock(`multistage-codemod-base-images-${engine.name}`, () => buildMissing(engine));
}

async function buildMissing(engine: Engine): Promise<BaseImagesResult> {
  const result: BaseImagesResult = { built: [], reused: [] };
  for (const recipe of await recipes()) {
    const hash = recipeHash(recipe);
    const existing = await recipeLabelOf(engine, recipe.ref);
    if (existing?.label === hash) {
      result.reused.push(recipe.ref);
      continue;
    }
    if (existing && existing.label === undefined && process.env['MULTISTAGE_CODEMOD_REPLACE_BASE_IMAGES'] !== '1') {
      throw new Error(
        `${recipe.ref} exists in ${engine.name}'s image store but is not a multistage-codemod stand-in ` +
          '(probably a real image you pulled). The e2e tests would overwrite its tag. ' +
          'Set MULTISTAGE_CODEMOD_REPLACE_BASE_IMAGES=1 to allow that.',
      );
    }
    const contextDir = await mkdtemp(join(tmpdir(), 'msc-base-'));
    try {
      await writeContext(recipe, hash, contextDir);
      const built = await engine.build({ context: contextDir, tag: recipe.ref });
      // The previous version is now untagged; remove it unless something still uses it.
      if (existing && existing.id !== built.imageId && !built.imageId.endsWith(existing.id)) {
        await engine.removeImage(existing.id).catch(() => undefined);
      }
    } finally {
      await rm(contextDir, { recursive: true, force: true });
    }
    result.built.push(recipe.ref);
  }
  return result;
}
