/**
 * The fuzzer's stream-sink and caller draws (test/fuzz/stream-features.ts,
 * test/fuzz/caller-features.ts): each option writes the shape it claims, only where the rest of
 * the spec allows it, the scripts pass `sh -n`, and `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FEATURES, generate, normalize, PLAIN_LOGS_AND_IMAGES, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';

const base = normalize({ ...generate(6424), runner: 'script', driver: 'sh', extraction: 'cat-redirect', vars: 'none', orGuard: 'none', hostReach: 'none', twoSetups: 'none', runFlag: 'none', stdinFeed: 'none', volumeOver: 'none', builderRmi: 'none', sibling: 'none', laterReader: 'none', remoteReader: 'none', releaseStep: 'none', preRuntimeTool: 'none', ...PLAIN_LOGS_AND_IMAGES, scriptFunction: 'none' });
const spec = (over: Partial<RepoSpec>) => normalize({ ...base, ...over } as RepoSpec);
const file = (s: RepoSpec, p: RegExp) => render(s).files.find((f) => p.test(f.path))?.content ?? '';
const shellAccepts = (text: string) => spawnSync('sh', ['-n'], { input: text }).status === 0;

describe('fuzz streams: how a streamed file reaches the host', () => {
  it('writes each sink on the streaming run, and asks a refusal only where the errors join the file', () => {
    const shapes: Record<string, RegExp> = {
      'stderr-null': / cat \S+ > \S+ 2>\/dev\/null\n/,
      'stderr-merged': / cat \S+ > \S+ 2>&1\n/,
      clobber: / cat \S+ >\| \S+\n/,
      'fresh-append': /\nrm -f (\S+)\n.* cat \S+ >> \1\n/,
      tee: / cat \S+ \| tee \S+ > \/dev\/null\n/,
      'pipe-merged': / cat \S+ \|& tee \S+ > \/dev\/null\n/,
    };
    expect(Object.keys(shapes).sort()).toEqual(FEATURES.catSink.filter((k) => k !== 'none').sort());
    for (const [sink, shape] of Object.entries(shapes)) {
      const s = spec({ driver: 'bash', catSink: sink as RepoSpec['catSink'] });
      const script = file(s, /build\.sh$/);
      expect(script, sink).toMatch(shape);
      expect(spawnSync('bash', ['-n'], { input: script }).status, sink).toBe(0);
      expect(render(s).refuseWith, sink).toBe(sink.endsWith('-merged') ? 'STREAM_STDERR' : undefined);
    }
    // |& is bash's: under sh the errors join the file through 2>&1 instead
    expect(spec({ driver: 'sh', catSink: 'pipe-merged' }).catSink).toBe('stderr-merged');
  });

  it('sends a tar stream\'s errors away or down its pipe, and has no file of its own to vary', () => {
    const tar = (catSink: RepoSpec['catSink'], driver: RepoSpec['driver'] = 'bash') => spec({ driver, extraction: 'tar-pipe', catSink });
    expect(file(tar('stderr-null'), /build\.sh$/)).toMatch(/ tar -C \/out -c \. 2>\/dev\/null \| tar -x -C build\/\n/);
    expect(file(tar('stderr-merged'), /build\.sh$/)).toMatch(/ tar -C \/out -c \. 2>&1 \| tar -x -C build\/\n/);
    expect(file(tar('pipe-merged'), /build\.sh$/)).toMatch(/ tar -C \/out -c \. \|& tar -x -C build\/\n/);
    expect(render(tar('pipe-merged')).refuseWith).toBe('STREAM_STDERR');
    for (const k of ['clobber', 'fresh-append', 'tee'] as const) expect(tar(k).catSink).toBe('none');
  });

  it('draws a sink only for a streamed extraction, and none writes what was written before', () => {
    expect(spec({ extraction: 'create-cp', catSink: 'tee' }).catSink).toBe('none');
    expect(spec({ extraction: 'create-cp', catSink: 'stderr-merged' }).catSink).toBe('none');
    expect(spec({ extraction: 'cmd-cat', catSink: 'tee' }).catSink).toBe('tee');
    expect(file(spec({ catSink: 'none' }), /build\.sh$/)).toMatch(/ cat \S+ > \S+\n/);
  });
});

describe('fuzz callers: a shell script that runs the image target', () => {
  for (const driver of ['make', 'npm'] as const) {
    it(`runs the ${driver} target from the root or from a folder of its own`, () => {
      const root = render(spec({ driver, toolCaller: 'root' }));
      expect(root.entry).toEqual({ kind: 'script', script: 'ci.sh' });
      const sub = render(spec({ driver, toolCaller: 'subdir' }));
      expect(sub.entry).toEqual({ kind: 'script', script: 'ci/image.sh' });
      const run = (r: typeof root, p: string) => r.files.find((f) => f.path === p)!.content;
      expect(run(root, 'ci.sh')).toContain(driver === 'make' ? '\nmake image\n' : '\nnpm run --silent image\n');
      expect(run(sub, 'ci/image.sh')).toContain(driver === 'make' ? '\nmake -C .. image\n' : '\ncd .. && npm run --silent image\n');
      for (const [r, p] of [[root, 'ci.sh'], [sub, 'ci/image.sh']] as const) expect(shellAccepts(run(r, p))).toBe(true);
      // the Makefile or package.json is written as before
      expect(root.files.filter((f) => f.path !== 'ci.sh')).toEqual(render(spec({ driver, toolCaller: 'none' })).files);
    });
  }

  it('draws a caller only for a Makefile or package.json run as a script', () => {
    expect(spec({ driver: 'sh', toolCaller: 'root' }).toolCaller).toBe('none');
    expect(spec({ driver: 'make', runner: 'github', toolCaller: 'root' }).toolCaller).toBe('none');
  });
});
