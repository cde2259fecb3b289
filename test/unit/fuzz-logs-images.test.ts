/**
 * The fuzzer's log and image draws (test/fuzz/log-features.ts, test/fuzz/image-features.ts):
 * each option writes the shape it claims (a redirect on a command of the pattern and what reads
 * it, a wrapper on every docker command, another build of the runtime Dockerfile, an image used
 * by its tag or id), the trial is told what to compare, run later and expect refused, the
 * stand-in sudo runs its command, and `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES, generate, normalize, PLAIN_LOGS_AND_IMAGES, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';

const base = normalize({ ...generate(6424), runner: 'script', driver: 'sh', extraction: 'create-cp', artifact: 'file', dest: 'bin-dir', vars: 'none', orGuard: 'none', hostUse: 'none', hostReach: 'none', twoSetups: 'none', runFlag: 'none', stdinFeed: 'none', volumeOver: 'none', builderRmi: 'none', sibling: 'none', tagUse: 'none', secondConsumer: false, sourceEdit: 'none', postProcess: 'none', dockerfileEdit: false, echo: false, cleanup: true, laterReader: 'none', remoteReader: 'none', releaseStep: 'none', preRuntimeTool: 'none', argAfterFrom: false, ...PLAIN_LOGS_AND_IMAGES, scriptFunction: 'none' });
const spec = (over: Partial<RepoSpec>) => normalize({ ...base, ...over } as RepoSpec);
const file = (s: RepoSpec, p: string) => render(s).files.find((f) => f.path === p)?.content ?? '';
const script = (s: RepoSpec) => file(s, 'build.sh');
const app = base.app;

describe('fuzz logs: a log a command of the pattern writes', () => {
  it('redirects the builder build, or the builder run whose output is not the artifact, into a log that is never compared', () => {
    const build = spec({ logWriter: 'build' });
    expect(script(build)).toMatch(new RegExp(`^docker build -t \\S+ -f \\S+ \\. > build\\.log 2>&1$`, 'm'));
    expect(render(build).scratchPaths).toEqual(['bin', 'build.log']);
    const run = spec({ logWriter: 'run', extraction: 'run-name' });
    expect(script(run)).toMatch(/^docker run --name \S+ -e CGO_ENABLED=0 \S+ go build -o \/out\/\w+ \. > test-report\.txt 2>&1$/m);
    expect(spec({ logWriter: 'run', extraction: 'mount-build' }).logWriter).toBe('run');
    // a copy out of a created container runs nothing: the build's log then; a stock run has no builder build
    expect(spec({ logWriter: 'run', extraction: 'create-cp' }).logWriter).toBe('build');
    expect(spec({ logWriter: 'build', extraction: 'stock-build' }).logWriter).toBe('run');
    expect(script(spec({ logWriter: 'build' }))).not.toMatch(/test-report/);
    expect(spec({ logReader: 'script' }).logReader).toBe('none');
  });

  it('reads it in the build, in a caller after it, or in a neighbour script run later', () => {
    const inScript = spec({ logWriter: 'build', logReader: 'script' });
    expect(script(inScript)).toMatch(/^docker build -t \S+:latest \.\ngrep -c \. build\.log\nrm -rf bin\n$/m);
    const caller = render(spec({ logWriter: 'build', logReader: 'caller' }));
    expect(caller.entry).toEqual({ kind: 'script', script: 'ci.sh' });
    expect(caller.files.find((f) => f.path === 'ci.sh')!.content).toBe('#!/bin/sh\nset -e\nsh build.sh\ngrep -c . build.log\n');
    const neighbour = spec({ logWriter: 'run', extraction: 'volume-cp', logReader: 'neighbour' });
    expect(file(neighbour, 'check-log.sh')).toMatch(/^wc -l < test-report\.txt$/m);
    expect(render(neighbour).later).toEqual([{ kind: 'script', script: 'check-log.sh' }]);
    // a caller runs a sh or bash script; a CI job is one entry here
    expect(spec({ logWriter: 'build', logReader: 'caller', driver: 'make' }).logReader).toBe('neighbour');
    expect(spec({ logWriter: 'build', logReader: 'neighbour', runner: 'github' }).logReader).toBe('script');
  });

  it('writes the log through a descriptor a sh or bash script opened at its top, truncating or appending', () => {
    const fd = script(spec({ logWriter: 'build', logReader: 'script', logVia: 'fd' }));
    expect(fd).toMatch(/^exec 3>build\.log$/m);
    expect(fd).toMatch(/^docker build -t \S+ -f \S+ \. >&3 2>&1$/m);
    expect(fd.indexOf('exec 3>build.log')).toBeLessThan(fd.indexOf('docker build'));
    expect(fd).toMatch(/^grep -q \. build\.log \|\| exit 3$/m);
    expect(spawnSync('sh', ['-n'], { input: fd, encoding: 'utf8' }).status, fd).toBe(0);
    expect(script(spec({ logWriter: 'run', extraction: 'run-name', logVia: 'fd-append' }))).toMatch(/^exec 3>>test-report\.txt\n[^]*go build -o \/out\/\w+ \. >&3 2>&1$/m);
    // (opened so only where it lasts past one command: a recipe line, an npm script, a CI step are shells of their own)
    expect(spec({ logWriter: 'build', logVia: 'fd', driver: 'make' }).logVia).toBe('redirect');
    expect(spec({ logWriter: 'build', logVia: 'fd', runner: 'github' }).logVia).toBe('redirect');
    expect(spec({ logWriter: 'none', logVia: 'fd' }).logVia).toBe('redirect');
    expect(script(spec({ logWriter: 'build', logVia: 'redirect' }))).not.toMatch(/exec 3|>&3/);
  });

  it('writes the log through a pipe into tee, a while loop, a brace group, a function or from a subshell, each a script sh reads', () => {
    const shapes: Record<string, RegExp> = {
      tee: /^docker build -t \S+ -f \S+ \. 2>&1 \| tee build\.log$/m,
      while: /^docker build -t \S+ -f \S+ \. 2>&1 \| while IFS= read -r l; do printf '%s\\n' "\$l" >> build\.log; done$/m,
      brace: /^docker build -t \S+ -f \S+ \. 2>&1 \| \{ cat > build\.log; \}$/m,
      function: /^docker build -t \S+ -f \S+ \. 2>&1 \| save_log$/m,
      subshell: /^\( docker build -t \S+ -f \S+ \. \) 2>&1 \| tee build\.log$/m,
    };
    for (const [logPipe, shape] of Object.entries(shapes)) {
      const text = script(spec({ logWriter: 'build', logReader: 'script', logPipe } as Partial<RepoSpec>));
      expect(text, logPipe).toMatch(shape);
      expect(text, logPipe).not.toMatch(/> build\.log 2>&1|>&3/);
      // (the build's log always holds lines: a missing or empty log fails the reader, even without errexit)
      expect(text, logPipe).toMatch(/^grep -q \. build\.log \|\| exit 3$/m);
      expect(spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' }).status, text).toBe(0);
    }
    const fn = script(spec({ logWriter: 'build', logPipe: 'function' }));
    expect(fn).toMatch(/^save_log\(\) \{ cat > build\.log; \}$/m);
    expect(fn.indexOf('save_log()')).toBeLessThan(fn.indexOf('docker build'));
    expect(script(spec({ logWriter: 'run', extraction: 'run-name', logPipe: 'tee' }))).toMatch(/go build -o \/out\/\w+ \. 2>&1 \| tee test-report\.txt$/m);
    // (a run may print nothing: a loop that reads no line never makes its file)
    expect(spec({ logWriter: 'run', extraction: 'run-name', logPipe: 'while' }).logPipe).toBe('tee');
    // (a pipe takes the place of the descriptor; only sh and bash scripts draw it)
    expect(spec({ logWriter: 'build', logVia: 'fd', logPipe: 'tee' }).logPipe).toBe('none');
    expect(spec({ logWriter: 'build', logPipe: 'tee', driver: 'make' }).logPipe).toBe('none');
    expect(spec({ logWriter: 'build', logPipe: 'tee', runner: 'github' }).logPipe).toBe('none');
    expect(spec({ logWriter: 'none', logPipe: 'tee' }).logPipe).toBe('none');
    // (a spec stored before the draw existed reads its plainest form)
    const stored = { ...base, logWriter: 'build' } as Record<string, unknown>;
    delete stored.logPipe;
    delete stored.logVia;
    expect(script(normalize(stored as RepoSpec))).toMatch(/^docker build -t \S+ -f \S+ \. > build\.log 2>&1$/m);
    expect(FEATURES.logPipe[0]).toBe('none');
  });

  it('leaves the caller of hostReach as it was when the log is not read there', () => {
    const ci = (s: RepoSpec) => file(s, 'ci.sh');
    expect(ci(spec({ hostReach: 'caller', logWriter: 'build' }))).toBe(`#!/bin/sh\nset -e\nsh build.sh\n./bin/${app} > run.log\n`);
    expect(ci(spec({ hostReach: 'caller', logWriter: 'build', logReader: 'caller' }))).toBe(`#!/bin/sh\nset -e\nsh build.sh\n./bin/${app} > run.log\ngrep -c . build.log\n`);
  });
});

describe('fuzz images: how the pattern runs docker, and what else uses its images', () => {
  it('puts every docker command of the pattern under the wrapper (env: on builds only), and the trap as it was', () => {
    const words: Record<string, string> = { sudo: 'sudo ', 'sudo-E': 'sudo -E ', nice: 'nice -n 5 ', env: 'env DOCKER_BUILDKIT=0 ', timeout: 'timeout 600 ', command: 'command ' };
    expect(Object.keys(words).sort()).toEqual(FEATURES.engineWrapper.filter((f) => f !== 'none').sort());
    for (const [wrapper, w] of Object.entries(words)) {
      for (const extraction of ['id-var', 'inline-create', 'tar-pipe', 'create-cp'] as const) {
        const s = spec({ engineWrapper: wrapper as RepoSpec['engineWrapper'], extraction, trapCleanup: extraction === 'create-cp' });
        const text = script(s);
        const docker = text.match(/(?:^|\$\(|[^'] *)(?:\S+ )*docker \w+/gm)!;
        expect(docker.length, `${wrapper} ${extraction}`).toBeGreaterThan(1);
        for (const line of text.split('\n').filter((l) => / ?docker (build|create|cp|rm|run|container)\b/.test(l) && !l.startsWith('trap '))) {
          const builds = line.includes('docker build');
          if (wrapper !== 'env' || builds) expect(line, `${wrapper} ${extraction}`).toContain(`${w}docker `);
          else expect(line, `${wrapper} ${extraction}`).not.toContain(w);
        }
        expect(text.match(/^trap '.*$/m)?.[0] ?? '', wrapper).not.toContain(w);
        expect(spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' }).status, text).toBe(0);
      }
    }
  });

  it('has a sudo on the trials\' PATH that runs its command past sudo\'s flags', () => {
    const sudo = path.join(__dirname, '..', 'fuzz', 'bin', 'sudo');
    const r = spawnSync(sudo, ['-E', '-u', 'root', 'sh', '-c', 'echo "$0 $1"', 'a b', 'c'], { encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([0, 'a b c\n']);
  });

  it('builds the runtime Dockerfile again alike, later, with a build argument the builder declares, or from another context', () => {
    const same = render(spec({ runtimeRebuild: 'same' }));
    expect(same.files.find((f) => f.path === 'build.sh')!.content).toMatch(new RegExp(`^docker build -t ${app}:latest \\.\\ndocker build -t ${app}:dev \\.\\n`, 'm'));
    expect(same.finalTags).toEqual([`${app}:latest`, `${app}:dev`]);
    expect(same.refuseWith).toBeUndefined();
    // with the builder build's build argument, as the tool asks of a build alike (the runtime Dockerfile does not read it)
    expect(script(spec({ runtimeRebuild: 'same', argAfterFrom: true, buildArg: true }))).toMatch(new RegExp(`^docker build --build-arg BUILD_MODE=debug -t ${app}:dev \\.$`, 'm'));
    const later = render(spec({ runtimeRebuild: 'later' }));
    expect(later.later).toEqual([{ kind: 'script', script: 'dev-image.sh' }]);
    // it builds from the artifact the build left: no cleanup; merged, nothing reads what is left (a by-product then)
    expect(later.files.find((f) => f.path === 'build.sh')!.content).not.toMatch(/^rm -rf bin$/m);
    expect(later.scratchPaths).toEqual(['bin']);
    // nor does a release step move it away before (fuzz seed 7991: the old pipeline's later rebuild failed)
    expect(spec({ runtimeRebuild: 'later', releaseStep: 'move' }).releaseStep).toBe('install');
    expect(spec({ runtimeRebuild: 'same', releaseStep: 'move' }).releaseStep).toBe('move');
    const arg = spec({ runtimeRebuild: 'build-arg', argAfterFrom: true });
    expect(script(arg)).toMatch(new RegExp(`^docker build --build-arg BUILD_MODE=trace -t ${app}:dev \\.$`, 'm'));
    expect(file(arg, arg.builderFile)).toMatch(/^ARG BUILD_MODE=release$/m);
    expect(render(arg).refuseWith).toBe('RUNTIME_REBUILT');
    // without the builder's ARG, a build argument would reach nothing: another context then
    expect(spec({ runtimeRebuild: 'build-arg' }).runtimeRebuild).toBe('context');
    const context = render(spec({ runtimeRebuild: 'context' }));
    expect(context.files.find((f) => f.path === 'build.sh')!.content).toMatch(new RegExp(`^rm -rf ctx && mkdir ctx && cp -r bin ctx/\\ndocker build -t ${app}:dev -f Dockerfile ctx\\nrm -rf ctx\\n`, 'm'));
    expect(context.refuseWith).toBe('RUNTIME_REBUILT');
  });

  it('uses an image by its tag or id: a tag of the builder, a save or an inspect of the runtime image, its id file tagged again', () => {
    expect(script(spec({ imageUse: 'tag-builder' }))).toMatch(/^docker build -t (\S+) -f \S+ \.\ndocker tag \1 \w+:build-cache$/m);
    expect(render(spec({ imageUse: 'tag-builder' })).finalTags).toEqual([`${app}:latest`, `${app}:build-cache`]);
    const save = render(spec({ imageUse: 'save-runtime' }));
    expect(save.files.find((f) => f.path === 'build.sh')!.content).toContain(`docker save -o ${app}-image.tar ${app}:latest\n`);
    expect(save.scratchPaths).toContain(`${app}-image.tar`);
    const inspect = render(spec({ imageUse: 'inspect-runtime' }));
    expect(inspect.files.find((f) => f.path === 'build.sh')!.content).toContain(`docker image inspect --format '{{json .Config.Cmd}}' ${app}:latest > ${app}.cmd\n`);
    // (compared: the command is the image's own, the same in both)
    expect(inspect.scratchPaths).toEqual(['bin']);
    const iid = render(spec({ imageUse: 'iidfile' }));
    expect(iid.files.find((f) => f.path === 'build.sh')!.content).toMatch(new RegExp(`^docker build --iidfile ${app}\\.iid -t ${app}:latest \\.\\ndocker tag "\\$\\(cat ${app}\\.iid\\)" ${app}:release$`, 'm'));
    expect(iid.finalTags).toEqual([`${app}:latest`, `${app}:release`]);
    const make = render(spec({ imageUse: 'iidfile', driver: 'make' }));
    expect(make.files.find((f) => f.path === 'Makefile')!.content).toContain(`\tdocker tag "$$(cat ${app}.iid)" ${app}:release\n`);
    expect(spec({ imageUse: 'tag-builder', extraction: 'stock-build' }).imageUse).toBe('inspect-runtime');
  });

  it('writes what it wrote before when every log and image feature is plain', () => {
    for (let seed = 100000; seed < 100040; seed++) {
      const drawn = generate(seed);
      // (a stream sink merging the errors into the file, or a sourced file naming the container, asks a refusal of its own: test/fuzz/stream-features.ts, test/fuzz/sourced-features.ts)
      const plain = normalize({ ...drawn, ...PLAIN_LOGS_AND_IMAGES, catSink: 'none', sourcedLib: 'none' });
      const r = render(plain);
      expect(r.files.some((f) => /build\.log|test-report|dev-image|check-log|--iidfile|:build-cache|docker save|sudo |timeout 600/.test(`${f.path}\n${f.content}`)), `seed ${seed}`).toBe(false);
      expect(r.refuseWith).toBeUndefined();
    }
  });
});
