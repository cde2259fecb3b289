/**
 * The fuzzer's run-step and later-step draws (test/fuzz/run-step-features.ts,
 * test/fuzz/later-step-features.ts): each option writes the shape it claims into the repository
 * (a flag on the builder's `docker run`, standard input fed to it, a bind mount over the streamed
 * path, a `docker rmi` of the builder tag, a sibling target), the driver is told to run what
 * comes after the build, every such script passes `sh -n`, and `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FEATURES, generate, normalize, PLAIN_LOGS_AND_IMAGES, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';

/** A plain spec (a script-run sh build) with the given choices, normalized. */
const base = normalize({ ...generate(6424), runner: 'script', driver: 'sh', extraction: 'create-cp', vars: 'none', orGuard: 'none', hostReach: 'none', twoSetups: 'none', runFlag: 'none', stdinFeed: 'none', volumeOver: 'none', builderRmi: 'none', sibling: 'none', laterReader: 'none', remoteReader: 'none', releaseStep: 'none', preRuntimeTool: 'none', ...PLAIN_LOGS_AND_IMAGES, scriptFunction: 'none' });
const spec = (over: Partial<RepoSpec>) => normalize({ ...base, ...over } as RepoSpec);
const file = (s: RepoSpec, p: RegExp) => render(s).files.find((f) => p.test(f.path))?.content ?? '';
const script = (s: RepoSpec) => file(s, /build\.sh$/);

describe('fuzz streams: the builder run step', () => {
  it('writes each drawn flag on the builder run, and only there', () => {
    const flags: Record<string, RegExp> = {
      hostname: / --hostname \w+-box /,
      'network-none': / --network none /,
      'add-host': / --add-host registry\.local:10\.0\.0\.5 /,
      env: / -e [A-Z]+_VERSION=1\.4\.2 /,
      workdir: / -w \/out \S+ cat \w+ > /,
      user: / -u 65534 /,
      entrypoint: / --entrypoint cat \S+ \/out\/\w+ > /,
      tmpfs: / --tmpfs \/tmp /,
      init: / --init /,
      'read-only': / --read-only /,
      interactive: / -i /,
      tty: / -t /,
    };
    expect(Object.keys(flags).sort()).toEqual(FEATURES.runFlag.filter((f) => f !== 'none').sort());
    // what the engine here cannot run, on a run-time build (the tool must refuse it unrun); the rest on a streamed file
    const unrunnable = ['hostname', 'add-host', 'tmpfs', 'init', 'read-only'];
    for (const [flag, shape] of Object.entries(flags)) {
      const extraction = unrunnable.includes(flag) ? 'mount-build' : 'cat-redirect';
      const s = spec({ extraction, fileMode: 'default', runFlag: flag as RepoSpec['runFlag'] });
      expect(s.runFlag, flag).toBe(flag);
      const run = (t: string) => t.split('\n').find((l) => l.startsWith('docker run'))!;
      expect(run(script(s)), flag).toMatch(shape);
      expect(run(script(spec({ extraction, fileMode: 'default' }))), flag).not.toMatch(shape);
      expect(render(s).mustRefuse, flag).toBe(unrunnable.includes(flag) ? 'BUILD_AT_RUN_TIME' : flag === 'tty' ? 'STREAM_TTY' : undefined);
    }
    // off a run-time build, what the engine here cannot run is moved to a flag it can
    expect(spec({ extraction: 'cat-redirect', runFlag: 'init' }).runFlag).toBe('network-none');
  });

  it('makes a carried-over flag matter to a run-time build: -e is written into the program, -w holds the relative output', () => {
    const env = script(spec({ extraction: 'run-name', runFlag: 'env' }));
    expect(env).toMatch(/docker run --name \S+ -e CGO_ENABLED=0 -e ([A-Z]+)_VERSION=1\.4\.2 \S+ sh -c 'go build -o \/out\/(\w+) \. && echo "# version \$\1_VERSION" >> \/out\/\2'/);
    expect(script(spec({ extraction: 'mount-build', runFlag: 'workdir' }))).toMatch(/ -w \/out \S+ go build -o (\w+) \/\S+\n/);
    expect(script(spec({ extraction: 'run-name', runFlag: 'entrypoint' }))).toMatch(/ --entrypoint go \S+ build -o \/out\/\w+ \.\n/);
    // the image's own CMD builds `.`: run where it was written for
    expect(script(spec({ extraction: 'run-name', builderJsonCmd: true, runFlag: 'workdir', builderWorkdir: '/src' }))).toMatch(/ -w \/src \S+\n/);
    // a flag that would stop the old pipeline from running at all is moved to one that does not
    expect(spec({ extraction: 'run-name', runFlag: 'read-only' }).runFlag).toBe('init');
    expect(spec({ extraction: 'tar-pipe', runFlag: 'tty' }).runFlag).toBe('interactive');
    expect(spec({ extraction: 'run-name', runFlag: 'tty' }).runFlag).toBe('interactive');
    expect(spec({ extraction: 'create-cp', runFlag: 'tty' }).runFlag).toBe('none');
  });

  it('feeds a run-time build its steps on standard input, or gives them as arguments beside an unread input', () => {
    const shapes: Record<string, RegExp> = {
      redirect: /^docker run -i --name \S+ .*\S+ sh < steps\.sh$/m,
      heredoc: /^docker run -i --name \S+ .*\S+ sh <<'EOF'\ngo build -o \/out\/\w+ \.\nEOF$/m,
      pipe: /^cat steps\.sh \| docker run -i --name \S+ .*\S+ sh$/m,
      start: /^docker create -i --name (\S+) .*\S+ sh\ndocker start -ai \1 < steps\.sh$/m,
      'plain-redirect': /^docker run --name \S+ .*\S+ go build -o \/out\/\w+ \. < steps\.sh$/m,
      'plain-pipe': /^cat steps\.sh \| docker run --name \S+ .*\S+ go build -o \/out\/\w+ \.$/m,
    };
    expect(Object.keys(shapes).sort()).toEqual(FEATURES.stdinFeed.filter((f) => f !== 'none').sort());
    for (const [feed, shape] of Object.entries(shapes)) {
      const s = spec({ extraction: 'run-name', stdinFeed: feed as RepoSpec['stdinFeed'] });
      expect(script(s), feed).toMatch(shape);
      expect(file(s, /^steps\.sh$/), feed).toBe(feed === 'heredoc' ? '' : 'set -e\ngo build -o /out/' + s.app + ' .\n');
      // the engine here has no `docker start`: the tool must refuse it unrun
      expect(render(s).mustRefuse, feed).toBe(feed === 'start' ? 'BUILD_AT_RUN_TIME' : undefined);
    }
    // only a run-time build reads steps; a Makefile has no here-document
    expect(spec({ extraction: 'cat-redirect', stdinFeed: 'pipe' }).stdinFeed).toBe('none');
    expect(spec({ extraction: 'run-name', driver: 'make', stdinFeed: 'heredoc' }).stdinFeed).toBe('redirect');
    expect(file(spec({ extraction: 'mount-build', driver: 'make', stdinFeed: 'pipe' }), /^Makefile$/)).toMatch(/\tcat steps\.sh \| docker run -i --rm -v "\$\$PWD\/out:\/out" .* sh\n/);
  });

  it('mounts a host folder holding a stale copy over the streamed path, or beside it', () => {
    const over = spec({ extraction: 'cat-redirect', volumeOver: 'over' });
    expect(script(over)).toMatch(/^docker run --rm -v "\$PWD\/cache:\/out" \S+ cat \/out\/\w+ > /m);
    expect(file(over, /^cache\//)).toContain('a stale copy from the cache');
    expect(script(spec({ extraction: 'cmd-cat', volumeOver: 'beside' }))).toMatch(/^docker run --rm -v "\$PWD\/cache:\/cache" \S+ > /m);
    expect(spec({ extraction: 'create-cp', volumeOver: 'over' }).volumeOver).toBe('none');
  });
});

describe('fuzz streams: after the build', () => {
  it('removes the builder image in the same sequence, with || true, or in the driver\'s clean, and the driver runs that clean', () => {
    const tag = /^docker build -t (\S+) -f /m.exec(script(base))![1]!;
    expect(script(spec({ builderRmi: 'same' }))).toMatch(new RegExp(`docker build -t \\S+:latest \\.\\n(.*\\n)*docker rmi ${tag}\\n`));
    expect(script(spec({ builderRmi: 'or-true' }))).toContain(`\ndocker rmi ${tag} || true\n`);
    const branch = spec({ builderRmi: 'elsewhere' });
    expect(script(branch)).toContain(`\ncase "\${1:-build}" in\nclean)\n  docker rmi ${tag}\n  exit 0\n  ;;\nesac\n`);
    expect(script(base)).not.toContain('docker rmi');
    expect(render(branch).later).toEqual([{ kind: 'script', script: 'build.sh', args: ['clean'] }]);
    const make = spec({ driver: 'make', builderRmi: 'elsewhere' });
    expect(file(make, /^Makefile$/)).toMatch(new RegExp(`^\\.PHONY: image clean\\n(.*\\n)*clean:\\n\\tdocker rmi ${tag}\\n`, 'm'));
    expect(render(make).later).toEqual([{ kind: 'make', target: 'clean' }]);
    const npm = spec({ driver: 'npm', builderRmi: 'elsewhere' });
    expect(JSON.parse(file(npm, /^package\.json$/)).scripts.clean).toBe(`docker rmi ${tag}`);
    expect(render(npm).later).toEqual([{ kind: 'npm', script: 'clean' }]);
    // an npm chain's `|| true` would cover the whole chain
    expect(spec({ driver: 'npm', builderRmi: 'or-true' }).builderRmi).toBe('same');
    expect(spec({ extraction: 'stock-build', builderRmi: 'same' }).builderRmi).toBe('none');
    expect(spec({ extraction: 'inline-create', builderRmi: 'elsewhere' }).builderRmi).toBe('none');
  });

  it('splitList checksums the program through an unquoted variable the shell splits, in each driver\'s spelling, and every script passes sh -n', () => {
    const sh = script(spec({ driver: 'sh', artifact: 'file', dest: 'same', splitList: 'list' }));
    expect(sh).toMatch(/^KEEP="\S+ main\.go"; sha256sum \$KEEP > \w+\.sums$/m);
    expect(spawnSync('sh', ['-n'], { input: sh }).status).toBe(0);
    expect(file(spec({ driver: 'make', artifact: 'file', dest: 'same', splitList: 'list' }), /^Makefile$/)).toMatch(/^\tKEEP="\S+ main\.go"; sha256sum \$\$KEEP > \w+\.sums$/m);
    expect(JSON.parse(file(spec({ driver: 'npm', artifact: 'file', dest: 'same', splitList: 'list' }), /^package\.json$/)).scripts.image).toMatch(/KEEP="\S+ main\.go"; sha256sum \$KEEP > \w+\.sums/);
    expect(script(spec({ driver: 'sh', artifact: 'file', dest: 'same' }))).not.toContain('KEEP=');
    // the artifact is in use on the host: its folder is compared, no by-product
    const scratch = (splitList: RepoSpec['splitList']) => render(spec({ driver: 'sh', artifact: 'file', dest: 'same', splitList, hostUse: 'none', cleanup: false })).scratchPaths;
    expect(scratch('none')).toHaveLength(1);
    expect(scratch('list')).toEqual([]);
    expect(spec({ runner: 'github', splitList: 'list' }).splitList).toBe('none');
  });

  it('adds a sibling target that reads, removes or writes the artifact, runs it after the build, and keeps the artifact for it', () => {
    const lines: Record<string, RegExp> = { read: /^verify:\n\tsha256sum (\S+) > \w+\.sha256$/m, remove: /^distclean:\n\trm -f \S+$/m, write: /^restamp:\n\techo "# stamped" >> \S+$/m };
    expect(Object.keys(lines).sort()).toEqual(FEATURES.sibling.filter((f) => f !== 'none').sort());
    for (const [sibling, shape] of Object.entries(lines)) {
      const s = spec({ driver: 'make', artifact: 'file', dest: 'same', cleanup: true, hostUse: 'none', sibling: sibling as RepoSpec['sibling'] });
      const r = render(s);
      const makefile = file(s, /^Makefile$/);
      expect(makefile, sibling).toMatch(shape);
      expect(r.later, sibling).toEqual([{ kind: 'make', target: /^(\w+):/m.exec(makefile.split('\n\n').slice(-1)[0]!)![1] }]);
      // the image target leaves the artifact for it, and what is left is compared
      expect(makefile.split('\n\n').find((t) => t.startsWith('# Builds')), sibling).not.toMatch(/^\trm -f /m);
      expect(file(spec({ driver: 'make', artifact: 'file', dest: 'same', cleanup: true, hostUse: 'none' }), /^Makefile$/), sibling).toMatch(/^\trm -f /m);
      expect(r.scratchPaths, sibling).toEqual([]);
    }
    const npm = spec({ driver: 'npm', artifact: 'folder', sibling: 'read' });
    expect(JSON.parse(file(npm, /^package\.json$/)).scripts.verify).toMatch(/^find out -type f \| sort > \w+\.files$/);
    expect(spec({ driver: 'sh', sibling: 'read' }).sibling).toBe('none');
    // a file in a folder of its own goes with that folder
    expect(file(spec({ driver: 'make', artifact: 'file', dest: 'bin-dir', sibling: 'remove' }), /^Makefile$/)).toMatch(/^distclean:\n\trm -rf bin$/m);
  });

  it('writes every drawn shape as text the shell accepts', () => {
    let drawn = 0;
    for (let seed = 86000; seed < 86400; seed++) {
      const s = generate(seed);
      if (['runFlag', 'stdinFeed', 'volumeOver', 'builderRmi', 'sibling'].every((k) => s[k as keyof RepoSpec] === 'none')) continue;
      drawn += 1;
      for (const f of render(s).files) {
        const texts = f.path.endsWith('.sh') ? [f.content] : f.path === 'package.json' ? Object.values(JSON.parse(f.content).scripts as Record<string, string>) : [];
        for (const t of texts) expect(spawnSync(f.content.startsWith('#!/usr/bin/env bash') ? 'bash' : 'sh', ['-n'], { input: t, encoding: 'utf8' }).status, `seed ${seed} ${f.path}:\n${t}`).toBe(0);
      }
    }
    expect(drawn).toBeGreaterThan(100);
  }, 60_000);
});
