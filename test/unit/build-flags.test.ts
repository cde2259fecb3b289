/**
 * Every docker build flag and every build-environment variable of the builder build is
 * classified (src/plan/build-flags.ts): dropped, harmless, carried to the final build, required
 * to be the same in both builds, or refused. Each entry of the table is checked here through
 * a whole plan.
 */
import { describe, expect, it } from 'vitest';
import { BUILD_FLAG_NAMES } from '../../src/model/docker-command.js';
import { BUILD_ENV, BUILD_FLAGS } from '../../src/plan/build-flags.js';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine\nCOPY app /app\n';

function script(builderFlags: string, runtimeFlags = '', prelude = '', builderPrefix = '', runtimePrefix = ''): string {
  return `#!/bin/sh\nset -e\n${prelude}${builderPrefix}docker build ${builderFlags} -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\n${runtimePrefix}docker build ${runtimeFlags} -t app:latest .\n`;
}

function plan(sh: string, runtime = RUNTIME) {
  const p = planFiles({ 'build.sh': sh, 'Dockerfile.build': BUILDER, Dockerfile: runtime });
  const s = p.setups[0]!;
  return { errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), script: p.changes.find((c) => c.path === 'build.sh')?.after ?? null };
}

/** A value each valued flag accepts. */
const SAMPLE: Record<string, string> = {
  '--build-arg': 'GOFLAGS=-mod=vendor', '--label': 'team=core', '--annotation': 'a=b', '--platform': 'linux/arm64', '--network': 'host',
  '--cache-from': 'type=registry,ref=app:cache', '--cache-to': 'type=local,dest=/tmp/cache', '--iidfile': 'id.txt', '--secret': 'id=npm,src=.npmrc',
  '--ssh': 'default', '--progress': 'plain', '--output': 'type=local,dest=out', '--build-context': 'tools=../tools', '--add-host': 'proxy:10.0.0.1',
  '--shm-size': '256m', '--memory': '2g', '--memory-swap': '3g', '--cpu-shares': '512', '--cpuset-cpus': '0', '--cpuset-mems': '0',
  '--cpu-period': '100000', '--cpu-quota': '50000', '--cgroup-parent': 'build', '--isolation': 'default', '--ulimit': 'nofile=1024:1024',
  '--security-opt': 'seccomp=unconfined', '--allow': 'network.host', '--attest': 'type=sbom', '--sbom': 'true', '--provenance': 'false',
  '--metadata-file': 'meta.json', '--builder': 'ci', '--call': 'check',
};

describe('the build flag table', () => {
  it('classifies every flag the reader knows, and only those', () => {
    expect(Object.keys(BUILD_FLAGS).sort()).toEqual(BUILD_FLAG_NAMES.map((f) => f.name).sort());
  });

  const own = new Set(['--tag', '--file', '--target']);
  for (const { name, valued } of BUILD_FLAG_NAMES.filter((f) => !own.has(f.name))) {
    const treatment = BUILD_FLAGS[name]!;
    const flag = valued ? `${name}=${SAMPLE[name] ?? 'x'}` : name;
    it(`${flag}: ${treatment}`, () => {
      const alone = plan(script(flag));
      const both = plan(script(flag, flag));
      switch (treatment) {
        case 'drop':
        case 'harmless':
          expect(alone.errors).toEqual([]);
          expect(alone.script).not.toContain(name);
          break;
        case 'carry':
        case 'run':
        case 'pull':
        case 'mount':
        case 'build-arg':
          expect(alone.errors).toEqual([]);
          expect(alone.script).toMatch(new RegExp(`docker build ${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +-t app:latest`));
          break;
        case 'same':
        case 'context':
          // --platform of the builder build alone becomes FROM --platform on its stage (./builder-platform.test.ts).
          if (name === '--platform') expect(alone.errors).toEqual([]);
          else expect(alone.errors).toEqual(['FLAG_CONFLICT']);
          expect(both.errors).toEqual([]);
          if (treatment === 'same') expect(plan(script('', flag)).errors).toEqual(['FLAG_CONFLICT']);
          break;
        case 'output':
          expect(alone.errors).toEqual(['UNSUPPORTED_BUILD_FLAG']);
          break;
      }
    });
  }

  it('--ulimit and --shm-size of the builder are refused when a RUN of the runtime file would now run with them', () => {
    const runtime = 'FROM alpine\nRUN ulimit -n > /limits\nCOPY app /app\n';
    for (const flag of ['--ulimit nofile=1024:1024', '--shm-size=2g']) {
      expect(plan(script(flag), runtime).errors).toEqual(['FLAG_CONFLICT']);
      expect(plan(script(flag, flag), runtime).errors).toEqual([]);
    }
    expect(plan(script('--ulimit nofile=1024:1024', '--ulimit nproc=64'), runtime).errors).toContain('FLAG_CONFLICT');
  });

  it('--network and --add-host of the builder build alone are carried to a runtime file with no RUN, which nothing else of a build lets read them', () => {
    // FROM scratch + COPY + ENTRYPOINT: the merged build gives the network and hosts file to the builder's RUN alone, as before.
    const noRun = 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n';
    for (const flag of ['--network host', '--network=host', '--add-host proxy:10.0.0.1']) {
      const p = plan(script(flag), noRun);
      expect(p.errors).toEqual([]);
      expect(p.script).toMatch(new RegExp(`docker build ${flag} +-t app:latest \\.`));
    }
    // A RUN of the runtime file would now run with them.
    const withRun = 'FROM alpine\nRUN wget -q -O /etc/motd http://proxy/motd\nCOPY app /app\n';
    for (const flag of ['--network host', '--add-host proxy:10.0.0.1']) expect(plan(script(flag), withRun).errors).toEqual(['FLAG_CONFLICT']);
    // Given to the runtime build alone, they reach the builder's RUN.
    expect(plan(script('', '--network host'), noRun).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('--network host', '--network none'), noRun).errors).toContain('FLAG_CONFLICT');
  });

  it('--ulimit of the runtime build only is refused: the builder\'s RUN would now run with it', () => {
    expect(plan(script('', '--ulimit nofile=1024:1024')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('', '--shm-size=1g')).errors).toEqual(['FLAG_CONFLICT']);
  });

  it('--pull is refused when the other file is based on an image the script builds on the host', () => {
    const base = 'docker build -t acme/base:local -f Dockerfile.base .\n';
    const p = (sh: string) => planFiles({ 'build.sh': sh, 'Dockerfile.build': BUILDER, 'Dockerfile.base': 'FROM alpine\nRUN adduser -D app\n', Dockerfile: 'FROM acme/base:local\nCOPY app /app\n' }).setups.find((s) => s.diagnostics.some((d) => d.code === 'FLAG_CONFLICT') || s.status === 'migrate');
    expect(p(script('--pull', '', base))!.diagnostics.map((d) => d.code)).toContain('FLAG_CONFLICT');
    expect(p(script('--pull', '--pull', base))!.status).toBe('migrate');
    expect(plan(script('--pull')).errors).toEqual([]);
  });

  it('global docker flags that choose the engine must be the same for both builds', () => {
    // The extraction runs where the builder build does.
    const sh = (b: string, r: string) =>
      script('').replace('docker build  -t app:build', `docker ${b} build -t app:build`).replace('docker build  -t app:latest', `docker ${r} build -t app:latest`).replace(/^docker (create|cp|rm) /gm, `docker ${b} $1 `);
    expect(plan(sh('-H tcp://ci:2375', '')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(sh('--context=arm', '--context amd')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(sh('', '--config /etc/ci')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(sh('-H tcp://ci:2375', '-H tcp://ci:2375')).errors).toEqual([]);
    expect(plan(sh('-l debug', '')).errors).toEqual([]);
    expect(plan(sh('-H "$A"', '-H "$B"')).errors).toEqual(['FLAG_CONFLICT']);
  });

  it('an extraction command run on another engine than the builder build is refused', () => {
    const sh = (g: string) => script('').replace('docker cp x:', `docker ${g} cp x:`);
    expect(plan(sh('-H tcp://ci:2375')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(sh('--log-level warn')).errors).toEqual([]);
  });

  it('--load stays on a builder build kept for another use of its image, and never reaches the final build', () => {
    const sh = script('--load').replace(/docker build/g, 'docker buildx build') + 'docker run --rm app:build go vet ./...\n';
    const r = plan(sh);
    expect(r.errors).toEqual([]);
    expect(r.script).toContain('docker buildx build --target builder --load -t app:build -f Dockerfile .\n');
    expect(r.script).toContain('docker buildx build  -t app:latest .\n');
  });

  it('--load does not reach the export build that writes an artifact the script still uses (buildx refuses it beside --output)', () => {
    const sh = script('--load').replace(/docker build/g, 'docker buildx build') + './app --version\n';
    const r = plan(sh);
    expect(r.errors).toEqual([]);
    expect(r.script).toContain('docker build --target export --output type=local,dest=. -f Dockerfile .\n');
  });

  it('--label of the builder never reaches the final image', () => {
    const r = plan(script('--label org.opencontainers.image.title=builder'));
    expect(r.errors).toEqual([]);
    expect(r.script).not.toContain('--label');
  });

  it('--secret is refused when the runtime Dockerfile mounts secrets it did not get', () => {
    expect(plan(script('--secret id=npm,src=.npmrc'), 'FROM alpine\nRUN --mount=type=secret,id=npm true\nCOPY app /app\n').errors).toEqual(['FLAG_CONFLICT']);
  });

  it('--cache-to type=inline given to the builder build alone is refused: the final image would hold the inline cache', () => {
    expect(plan(script('--cache-to type=inline')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('--cache-to=type=inline,mode=max')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('--cache-to "$CACHE_TO"')).errors).toEqual(['FLAG_CONFLICT']);
    // Given to both builds, or a cache exported elsewhere, it migrates.
    expect(plan(script('--cache-to type=inline', '--cache-to type=inline')).errors).toEqual([]);
    expect(plan(script('--cache-to type=local,dest=/tmp/cache')).errors).toEqual([]);
  });

  it('--secret or --ssh given to the runtime build alone is refused when the builder Dockerfile mounts that kind', () => {
    // A secret or SSH mount is optional by default: the old builder's RUN ran without it, and would now get it.
    const errors = (sh: string, builder: string) => planFiles({ 'build.sh': sh, 'Dockerfile.build': builder, Dockerfile: RUNTIME }).setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    const secret = 'FROM golang:1.21\nRUN --mount=type=secret,id=token sh -c "test -f /run/secrets/token && touch /tok; go build -o /out/app ."\n';
    expect(errors(script('', '--secret id=token,src=t.txt'), secret)).toEqual(['FLAG_CONFLICT']);
    expect(errors(script('', '--ssh default'), 'FROM golang:1.21\nRUN --mount=type=ssh go build -o /out/app .\n')).toEqual(['FLAG_CONFLICT']);
    // Given to both builds, or to a builder that mounts none, it migrates.
    expect(errors(script('--secret id=token,src=t.txt', '--secret id=token,src=t.txt'), secret)).toEqual([]);
    expect(errors(script('', '--secret id=token,src=t.txt'), BUILDER)).toEqual([]);
  });

  it('--build-arg NAME (value from the environment) must see the same environment', () => {
    expect(plan(script('--build-arg GOFLAGS', '', '', 'GOFLAGS=-mod=vendor ')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('--build-arg GOFLAGS', '', 'GOFLAGS=-mod=vendor\n')).errors).toEqual([]);
  });

  it('a runtime --build-context the new stage name would shadow', () => {
    expect(plan(script('', '--build-context builder=../vendor')).errors).toEqual(['STAGE_NAME_COLLISION']);
  });

  it('a context name is matched against stage names without case, and named as written', () => {
    const p = planFiles({ 'build.sh': script('', '--build-context=Builder=../vendor --build-context tools=../tools'), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME });
    const found = p.setups[0]!.diagnostics.filter((d) => d.code === 'STAGE_NAME_COLLISION');
    expect(found.map((d) => d.message)).toEqual(["the runtime build's --build-context Builder=… names a context that a stage of the merged file would now shadow"]);
    expect(found[0]!.hint).toMatch(/--stage-name NAME/);
    expect(plan(script('', '--build-context tools=../tools')).errors).toEqual([]);
  });

  it("a runtime --build-context named like an image the builder starts from would replace it in the builder stage", () => {
    // BuildKit resolves `FROM golang:1.21` through a named context of that name: merged, the compile would run on golang:1.22.
    expect(plan(script('', '--build-context golang:1.21=docker-image://golang:1.22')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('', '--build-context "$BASE=docker-image://golang:1.22"')).errors).toEqual(['FLAG_CONFLICT']);
    // The same context for both builds, or a name the builder does not resolve, changes nothing.
    expect(plan(script('--build-context golang:1.21=docker-image://golang:1.22', '--build-context golang:1.21=docker-image://golang:1.22')).errors).toEqual([]);
    expect(plan(script('', '--build-context golang=docker-image://golang:1.22')).errors).toEqual([]);
  });
});

describe('the build environment table', () => {
  it('DOCKER_DEFAULT_PLATFORM given to the builder build alone is refused; set for both, it migrates', () => {
    expect(plan(script('', '', '', 'DOCKER_DEFAULT_PLATFORM=linux/arm64 ')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('', '', 'export DOCKER_DEFAULT_PLATFORM=linux/arm64\n')).errors).toEqual([]);
  });

  it('`docker buildx build` beside a `docker build` that DOCKER_BUILDKIT=0 sends to the legacy builder is refused', () => {
    // buildx builds with BuildKit whatever DOCKER_BUILDKIT says: merged, the legacy builder would build the builder's stages.
    const buildx = (sh: string) => sh.replace('docker build  -t app:build', 'docker buildx build --load -t app:build');
    expect(plan(buildx(script('', '', 'export DOCKER_BUILDKIT=0\n'))).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(buildx(script('', '', 'export DOCKER_BUILDKIT="$MODE"\n'))).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('', '', 'export DOCKER_BUILDKIT=0\n').replace('docker build  -t app:latest', 'docker buildx build --load -t app:latest')).errors).toEqual(['FLAG_CONFLICT']);
    // Both with BuildKit, it migrates.
    expect(plan(buildx(script(''))).errors).toEqual([]);
    expect(plan(buildx(script('', '', 'export DOCKER_BUILDKIT=1\n'))).errors).toEqual([]);
  });

  it('DOCKER_BUILDKIT=0 for one build only is refused', () => {
    expect(plan(script('', '', '', 'DOCKER_BUILDKIT=0 ')).errors).toEqual(['FLAG_CONFLICT']);
    expect(plan(script('', '', '', '', 'DOCKER_BUILDKIT=0 ')).errors).toEqual(['FLAG_CONFLICT']);
  });

  it('the legacy builder for both builds: refused where the merge needs --chmod, migrated otherwise', () => {
    expect(plan(script('', '', 'export DOCKER_BUILDKIT=0\n')).errors).toEqual([]);
    const cat = `#!/bin/sh\nset -e\nexport DOCKER_BUILDKIT=0\ndocker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\nchmod 755 app\ndocker build -t app:latest .\n`;
    expect(plan(cat).errors).toEqual(['UNSUPPORTED_BUILD_FLAG']);
  });

  it('the legacy builder by any false value docker reads, or a value only known at run time: refused where the merge needs --chmod or an export build', () => {
    const cat = (value: string) => `#!/bin/sh\nset -e\nexport DOCKER_BUILDKIT=${value}\ndocker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\nchmod 755 app\ndocker build -t app:latest .\n`;
    for (const value of ['false', 'F', '"$(cat .buildkit)"']) expect(plan(cat(value)).errors, value).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    // An export build (the artifact is read on the host after the build) needs BuildKit too.
    const kept = (value: string) => script('', '', `export DOCKER_BUILDKIT=${value}\n`) + 'ls -l app\n';
    expect(plan(kept('"$BK"')).errors).toEqual(['UNSUPPORTED_BUILD_FLAG', 'UNSUPPORTED_BUILD_FLAG']);
    expect(plan(kept('true')).errors).toEqual([]);
    expect(plan(cat('1')).errors).toEqual([]);
  });

  it("a caller's DOCKER_BUILDKIT reaches the script's builds where it sets none: the legacy builder refuses where the merge needs --chmod", () => {
    const cat = `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\nchmod 755 app\ndocker build -t app:latest .\n`;
    const step = (env: string, run = './build.sh') => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n${env}    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;
    const withCaller = (files: Record<string, string>, sh = cat) => {
      const p = planFiles({ 'build.sh': sh, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...files });
      return p.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    };
    expect(withCaller({})).toEqual([]);
    expect(withCaller({ 'ci.sh': '#!/bin/sh\nDOCKER_BUILDKIT=0 ./build.sh\n' })).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    expect(withCaller({ 'ci.sh': '#!/bin/sh\nexport DOCKER_BUILDKIT=false\n./build.sh\n' })).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    // (through env, in a script or an npm script: the script runs with it as with the assignment)
    expect(withCaller({ 'ci.sh': '#!/bin/sh\nenv DOCKER_BUILDKIT=0 ./build.sh\n' })).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    expect(withCaller({ 'package.json': '{"scripts":{"image":"env -u CI DOCKER_BUILDKIT=0 sh build.sh"}}' })).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    expect(withCaller({ 'ci.sh': '#!/bin/sh\nenv DOCKER_BUILDKIT=1 ./build.sh\n' })).toEqual([]);
    expect(withCaller({ '.github/workflows/ci.yml': step('    env:\n      DOCKER_BUILDKIT: 0\n') })).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    expect(withCaller({ '.github/workflows/ci.yml': step('    env:\n      DOCKER_BUILDKIT: ${{ vars.BK }}\n') })).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    // BuildKit asked for, a variable not exported, or the script's own value: as before.
    expect(withCaller({ '.github/workflows/ci.yml': step('    env:\n      DOCKER_BUILDKIT: 1\n') })).toEqual([]);
    expect(withCaller({ 'ci.sh': '#!/bin/sh\nDOCKER_BUILDKIT=0\n./build.sh\n' })).toEqual([]);
    expect(withCaller({ 'ci.sh': '#!/bin/sh\nDOCKER_BUILDKIT=0 ./build.sh\n' }, cat.replace('set -e\n', 'set -e\nexport DOCKER_BUILDKIT=1\n'))).toEqual([]);
    const p = planFiles({ 'build.sh': cat, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'ci.sh': '#!/bin/sh\nDOCKER_BUILDKIT=0 ./build.sh\n' });
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'UNSUPPORTED_BUILD_FLAG')!.message).toContain('DOCKER_BUILDKIT=0 from a caller of the script (the legacy builder)');
  });

  it('display-only variables are harmless; unmodelled DOCKER_* variables are refused', () => {
    expect(BUILD_ENV.BUILDKIT_PROGRESS).toBe('harmless');
    expect(plan(script('', '', '', 'BUILDKIT_PROGRESS=plain ')).errors).toEqual([]);
    expect(plan(script('', '', '', 'DOCKER_SOMETHING_NEW=1 ')).errors).toEqual(['UNSUPPORTED_BUILD_FLAG']);
  });

  it('every "same" variable differing between the builds is refused; one choosing the engine must reach the extraction too', () => {
    // extractionEngines: `docker create` and `docker cp` would reach another engine's image of that name.
    const engine = new Set(['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY']);
    const steps = (name: string) => (engine.has(name) ? ['FLAG_CONFLICT'] : []);
    for (const [name, kind] of Object.entries(BUILD_ENV)) {
      if (kind !== 'same') continue;
      expect(plan(script('', '', '', `${name}=x `)).errors.sort(), name).toEqual([...steps(name), 'FLAG_CONFLICT'].sort());
      expect(plan(script('', '', '', `${name}=x `, `${name}=x `)).errors, name).toEqual(steps(name));
      // set for the whole script, every step sees it
      expect(plan(script('', '', `export ${name}=x\n`)).errors, name).toEqual([]);
    }
  });

  it('reads an `env` of assignments alone before docker as the command\'s own assignments', () => {
    const envBoth = (name: string, value = 'x') => script('', '', '', `env ${name}=${value} `, `env ${name}=${value} `);
    expect(plan(envBoth('DOCKER_DEFAULT_PLATFORM', 'linux/arm64')).errors).toEqual([]);
    expect(plan(envBoth('DOCKER_DEFAULT_PLATFORM', 'linux/arm64')).script).toContain('\nenv DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build  -t app:latest .\n');
    expect(plan(script('', '', '', 'env DOCKER_DEFAULT_PLATFORM=linux/arm64 ')).errors).toEqual(['FLAG_CONFLICT']);
    // the same variable set before env and by it: env's value is the one docker sees
    expect(plan(script('', '', '', 'DOCKER_DEFAULT_PLATFORM=linux/amd64 env DOCKER_DEFAULT_PLATFORM=linux/arm64 ', 'DOCKER_DEFAULT_PLATFORM=linux/arm64 ')).errors).toEqual([]);
    expect(plan(script('', '', '', 'env DOCKER_SOMETHING_NEW=1 ', 'env DOCKER_SOMETHING_NEW=1 ')).errors).toEqual(['UNSUPPORTED_BUILD_FLAG']);
    expect(plan(envBoth('DOCKER_BUILDKIT', '0')).errors).toEqual([]);
  });

  it('the extraction must reach the builder build\'s engine: its variables, as its global flags', () => {
    const extraction = (prefix: string) => `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\n${prefix}docker create --name x app:build\n${prefix}docker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n`;
    for (const prefix of ['DOCKER_HOST=tcp://ci:2375 ', 'env DOCKER_CONTEXT=arm64 ', 'DOCKER_CONFIG=/etc/ci/docker ']) {
      const p = planFiles({ 'build.sh': extraction(prefix), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME });
      const errors = p.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => [d.code, d.line]), prefix).toEqual([['FLAG_CONFLICT', 4]]);
      expect(errors[0]!.message).toContain(`\`${prefix}docker create --name x app:build\` runs with $`);
      expect(errors[0]!.message).toContain(`, the builder build with $`);
    }
    // a variable only builds read, or one of the client's display, does nothing to the extraction
    for (const prefix of ['DOCKER_BUILDKIT=0 ', 'env BUILDKIT_PROGRESS=plain ', 'DOCKER_DEFAULT_PLATFORM=linux/arm64 ']) {
      expect(plan(extraction(prefix)).errors, prefix).toEqual([]);
    }
    // one outside the table is not modelled
    const unknown = planFiles({ 'build.sh': extraction('DOCKER_SOMETHING_NEW=1 '), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME });
    expect(unknown.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['UNSUPPORTED_BUILD_FLAG', 4]]);
    // the script's own value, the same for every command, is the same engine
    expect(plan(`#!/bin/sh\nset -e\nexport DOCKER_HOST=tcp://ci:2375\n${extraction('').slice('#!/bin/sh\nset -e\n'.length)}`).errors).toEqual([]);
  });
});

describe('flags read in the folder the build runs in', () => {
  const moved = (builderFlags: string, runtimeFlags = '') =>
    `#!/bin/sh\nset -e\ncd sub\ndocker build ${builderFlags} -t app:build -f ../Dockerfile.build ..\ncd ..\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build ${runtimeFlags} -t app:latest .\n`;
  const SECRET = 'FROM golang:1.21\nARG DIR\nRUN --mount=type=secret,id=tok go build -o /out/app .\n';
  const run = (sh: string) => {
    const p = planFiles({ 'build.sh': sh, 'Dockerfile.build': SECRET, Dockerfile: RUNTIME, 'sub/token.txt': 'sub\n', 'token.txt': 'root\n' });
    return p.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
  };

  it('refuses a relative path, $PWD or a command substitution carried from a build run in another folder (podman: the secret read sub/token.txt, merged token.txt)', () => {
    for (const flags of ['--secret id=tok,src=token.txt', '--build-arg DIR=$PWD', '--build-arg DIR="$(cat VERSION)"', '--cache-from type=local,src=cache', '--ssh default=keys/id_rsa', '--build-context tools=tools']) {
      const errors = run(moved(flags));
      expect(errors.map((d) => [d.code, d.line]), flags).toEqual([['FLAG_CONFLICT', 4]]);
      expect(errors[0]!.message, flags).toContain('the builder build ran in sub/, the final build runs in the repository root');
    }
    // the final build's own flag of the same text reads its own folder's file too
    expect(run(moved('--secret id=tok,src=token.txt', '--secret id=tok,src=token.txt')).map((d) => d.code)).toEqual(['FLAG_CONFLICT']);
  });

  it('refuses a command between the builds that writes a file a builder flag names: merged, the flag is read after it (podman: the final build failed on the removed secret)', () => {
    const between = (cmd: string, flag = '--secret id=tok,src=token.txt') =>
      `#!/bin/sh\nset -e\necho "$TOKEN" > token.txt\ndocker build ${flag} -t app:build -f Dockerfile.build .\n${cmd}\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n`;
    for (const cmd of ['rm -f token.txt', 'echo other > token.txt']) {
      const errors = run(between(cmd));
      expect(errors.map((d) => [d.code, d.line]), cmd).toEqual([['BUILDER_INPUT_CHANGED', 5]]);
      expect(errors[0]!.message, cmd).toContain('which the builder reads (`--secret id=tok,src=token.txt`)');
    }
    expect(run(between('rm -rf keys', '--ssh default=keys/id_rsa')).map((d) => d.code)).toEqual(['BUILDER_INPUT_CHANGED']);
    // a path only known at run time, met by a write whose path is not known either
    expect(run(between('rm -f "$HOME/token.txt"', '--secret id=tok,src="$HOME/token.txt"')).map((d) => d.code)).toEqual(['BUILDER_INPUT_CHANGED']);
    expect(run(between('rm -f /tmp/token.txt', '--secret id=tok,src="$HOME/token.txt"')).map((d) => d.code)).toEqual([]);
    // another file, or a secret from the environment
    expect(run(between('rm -f other.txt')).map((d) => d.code)).toEqual([]);
    expect(run(between('rm -f token.txt', '--secret id=tok,env=TOKEN')).map((d) => d.code)).toEqual([]);
  });

  it('refuses a secret taken from a variable that has another value at the final build (podman: the artifact held first, merged second)', () => {
    const env = (flag: string, between: string) =>
      `#!/bin/sh\nset -e\nexport TOKEN=first\ndocker build ${flag} -t app:build -f Dockerfile.build .\n${between}\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n`;
    for (const flag of ['--secret id=tok,env=TOKEN', '--secret id=TOKEN', '--secret type=env,id=tok,src=TOKEN']) {
      const errors = run(env(flag, 'export TOKEN=second'));
      expect(errors.map((d) => [d.code, d.line]), flag).toEqual([['FLAG_CONFLICT', 4]]);
      expect(errors[0]!.message, flag).toContain('takes its value from $TOKEN, which is "first" for the builder build but "second" for the final build');
      expect(run(env(flag, 'echo unchanged')).map((d) => d.code), flag).toEqual([]);
    }
  });

  it('carries what reads the same from any folder', () => {
    for (const flags of ['--secret id=tok,src=/run/token.txt', '--build-arg DIR=sub', '--cache-from type=registry,ref=app:cache', '--ssh default', '--secret id=tok,env=TOKEN']) {
      expect(run(moved(flags)).map((d) => d.code), flags).toEqual([]);
    }
    // the same folder: the path reads the same file
    expect(plan(script('--secret id=tok,src=token.txt')).errors).toEqual([]);
  });
});
