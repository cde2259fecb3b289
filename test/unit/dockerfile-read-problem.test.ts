/** Why a Dockerfile a build names could not be read is said as it is (src/analyze/dockerfile-access.ts, NodeRepoFs.readProblem). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unreadableDockerfile } from '../../src/analyze/dockerfile-access.js';
import { MAX_FILE_BYTES, NodeRepoFs } from '../../src/discover/node-fs.js';
import type { RepoFs } from '../../src/model/fs.js';

const WHERE = { file: 'build.sh', line: 3 };

function repo(files: Record<string, string | Buffer>): NodeRepoFs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-problem-'));
  for (const [rel, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), body);
  return new NodeRepoFs(dir);
}

describe('a Dockerfile that cannot be read', () => {
  it('too large: says its size and the limit, not an encoding', () => {
    const fsys = repo({ Dockerfile: `FROM alpine\n${'#'.repeat(MAX_FILE_BYTES)}\n` });
    expect(fsys.readText('Dockerfile')).toBeNull();
    const d = unreadableDockerfile('Dockerfile', 'runtime', fsys, WHERE);
    expect(d.message).toBe(`the runtime Dockerfile Dockerfile is larger than the 2 MiB limit (${MAX_FILE_BYTES + 13} bytes)`);
    expect(d.hint).not.toMatch(/UTF-8/);
  });

  it('UTF-16 or a NUL byte: says which', () => {
    const utf16 = repo({ Dockerfile: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('FROM alpine\n', 'utf16le')]) });
    expect(unreadableDockerfile('Dockerfile', 'runtime', utf16, WHERE).message).toBe('the runtime Dockerfile Dockerfile cannot be read as text (UTF-16 text)');
    const nul = repo({ 'Dockerfile.build': Buffer.from('FROM alpine\n\0\n') });
    expect(unreadableDockerfile('Dockerfile.build', 'builder', nul, WHERE).message).toBe('the builder Dockerfile Dockerfile.build cannot be read as text (a NUL byte (binary, or UTF-16 text))');
  });

  it('permission denied: says so, and how to fix it (not "save it as UTF-8")', () => {
    // A file system that reports the permission (root reads every file, so the disk cannot show it here).
    const denied: RepoFs = { readText: () => null, kind: () => 'file', readProblem: () => 'permission denied' };
    const d = unreadableDockerfile('Dockerfile', 'runtime', denied, WHERE);
    expect(d.message).toBe('the runtime Dockerfile Dockerfile cannot be read: permission denied');
    expect(d.hint).toBe('Give the user running the tool read access to Dockerfile, then run it again.');
  });

  it('a file system that cannot tell keeps the old wording', () => {
    const unknown: RepoFs = { readText: () => null, kind: () => 'file' };
    expect(unreadableDockerfile('Dockerfile', 'runtime', unknown, WHERE).message).toBe('the runtime Dockerfile Dockerfile cannot be read as text (a NUL byte, UTF-16 or another encoding than UTF-8)');
  });
});
