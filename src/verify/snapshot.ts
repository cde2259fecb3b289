/**
 * Snapshot an image: every path with its type, permission bits, owner, content hash or link
 * target, plus the configuration that decides how the image runs. Two snapshots are compared
 * by ./compare.ts (re-exported here) to prove that a migrated multi-stage build produces the
 * same image as the old builder-pattern pipeline.
 *
 * Two ways to read the filesystem, chosen per engine:
 *  - mount: `podman image mount` (root only) and walk the directory. Fast, no container.
 *  - export: create a container (never started), `export` it as tar and read the stream.
 *    The only way with docker, and podman's fallback when rootless.
 * Both produce the same entries (the e2e suite checks this on podman), except that with
 * docker `export` shows the container's init layer (/.dockerenv, /etc/hosts, /etc/hostname,
 * /etc/resolv.conf, /dev, /proc, /sys) — identical on both sides of a comparison, but it masks
 * whatever the image itself had at those few paths.
 *
 * What is not captured (limitations, not choices): timestamps (always differ between builds),
 * extended attributes (incl. file capabilities; node has no xattr API), hardlink identity
 * (each link is reported as a regular file with its content), and the root directory `/`
 * itself (an export stream has no entry for it; vfs shows it read-only, 0555, as an artifact).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Engine, ImageConfig } from './engine.js';
import { readTarEntries } from './tar.js';

export { compareSnapshots, formatDifferences } from './compare.js';
export type { CompareOptions, FileAttribute, FormatOptions, SnapshotDifference } from './compare.js';

export type FileType = 'file' | 'dir' | 'symlink' | 'other';

export interface FileEntry {
  /** Absolute path inside the image, e.g. `/usr/local/bin/app`; never `/` itself. */
  path: string;
  type: FileType;
  /** Permission bits incl. setuid (0o4000), setgid (0o2000), sticky (0o1000). */
  mode: number;
  uid: number;
  gid: number;
  /** Regular files: byte size. */
  size?: number;
  /** Regular files: hex sha256 of the content. */
  sha256?: string;
  /** Symlinks: the target as stored (not resolved). */
  linkTarget?: string;
  /** type 'other': `char M,m`, `block M,m`, `fifo` or `socket`. */
  special?: string;
}

export type SnapshotMethod = 'mount' | 'export';

export interface ImageSnapshot {
  imageRef: string;
  imageId: string;
  method: SnapshotMethod;
  /** Sorted by path. */
  files: FileEntry[];
  config: ImageConfig;
}

export interface SnapshotOptions {
  /** Default 'auto': mount when the engine can, export otherwise. */
  method?: SnapshotMethod | 'auto';
}

/** Files up to this size are read in one go; larger ones are streamed into the hash. */
const READ_WHOLE_LIMIT = 4 * 1024 * 1024;

function sortByPath(files: FileEntry[]): FileEntry[] {
  return files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

async function hashFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  if (size <= READ_WHOLE_LIMIT) {
    hash.update(await readFile(path));
  } else {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Linux dev_t → major/minor (glibc's gnu_dev_major/minor). */
function deviceNumbers(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major},${minor}`;
}

async function walkMounted(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const stack = ['/'];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const names = await readdir(posix.join(root, dir));
    for (const name of names) {
      const path = posix.join(dir, name);
      const hostPath = posix.join(root, path);
      const st = await lstat(hostPath, { bigint: true });
      const base = { path, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) };
      if (st.isDirectory()) {
        out.push({ ...base, type: 'dir' });
        stack.push(path);
      } else if (st.isFile()) {
        const size = Number(st.size);
        out.push({ ...base, type: 'file', size, sha256: await hashFile(hostPath, size) });
      } else if (st.isSymbolicLink()) {
        out.push({ ...base, type: 'symlink', linkTarget: await readlink(hostPath) });
      } else {
        const special = st.isCharacterDevice()
          ? `char ${deviceNumbers(st.rdev)}`
          : st.isBlockDevice()
            ? `block ${deviceNumbers(st.rdev)}`
            : st.isFIFO()
              ? 'fifo'
              : 'socket';
        out.push({ ...base, type: 'other', special });
      }
    }
  }
  return sortByPath(out);
}

/** `./usr/bin/`, `usr/bin`, `/usr/bin` → `/usr/bin`; the root itself → null. */
function normaliseArchivePath(raw: string): string | null {
  const normalised = posix.normalize(`/${raw}`).replace(/\/+$/, '');
  return normalised === '' || normalised === '/.' ? null : normalised;
}

async function readExportedTar(stream: AsyncIterable<Buffer | string>): Promise<FileEntry[]> {
  const byPath = new Map<string, FileEntry>();
  for await (const entry of readTarEntries(stream)) {
    const path = normaliseArchivePath(entry.path);
    if (path === null) continue;
    const base = { path, mode: entry.mode, uid: entry.uid, gid: entry.gid };
    switch (entry.type) {
      case 'dir':
        byPath.set(path, { ...base, type: 'dir' });
        break;
      case 'file': {
        const hash = createHash('sha256');
        for await (const chunk of entry.body) hash.update(chunk);
        byPath.set(path, { ...base, type: 'file', size: entry.size, sha256: hash.digest('hex') });
        break;
      }
      case 'hardlink': {
        // A hardlink shares the target's inode: same content, mode and owner. Report it as the
        // regular file a directory walk would see, so both methods agree.
        const targetPath = normaliseArchivePath(entry.linkName);
        const target = targetPath === null ? undefined : byPath.get(targetPath);
        if (!target) throw new Error(`export: hardlink ${path} points to ${entry.linkName}, which is not earlier in the archive`);
        byPath.set(path, { ...target, path });
        break;
      }
      case 'symlink':
        byPath.set(path, { ...base, type: 'symlink', linkTarget: entry.linkName });
        break;
      case 'char':
      case 'block':
        byPath.set(path, { ...base, type: 'other', special: `${entry.type} ${entry.devMajor},${entry.devMinor}` });
        break;
      case 'fifo':
        byPath.set(path, { ...base, type: 'other', special: 'fifo' });
        break;
      default:
        throw new Error(`export: unsupported tar entry type "${entry.typeflag}" for ${path}`);
    }
  }
  return sortByPath([...byPath.values()]);
}

async function snapshotByExport(engine: Engine, imageRef: string): Promise<FileEntry[]> {
  const name = `msc-snapshot-${randomBytes(6).toString('hex')}`;
  // The command is never run; it only lets images without CMD/ENTRYPOINT (FROM scratch
  // artifacts) be created at all.
  const id = await engine.createContainer(imageRef, name, ['/msc-snapshot-never-run']);
  try {
    return await engine.exportContainer(id, (tar) => readExportedTar(tar));
  } finally {
    await engine.removeContainer(id, { force: true, ignoreMissing: true });
  }
}

/** Capture an image's filesystem and configuration. Leaves nothing behind (container, mount). */
export async function snapshotImage(engine: Engine, imageRef: string, options: SnapshotOptions = {}): Promise<ImageSnapshot> {
  const info = await engine.inspectImage(imageRef);
  const wanted = options.method ?? 'auto';
  let files: FileEntry[] | undefined;
  let method: SnapshotMethod = 'export';
  if (wanted !== 'export') {
    // Use the ID from here on, so a tag moved meanwhile cannot mix two images in one snapshot.
    const mounted = await engine.mountImage(info.id);
    if (mounted) {
      try {
        files = await walkMounted(mounted.path);
        method = 'mount';
      } finally {
        await mounted.unmount();
      }
    } else if (wanted === 'mount') {
      throw new Error(`${engine.name} cannot mount images here (docker never can; podman only as root)`);
    }
  }
  files ??= await snapshotByExport(engine, info.id);
  return { imageRef, imageId: info.id, method, files, config: info.config };
}
