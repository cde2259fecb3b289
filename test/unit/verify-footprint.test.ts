import { describe, expect, it } from 'vitest';
import { artifactFootprint, type FileState, type Tree } from '../../src/verify/host-files.js';

const dir: FileState = { type: 'dir', mode: 0o755, hash: '' };
const file = (hash: string): FileState => ({ type: 'file', mode: 0o644, hash });
const tree = (entries: Record<string, FileState>): Tree => new Map(Object.entries(entries));

describe('what --verify leaves out of the host-file comparison', () => {
  const before = tree({ 'main.go': file('m'), dist: dir, 'dist/readme': file('r') });

  it('the artifacts, and a folder the old run created holding only them (and folders it created)', () => {
    const after = tree({ ...Object.fromEntries(before), bin: dir, 'bin/app': file('a'), out: dir, 'out/sub': dir, 'out/sub/tool': file('t') });
    const exempt = artifactFootprint(['bin/app', 'out/sub/tool'], before, after);
    expect(['bin', 'bin/app', 'out', 'out/sub', 'out/sub/tool'].filter(exempt)).toEqual(['bin', 'bin/app', 'out', 'out/sub', 'out/sub/tool']);
  });

  it('not a folder that holds anything else, existed before, or holds no artifact', () => {
    const after = tree({ ...Object.fromEntries(before), bin: dir, 'bin/app': file('a'), 'bin/app.log': file('l'), 'dist/app': file('d'), logs: dir });
    const exempt = artifactFootprint(['bin/app', 'dist/app'], before, after);
    expect(['bin', 'dist', 'logs', 'bin/app.log', 'main.go'].filter(exempt)).toEqual([]);
    expect(['bin/app', 'dist/app'].filter(exempt)).toEqual(['bin/app', 'dist/app']);
  });
});
