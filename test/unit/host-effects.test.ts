/**
 * The host-effects pass, planned on in-memory repositories: each command that stays is
 * dropped with the setup when it only served the removed steps, left alone when it is
 * harmless, or refuses the setup with a code when it would break or change the result.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const RUN = 'docker build -t app:latest .';

/** A repository whose build.sh is the given lines, after `#!/bin/sh` and `set -eu`. */
const repo = (lines: string[], over: Record<string, string> = {}) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -eu', ...lines, ''].join('\n'),
  ...over,
});

const migrates = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(plan.setups[0]!.status).toBe('migrate');
  return { out: applied(files, plan), notes: plan.setups[0]!.notes };
};

const refused = (files: Record<string, string>, code: string, line?: number) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  expect(plan.setups[0]!.status).toBe('refused');
  expect(plan.changes).toEqual([]);
  const d = plan.setups[0]!.diagnostics.find((x) => x.code === code);
  expect(d, `expected ${code} in ${JSON.stringify(plan.setups[0]!.diagnostics)}`).toBeDefined();
  expect(d!.severity).toBe('error');
  if (line !== undefined) expect(d!.line).toBe(line);
  return d!;
};

const EXTRACT = ['docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x'];

describe('host effects: references to what the migration removes (item 2)', () => {
  it('a trap that only removes the removed container goes, and so does a test that only guarded a removed copy', () => {
    const { out, notes } = migrates(repo([BUILD, 'cid=$(docker create app:build)', 'trap \'docker rm -f "$cid"\' EXIT', '[ -n "$cid" ] && docker cp "$cid":/out/app ./app', RUN, 'rm -f app']));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
    expect(notes.some((n) => n.includes('trap') && n.includes('so it goes'))).toBe(true);
  });

  it('`sudo docker rm NAME` and `docker stop NAME` of the removed container go', () => {
    const { out } = migrates(repo([BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker stop x', 'sudo docker rm -f x', RUN]));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
  });

  it('a second `docker rm -f NAME` after the final build, once the container was removed, goes: the final build is still the setup\'s', () => {
    const { out, notes } = migrates(repo([BUILD, ...EXTRACT, RUN, 'docker rm -f x']));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
    expect(notes.join('\n')).toContain('`docker rm -f x` (build.sh:8) only removed a container the migration no longer makes');
    // The container's only removal, after the final build (a cleanup at the end): it goes too.
    for (const rm of ['docker rm x', 'docker container rm -f x', 'docker stop x']) {
      expect(migrates(repo([BUILD, ...EXTRACT.slice(0, 2), RUN, rm])).out['build.sh'], rm).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
    }
  });

  it('a failure-tolerant `docker rm -f NAME || true` of a stale container stays; a trap doing that goes', () => {
    const { out } = migrates(repo(['docker rm -f x 2>/dev/null || true', BUILD, ...EXTRACT, RUN]));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\ndocker rm -f x 2>/dev/null || true\n${RUN}\n`);
    const trapped = migrates(repo(['trap \'docker rm -f x >/dev/null 2>&1 || true\' EXIT', BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN]));
    expect(trapped.out['build.sh']).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
  });

  it('`docker inspect NAME`, `docker logs NAME` and a use of the removed id refuse', () => {
    refused(repo([BUILD, ...EXTRACT.slice(0, 2), 'docker inspect x', EXTRACT[2]!, RUN]), 'REMOVED_NAME_USED', 6);
    refused(repo([BUILD, ...EXTRACT.slice(0, 2), 'docker logs --tail 5 x', EXTRACT[2]!, RUN]), 'REMOVED_NAME_USED', 6);
    refused(repo([BUILD, 'id=$(docker create app:build)', 'docker cp "$id":/out/app ./app', 'docker rm "$id"', RUN, 'echo "extracted with $id"']), 'REMOVED_NAME_USED', 8);
    // A test of the id that guards something else than the removed copy.
    refused(repo([BUILD, 'id=$(docker create app:build)', 'docker cp "$id":/out/app ./app', 'docker rm "$id"', '[ -n "$id" ] && echo ok', RUN]), 'REMOVED_NAME_USED', 7);
  });

  it('the name made anew by a kept command after the runtime build is that container\'s: uses of it stay', () => {
    const { out } = migrates(repo([BUILD, ...EXTRACT, RUN, 'docker create --name x app:latest', 'docker inspect --format "{{.Config.Image}}" x > image.txt', 'docker rm x']));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\n${RUN}\ndocker create --name x app:latest\ndocker inspect --format "{{.Config.Image}}" x > image.txt\ndocker rm x\n`);
    // before it is made anew, or where the old script never removed its own (the name was taken), they refuse
    refused(repo([BUILD, ...EXTRACT, RUN, 'docker logs x', 'docker create --name x app:latest']), 'REMOVED_NAME_USED', 8);
    refused(repo([BUILD, ...EXTRACT.slice(0, 2), RUN, 'docker create --name x app:latest', 'docker logs x']), 'REMOVED_NAME_USED', 8);
  });

  it('removing the command that ended the script refuses where an `&&`/`||` list would end it instead (its failing test would fail the script)', () => {
    const d = refused(repo([BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN, '[ -n "${CI:-}" ] && echo "built in CI"', 'docker rm x']), 'SCRIPT_EDIT_UNSAFE', 7);
    expect(d.message).toContain('would now end build.sh');
    for (const end of ['echo done', '[ -n "${CI:-}" ] && echo ci || true', 'docker push app:latest || exit 1', 'true && echo ok']) {
      migrates(repo([BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN, end, 'docker rm x']));
    }
    // the same `&&` chain as the removed command
    migrates(repo([`${BUILD} && docker create --name x app:build && docker cp x:/out/app ./app && ${RUN} && docker rm x`]));
  });

  it('a listing of containers kept after the extraction refuses (it could show the container); one only printed, or before, stays', () => {
    const NO_RM = EXTRACT.slice(0, 2);
    refused(repo([BUILD, ...NO_RM, RUN, 'docker ps -a --filter name=x --format "{{.Names}}" > left.txt']), 'REMOVED_NAME_USED', 7);
    refused(repo([BUILD, ...NO_RM, RUN, 'docker container ls -aq | xargs docker inspect > all.json']), 'REMOVED_NAME_USED', 7);
    migrates(repo([BUILD, ...EXTRACT, RUN, 'docker ps -a']));
    migrates(repo(['docker ps -a > before.txt', BUILD, ...EXTRACT, RUN]));
  });

  it('a trap that removes the container and exits with the status the script ended with goes whole', () => {
    for (const trap of ['rc=$?; docker rm -f x >/dev/null 2>&1; exit $rc', 'status=$?\ndocker rm -f x || true\nexit "$status"']) {
      const { out } = migrates(repo([`trap '${trap}' EXIT`, BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN]));
      expect(out['build.sh'], trap).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
    }
    // another status (the removal's, a fixed one), or the status kept after other work, is more than the removal
    for (const trap of ['docker rm -f x; exit $?', 'rc=$?; docker rm -f x; exit 1', 'docker rm -f x; rc=$?; exit $rc']) {
      refused(repo([`trap '${trap}' EXIT`, BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN]), 'REMOVED_NAME_USED', 3);
    }
  });

  it('a trap that removes the container together with other work refuses; an unrelated trap stays', () => {
    refused(repo(['trap \'docker rm -f x; rm -rf "$TMPDIR/w"\' EXIT', BUILD, ...EXTRACT, RUN]), 'REMOVED_NAME_USED', 3);
    const { out } = migrates(repo(['trap \'echo done\' EXIT', BUILD, ...EXTRACT, RUN]));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\ntrap 'echo done' EXIT\n${RUN}\n`);
  });

  it('an unquoted variable the shell splits into file names keeps the artifact on the host (an export build), not one file of the joined name', () => {
    // Read as one word `app README.md`, the tar named no artifact, the extraction went, and the migrated tar failed.
    const { out } = migrates(repo(['KEEP="app main.go"', BUILD, ...EXTRACT, RUN, 'tar czf release.tgz $KEEP']));
    expect(out['build.sh']).toContain('--output type=local,dest=.');
  });

  it('a trap reading the removed container by another verb (`docker logs x`) refuses', () => {
    const d = refused(repo(['trap \'docker logs x > build.log 2>&1\' EXIT', BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN]), 'REMOVED_NAME_USED', 3);
    expect(d.message).toContain('for more than removing it');
  });

  describe('a folder of the repository the script puts on PATH', () => {
    const WRAPPER = '#!/bin/sh\necho "$*" >> docker-calls.log\nexec /usr/bin/docker "$@"\n';
    it('holding a file named like a program the setup runs refuses (COMMAND_SHADOWED): that file runs instead', () => {
      const d = refused(repo(['export PATH="$PWD/tools:$PATH"', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
      expect(d.message).toContain('`docker` is found first in tools/, which PATH holds (build.sh:3): tools/docker runs instead');
      refused(repo(['PATH=./tools:$PATH', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
      refused(repo(['export PATH=$(pwd)/tools:$PATH', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
    });
    it('put there by a file the script sources, or by a CI step before the docker commands, refuses too', () => {
      const d = refused(repo(['. ./ci/env.sh', BUILD, ...EXTRACT, RUN], { 'ci/env.sh': 'export PATH="$PWD/ci/bin:$PATH"\n', 'ci/bin/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
      expect(d.message).toContain('(ci/env.sh:1, sourced at build.sh:3)');
      const steps = [BUILD, ...EXTRACT, RUN].map((l) => `          ${l}\n`).join('');
      const workflow = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          export PATH="$PWD/tools:$PATH"\n${steps}`;
      const plan = planFiles({ ...repo([]), 'build.sh': '', '.github/workflows/image.yml': workflow, 'tools/docker': WRAPPER });
      const shadow = plan.setups.flatMap((x) => x.diagnostics).find((x) => x.code === 'COMMAND_SHADOWED');
      expect(shadow?.message).toContain('which PATH holds (.github/workflows/image.yml:7)');
    });
    it('named through a variable holding the script\'s folder, or under a value only known at run time ending in such a folder, refuses', () => {
      const d = refused(repo(['DIR=$(cd "$(dirname "$0")" && pwd)', 'export PATH="$DIR/tools:$PATH"', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 5);
      expect(d.message).toContain('`docker` is found first in tools/, which PATH holds (build.sh:4)');
      const u = refused(repo(['export PATH="$ROOT/tools:$PATH"', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
      expect(u.message).toContain('`docker` may be found first in tools/: PATH holds a folder only known at run time ending in `tools` (build.sh:3)');
      refused(repo(['PATH="$(git rev-parse --show-toplevel)/tools:$PATH"', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
    });
    it('a Makefile exporting PATH with a folder of the repository refuses (make runs the recipes with it: checked with GNU make 4.3)', () => {
      const make = (head: string) => ({ ...repo([]), 'build.sh': '', Makefile: `${head}\nimage:\n${[BUILD, ...EXTRACT, RUN].map((l) => `\t${l}`).join('\n')}\n`, 'tools/docker': WRAPPER });
      const codes = (head: string) => planFiles(make(head)).setups.map((x) => [x.status, ...x.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
      expect(codes('export PATH := $(CURDIR)/tools:$(PATH)\n')).toEqual([['refused', 'COMMAND_SHADOWED']]);
      expect(codes('PATH := $(shell pwd)/tools:$(PATH)\nexport PATH\n')).toEqual([['refused', 'COMMAND_SHADOWED']]);
      expect(codes('export PATH := $(TOOLS_ROOT)/tools:$(PATH)\n')).toEqual([['refused', 'COMMAND_SHADOWED']]);
      // not exported, after the PATH make started with, or outside the repository: the machine's docker runs
      expect(codes('PATH := $(CURDIR)/tools:$(PATH)\n')).toEqual([['migrate']]);
      expect(codes('export PATH := $(PATH):$(CURDIR)/tools\n')).toEqual([['migrate']]);
      expect(codes('export PATH := /opt/tools/bin:$(HOME)/.local/bin:$(PATH)\n')).toEqual([['migrate']]);
    });
    it('put there by a caller of the script (its own PATH, the PATH it gives the call, its CI file\'s), refuses: the script inherits it', () => {
      const called = (files: Record<string, string>) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'tools/docker': WRAPPER, ...files }).setups.map((x) => [x.status, ...x.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
      for (const caller of ['export PATH="$PWD/tools:$PATH"\n./build.sh\n', 'PATH="$(pwd)/tools:$PATH"; sh build.sh\n', 'PATH="$PWD/tools:$PATH" ./build.sh\n', 'env PATH=tools:/usr/bin:/bin ./build.sh\n']) {
        expect(called({ 'ci.sh': `#!/bin/sh\n${caller}` }), caller).toEqual([['refused', 'COMMAND_SHADOWED']]);
      }
      expect(called({ Makefile: 'export PATH := $(CURDIR)/tools:$(PATH)\n\nimage:\n\t./build.sh\n' })).toEqual([['refused', 'COMMAND_SHADOWED']]);
      expect(called({ '.github/workflows/ci.yml': 'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    env:\n      PATH: tools:/usr/bin:/bin\n    steps:\n      - run: ./build.sh\n' })).toEqual([['refused', 'COMMAND_SHADOWED']]);
      const d = planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'tools/docker': WRAPPER, 'ci.sh': '#!/bin/sh\nexport PATH="$PWD/tools:$PATH"\n./build.sh\n' }).setups[0]!.diagnostics.find((x) => x.code === 'COMMAND_SHADOWED')!;
      expect(d.message).toContain('`docker` is found first in tools/, which PATH holds (ci.sh:2)');
      // A function the caller exports (`export -f docker`): a bash started for the script imports it.
      const exported = planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': '#!/bin/bash\ndocker() { echo "docker $*" >> calls.log; command docker "$@"; }\nexport -f docker\n./build.sh\n' }).setups[0]!;
      expect(exported.diagnostics.find((x) => x.code === 'COMMAND_SHADOWED')!.message).toContain('`docker` is a function a caller exports to it (`export -f`, before its call at ci.sh:4)');
      expect(called({ 'ci.sh': '#!/bin/bash\nlint() { shellcheck "$@"; }\nexport -f lint\n./build.sh\n' })).toEqual([['migrate']]);
      // after the PATH it started with, or no such file: the machine's docker runs
      expect(called({ 'ci.sh': '#!/bin/sh\nexport PATH="$PATH:$PWD/tools"\n./build.sh\n' })).toEqual([['migrate']]);
      expect(called({ 'ci.sh': '#!/bin/sh\nexport PATH="$PWD/bin:$PATH"\n./build.sh\n' })).toEqual([['migrate']]);
    });
    it('bash\'s `hash -p FILE docker` binds the name to a file: refuses', () => {
      const d = refused(repo(['hash -p ./tools/docker docker', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }), 'COMMAND_SHADOWED', 4);
      expect(d.message).toContain("a file bash's `hash -p` binds to the name (build.sh:3)");
      migrates(repo(['hash -r', 'hash -p /usr/bin/git git', BUILD, ...EXTRACT, RUN]));
    });
    it('after the PATH the shell started with, or holding no such file, changes nothing', () => {
      migrates(repo(['export PATH="$ROOT/tools:$HOME/.local/bin:$(go env GOPATH)/bin:$PATH"', BUILD, ...EXTRACT, RUN], { 'ci/docker': WRAPPER }));
      migrates(repo(['export PATH="$PATH:$PWD/tools"', BUILD, ...EXTRACT, RUN], { 'tools/docker': WRAPPER }));
      migrates(repo(['export PATH="$PWD/tools:$PATH"', BUILD, ...EXTRACT, RUN], { 'tools/lint': '#!/bin/sh\n' }));
      migrates(repo(['export PATH="$HOME/.local/bin:/opt/docker/bin:$PATH"', BUILD, ...EXTRACT, RUN]));
    });
  });

  describe('a file the script sources stays in its shell, and the tool does not edit it', () => {
    const sourcing = (lib: string, lines: string[]) => repo(['. ./lib.sh', ...lines], { 'lib.sh': lib });
    it('its function removing the removed container refuses, at its line there, even where the script\'s own would go', () => {
      const d = refused(sourcing('log() { echo "$*"; }\ndrop() {\n  docker rm x\n}\n', [BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN, 'drop']), 'REMOVED_NAME_USED', 3);
      expect(d.file).toBe('lib.sh');
      expect(d.message).toContain('in lib.sh, which `. ./lib.sh` at build.sh:3 sources');
      migrates(repo(['drop() {', '  docker rm x', '}', BUILD, 'docker create --name x app:build', 'docker cp x:/out/app ./app', RUN, 'drop']));
    });
    it('its trap on the removed container refuses; its use of a removed id refuses', () => {
      refused(sourcing("trap 'docker rm -f x' EXIT\n", [BUILD, ...EXTRACT, RUN]), 'REMOVED_NAME_USED', 1);
      refused(sourcing('show() { echo "built from $id"; }\n', [BUILD, 'id=$(docker create app:build)', 'docker cp "$id":/out/app ./app', 'docker rm "$id"', RUN, 'show']), 'REMOVED_NAME_USED', 1);
    });
    it('its function or alias named like a program the setup runs refuses (COMMAND_SHADOWED); other helpers and settings do not', () => {
      const d = refused(sourcing('docker() { command docker "$@"; }\n', [BUILD, ...EXTRACT, RUN]), 'COMMAND_SHADOWED', 4);
      expect(d.message).toContain('a function lib.sh defines (sourced at build.sh:3)');
      refused(sourcing("alias docker='docker --log-level=debug'\n", [BUILD, ...EXTRACT, RUN]), 'COMMAND_SHADOWED', 4);
      const { out } = migrates(sourcing('export REGISTRY=registry.example.com\nlog() { echo "[build] $*"; }\n', ['log start', BUILD, ...EXTRACT, RUN]));
      expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\n. ./lib.sh\nlog start\n${RUN}\n`);
    });
  });

  it('`sudo docker run` of the builder image keeps the builder build, as any program handed the tag does', () => {
    const { out, notes } = migrates(repo([BUILD, ...EXTRACT, RUN, 'sudo docker run --rm app:build go test ./...']));
    expect(out['build.sh']).toBe('#!/bin/sh\nset -eu\ndocker build --target builder -t app:build -f Dockerfile .\ndocker build -t app:latest .\nsudo docker run --rm app:build go test ./...\n');
    expect(notes.join('\n')).toContain('is still used by `sudo docker run --rm app:build go test ./...` (build.sh:8)');
  });
});

describe('host effects: host post-processing between extraction and runtime build (item 4)', () => {
  // (an octal chmod of a file the builder proves one is migrated with --chmod: test/unit/inner-modes.test.ts)
  for (const step of ['chmod u+x app', 'chmod 4755 app', 'strip app', 'upx -9 app', "sed -i 's/dev/prod/' app", 'echo "# v1" >> app', 'cp other.bin app', './scripts/sign.sh app', 'rm -f app', 'cp -r assets .', 'tar -xf extra.tar']) {
    it(`\`${step}\` refuses`, () => {
      refused(repo([BUILD, ...EXTRACT, step, RUN]), 'HOST_POSTPROCESS', 7);
    });
  }

  it('reading the artifact (a checksum) migrates with an export stage; unrelated steps are left alone', () => {
    const { out } = migrates(repo([BUILD, ...EXTRACT, 'sha256sum app > app.sha256', 'go vet ./...', 'echo built', RUN]));
    expect(out['build.sh']).toContain('docker build --target export --output type=local,dest=. -f Dockerfile .\nsha256sum app > app.sha256\ngo vet ./...\necho built\n');
  });

  it('files put into the destination folder before the copy refuse; making and emptying it does not', () => {
    const folder = (pre: string[]) => repo([BUILD, ...pre, 'docker create --name x app:build', 'docker cp x:/out/. dist', 'docker rm x', RUN], { Dockerfile: 'FROM alpine:3.19\nCOPY dist /opt/app\n' });
    refused(folder(['mkdir -p dist', 'echo 1.0 > dist/VERSION']), 'HOST_POSTPROCESS', 5);
    refused(folder(['cp -r defaults dist']), 'HOST_POSTPROCESS', 4);
    const { out } = migrates(folder(['rm -rf dist', 'mkdir -p dist']));
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out /opt/app');
  });
});

describe('host effects: what the builder reads, written before the merged builder builds', () => {
  const BROAD = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
  it('a write between the builder build and the runtime build to a path the builder copies refuses', () => {
    refused(repo([BUILD, ...EXTRACT, 'echo "// built" >> main.go', RUN]), 'BUILDER_INPUT_CHANGED', 7);
    refused(repo([BUILD, 'git describe --tags > VERSION', ...EXTRACT, RUN], { 'Dockerfile.build': BROAD }), 'BUILDER_INPUT_CHANGED', 4);
    refused(repo([BUILD, ...EXTRACT, 'cp config.example config.json', RUN], { 'Dockerfile.build': BROAD }), 'BUILDER_INPUT_CHANGED', 7);
  });
  it('a program the tool does not model, between the two, refuses while the builder reads its context', () => {
    refused(repo([BUILD, ...EXTRACT, './scripts/stamp.sh', RUN]), 'BUILDER_INPUT_CHANGED', 7);
    refused(repo([BUILD, ...EXTRACT, 'npm run codegen', RUN], { 'Dockerfile.build': BROAD }), 'BUILDER_INPUT_CHANGED', 7);
    // A bind mount of the context is a read of all of it.
    const mount = 'FROM golang:1.21\nRUN --mount=type=bind,target=/src go build -o /out/app /src\n';
    refused(repo([BUILD, ...EXTRACT, './scripts/stamp.sh', RUN], { 'Dockerfile.build': mount }), 'BUILDER_INPUT_CHANGED', 7);
  });
  it('a container writing into the builder\'s context between the two builds refuses; a read-only mount does not', () => {
    refused(repo([BUILD, 'docker run --rm -v "$PWD/api":/out example/protoc:3 --go_out=/out api.proto', ...EXTRACT, RUN], { 'Dockerfile.build': BROAD }), 'BUILDER_INPUT_CHANGED', 4);
    // `docker cp` out of another container (read as a setup of its own, app:gen's): app:build's refuses.
    const plan = planFiles(repo([BUILD, 'docker create --name gen app:gen', 'docker cp gen:/gen/main.go ./main.go', 'docker rm gen', ...EXTRACT, RUN]));
    const own = plan.setups.find((x) => x.id === 'build.sh:3')!;
    expect(own.status).toBe('refused');
    expect(own.diagnostics.find((d) => d.code === 'BUILDER_INPUT_CHANGED')?.line).toBe(5);
    // Read-only, it is neither a stock toolchain build of the artifact nor a change to it.
    migrates(repo([BUILD, ...EXTRACT, 'docker run --rm -v "$PWD":/src:ro -w /src golang:1.21 go vet ./...', RUN], { 'Dockerfile.build': BROAD }));
  });
  it('writes the builder does not read, printing commands, and commands outside the two builds migrate', () => {
    migrates(repo([BUILD, ...EXTRACT, 'echo "built" > notes.txt', 'go vet ./...', 'git describe --tags', RUN]));
    migrates(repo(['./scripts/stamp.sh', 'git describe --tags > VERSION', BUILD, ...EXTRACT, RUN, './scripts/notify.sh'], { 'Dockerfile.build': BROAD }));
    // A builder that reads nothing from its context: a program not modelled there may still change the artifact (below).
    migrates(repo([BUILD, ...EXTRACT, 'echo built > notes.txt', RUN], { 'Dockerfile.build': 'FROM golang:1.21\nRUN mkdir -p /out && echo hi > /out/app\n' }));
  });
  it('a program the tool does not model, run between the extraction and the runtime build from a folder holding the artifact, refuses even when the builder reads nothing', () => {
    const nothing = { 'Dockerfile.build': 'FROM golang:1.21\nRUN mkdir -p /out && echo hi > /out/app\n' };
    const d = refused(repo([BUILD, ...EXTRACT, './scripts/stamp.sh', RUN], nothing), 'HOST_POSTPROCESS', 7);
    expect(d.message).toContain('runs a program the tool does not model from the repository root, which holds app');
    refused(repo([BUILD, ...EXTRACT, 'python3 tools/stamp.py', RUN], nothing), 'HOST_POSTPROCESS', 7);
    // run from a folder that does not hold it, or a program known to touch no file it is not given: it migrates
    migrates(repo([BUILD, ...EXTRACT, '(cd docs && ./render)', RUN], nothing));
    migrates(repo([BUILD, ...EXTRACT, 'git push origin main', RUN], nothing));
  });
});

describe('host effects: other consumers of the artifact (item 5)', () => {
  it('a second build whose Dockerfile copies the artifact refuses; one that does not read it migrates', () => {
    const debug = (copy: string) => repo([BUILD, ...EXTRACT, RUN, 'docker build -t app:debug -f Dockerfile.debug .', 'rm -f app'], { 'Dockerfile.debug': `FROM alpine:3.19\n${copy}\n` });
    refused(debug('COPY app /app'), 'ARTIFACT_SECOND_CONSUMER', 8);
    refused(debug('COPY . /src'), 'ARTIFACT_SECOND_CONSUMER', 8);
    refused(debug('COPY a* /src/'), 'ARTIFACT_SECOND_CONSUMER', 8);
    migrates(debug('COPY main.go /src/'));
  });

  it('another setup\'s builder naming the artifact refuses; one whose context merely holds it (COPY . .) does not', () => {
    const chained = (copy: string) => ({
      ...repo([BUILD, ...EXTRACT, RUN, 'docker build -t tool:build -f Dockerfile.tool .', 'docker create --name t tool:build', 'docker cp t:/out/tool ./tool', 'docker rm t', 'docker build -t tool:latest -f Dockerfile.toolrt .']),
      'Dockerfile.tool': `FROM golang:1.21\n${copy}\nRUN go build -o /out/tool .\n`,
      'Dockerfile.toolrt': 'FROM alpine:3.19\nCOPY tool /usr/local/bin/tool\n',
    });
    const named = planFiles(chained('COPY app /src/app'));
    expect(named.setups[0]!.diagnostics.map((d) => d.code)).toContain('ARTIFACT_SECOND_CONSUMER');
    const broad = planFiles(chained('COPY . /src'));
    expect(broad.setups[0]!.diagnostics.map((d) => d.code)).not.toContain('ARTIFACT_SECOND_CONSUMER');
  });

  it('a second build of the runtime Dockerfile builds the merged file, which copies from the stage too', () => {
    migrates(repo([BUILD, ...EXTRACT, RUN, 'docker build -t app:edge .', 'rm -f app']));
  });

  it('a GitHub Actions upload-artifact step reading more than the artifact refuses; one reading the artifact keeps it on the host', () => {
    const wf = (path: string) => ({
      'Dockerfile.build': BUILDER,
      Dockerfile: RUNTIME,
      'main.go': 'package main\n',
      '.github/workflows/image.yml': [
        'on: push',
        'jobs:',
        '  image:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        `      - run: ${BUILD}`,
        '      - run: |',
        ...EXTRACT.map((l) => `          ${l}`),
        `      - run: ${RUN}`,
        '      - uses: actions/upload-artifact@v4',
        '        with:',
        '          name: binary',
        `          path: ${path}`,
        '',
      ].join('\n'),
    });
    const d = refused(wf('.'), 'ARTIFACT_USED_ON_HOST', 16);
    expect(d.message).toContain('actions/upload-artifact@v4');
    expect(d.message).toContain('only a read of the artifact itself, of a path inside it, or of the folder it is written into (holding no script or Dockerfile the migration changes) is kept exact');
    const exported = planFiles(wf('app'));
    expect(exported.setups[0]!.status).toBe('migrate');
    expect(exported.changes.find((c) => c.path === 'Dockerfile')!.after).toMatch(/^FROM scratch AS export$/m);
    refused(wf('"*"'), 'ARTIFACT_USED_ON_HOST');
    refused(wf('${{ env.OUT }}'), 'ARTIFACT_USED_ON_HOST');
    expect(planFiles(wf('docs/')).setups[0]!.status).toBe('migrate');
  });
});

describe('host effects: Dockerfiles written at run time (item 6)', () => {
  for (const step of ["printf 'FROM alpine:3.19\\nCOPY app /app\\n' > Dockerfile", 'cp runtime.dockerfile Dockerfile', "sed -i 's/1.21/1.22/' Dockerfile.build", 'echo "**/*.md" >> .dockerignore']) {
    it(`\`${step}\` refuses`, () => {
      refused(repo([step, BUILD, ...EXTRACT, RUN]), 'DOCKERFILE_WRITTEN', 3);
    });
  }
  it('a here-document written over the runtime Dockerfile refuses', () => {
    refused(repo([BUILD, ...EXTRACT, 'cat > Dockerfile <<EOF', 'FROM alpine:3.19', 'COPY app /app', 'EOF', RUN]), 'DOCKERFILE_WRITTEN', 7);
  });
});

describe('host effects: volumes at the copied path, files copied in (items 15, 18)', () => {
  const withCreate = (create: string) => repo([BUILD, create, 'docker cp x:/out/app ./app', 'docker rm x', RUN]);
  it('a bind mount, a named or anonymous volume, or --mount at, over or under the copied path refuses', () => {
    for (const flags of ['-v "$PWD/out:/out"', '-v cache:/out', '-v /out', '--mount type=bind,source=./out,target=/out', '-v "$PWD/bin:/out/app"', '--mount type=volume,dst=/', '--volumes-from data', '--tmpfs /out/app']) {
      expect(planFiles(withCreate(`docker create ${flags} --name x app:build`)).setups[0]!.diagnostics.map((d) => d.code), flags).toContain('ARTIFACT_VOLUME');
      refused(withCreate(`docker create ${flags} --name x app:build`), 'ARTIFACT_VOLUME', 4);
    }
  });
  it('a volume elsewhere in the container is harmless', () => {
    migrates(withCreate('docker create -v cache:/root/.cache --name x app:build'));
  });
  it('copying host files into the container before the extraction refuses', () => {
    refused(repo([BUILD, 'docker create --name x app:build', 'docker cp config.json x:/out/config.json', 'docker cp x:/out/app ./app', 'docker rm x', RUN]), 'FILES_COPIED_IN', 5);
  });
});

describe('where docker cp lands: the folders the script makes (item 13)', () => {
  it('`mkdir -p bin; docker cp x:/out/app bin` lands at bin/app', () => {
    const files = repo([BUILD, 'mkdir -p bin', 'docker create --name x app:build', 'docker cp x:/out/app bin', 'docker rm x', RUN, 'rm -rf bin'], { Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' });
    const { out } = migrates(files);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });
  it('a folder of the repository removed first: the copy lands at its path', () => {
    const files = repo([BUILD, 'rm -rf bin', 'docker create --name x app:build', 'docker cp x:/out/app bin', 'docker rm x', RUN], { Dockerfile: 'FROM alpine:3.19\nCOPY bin /usr/local/bin/app\n', 'bin/old': 'x\n' });
    const plan = planFiles(files);
    expect(plan.setups[0]!.artifacts[0]!.hostPath).toBe('bin');
  });
  it('a folder made only in some runs: where the copy lands is not known, refused', () => {
    refused(repo([BUILD, 'if [ -n "${CI:-}" ]; then mkdir -p bin; fi', 'docker create --name x app:build', 'docker cp x:/out/app bin', 'docker rm x', RUN], { Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' }), 'ARTIFACT_DEST_EXISTS', 6);
  });
});

describe('host effects: what the builder container was run with (run flags, volumes over a streamed path)', () => {
  const runs = (run: string) => repo([BUILD, run, 'docker cp x:/out/app ./app', 'docker rm x', RUN, 'rm -f app']);
  it('a flag that changes what the command sees refuses: the RUN made of it would run without it', () => {
    for (const flags of ['--hostname box', '-h box', '--network none', '--add-host db:10.0.0.1', '--cap-add SYS_ADMIN', '--tmpfs /tmp', '--platform linux/arm64', '--init', '--read-only', '--pull always', '--privileged', '--shm-size 1g', '--ulimit nofile=1024', '--dns 10.0.0.2']) {
      const d = refused(runs(`docker run --name x ${flags} app:build sh -c "hostname > /out/app"`), 'BUILD_AT_RUN_TIME', 4);
      expect(d.message, flags).toContain(`\`${flags.split(' ')[0]}`);
    }
  });
  it('the flags of a container made with create count when it is started; a container never run has no run step', () => {
    refused(repo([BUILD, 'docker create --name x --hostname box app:build sh -c "hostname > /out/app"', 'docker start -a x', 'docker cp x:/out/app ./app', 'docker rm x', RUN]), 'BUILD_AT_RUN_TIME', 4);
    migrates(repo([BUILD, 'docker create --name x --hostname box app:build', 'docker cp x:/out/app ./app', 'docker rm x', RUN]));
  });
  it('flags that only name, label, publish, log or limit the container migrate', () => {
    for (const flags of ['-it', '--label team=core', '-p 8080:80', '--memory 2g', '--cpus 2', '--pull missing', '--restart no', '--log-driver none', '--stop-timeout 5']) {
      const { out } = migrates(runs(`docker run --name x ${flags} app:build sh -c "cp /out/app /out/app2 && mv /out/app2 /out/app"`));
      expect(out['Dockerfile'], flags).toContain('RUN ["sh", "-c", "cp /out/app /out/app2 && mv /out/app2 /out/app"]\n');
    }
  });
  it('a volume at the path a run streams or copies out refuses: the container read the volume, not the image', () => {
    refused(repo([BUILD, 'docker run --rm -v "$PWD/cache:/out" app:build cat /out/app > app', RUN]), 'ARTIFACT_VOLUME', 4);
    refused(repo([BUILD, 'docker run --rm -v "$PWD/cache:/out" app:build tar -C /out -c app | tar -x', RUN]), 'ARTIFACT_VOLUME', 4);
    refused(repo([BUILD, 'docker run --rm --tmpfs /out app:build cat /out/app > app', RUN]), 'ARTIFACT_VOLUME', 4);
    refused(repo([BUILD, 'docker run --rm -v "$PWD:/dist" -v "$PWD/prebuilt:/out" app:build cp /out/app /dist/app', RUN]), 'ARTIFACT_VOLUME', 4);
    refused(repo([BUILD, 'docker run --rm -v "$PWD:/out" app:build cp /out/app /out/app.copy', RUN], { Dockerfile: 'FROM alpine:3.19\nCOPY app.copy /usr/local/bin/app\n' }), 'ARTIFACT_VOLUME', 4);
  });
  it('a bare name mounted as the output (`-v out:/out`) is a named volume, not the folder: refused', () => {
    const OUT = { Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n' };
    refused(repo([BUILD, 'docker run --rm -v out:/out app:build cp -p /out/app /out/', RUN], OUT), 'ARTIFACT_VOLUME', 4);
    refused(repo([BUILD, 'docker run --rm -v out:/dist app:build cp -p /out/app /dist/', RUN], OUT), 'ARTIFACT_VOLUME', 4);
    refused(repo([BUILD, 'docker run --rm -v out:/dist app:build sh -c "cp /out/app /dist/app"', RUN], OUT), 'ARTIFACT_VOLUME', 4);
    migrates(repo([BUILD, 'docker run --rm -v ./out:/dist app:build cp -p /out/app /dist/', RUN, 'rm -rf out'], OUT));
  });
  it('another mount inside the bind-mounted output, over what cp writes, took the files: refused', () => {
    const BIN = { Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' };
    for (const inner of ['--tmpfs /dist/bin', '--mount type=volume,dst=/dist/bin', '-v cache:/dist/bin', '-v "$PWD/cache:/dist/bin/app"']) {
      refused(repo([BUILD, `docker run --rm -v "$PWD:/dist" ${inner} app:build cp -p /out/app /dist/bin/`, RUN], BIN), 'ARTIFACT_VOLUME', 4);
    }
    migrates(repo([BUILD, 'docker run --rm -v "$PWD:/dist" --tmpfs /tmp/scratch app:build cp -p /out/app /dist/bin/', RUN, 'rm -rf bin'], BIN));
  });
  it('a container copied out of with --pull always may hold a registry image, not the one just built: refused', () => {
    refused(repo([BUILD, 'docker create --pull always --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', RUN]), 'FLAG_CONFLICT', 4);
    refused(repo([BUILD, 'docker run --rm --pull=always app:build cat /out/app > app', 'chmod +x app', RUN, 'rm -f app']), 'FLAG_CONFLICT', 4);
    refused(repo([BUILD, 'docker run --rm --pull always -v "$PWD:/dist" app:build cp -p /out/app /dist/app', RUN, 'rm -f app']), 'FLAG_CONFLICT', 4);
    // The local image either way.
    migrates(repo([BUILD, 'docker create --pull never --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', RUN]));
    migrates(repo([BUILD, 'docker run --rm --pull missing app:build cat /out/app > app', 'chmod +x app', RUN, 'rm -f app']));
  });
  it('a container copied out of for another --platform than the builder build was given refuses', () => {
    refused(repo([BUILD, 'docker create --platform linux/arm64 --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', RUN]), 'FLAG_CONFLICT', 4);
    refused(repo([BUILD, 'docker run --rm --platform linux/arm64 app:build cat /out/app > app', 'chmod +x app', RUN, 'rm -f app']), 'FLAG_CONFLICT', 4);
    migrates(repo([BUILD.replace('docker build', 'docker build --platform linux/arm64'), 'docker create --platform linux/arm64 --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', RUN]));
  });
  it('a mount copy runs its cp as the program the run names: --entrypoint or the builder ENTRYPOINT decides what lands', () => {
    const EP = { 'Dockerfile.build': `${BUILDER}ENTRYPOINT ["/bin/echo"]\n` };
    const copy = 'docker run --rm -v "$PWD:/dist" app:build cp /out/app /dist/app';
    refused(repo([BUILD, copy, RUN, 'rm -f app'], EP), 'STREAM_ENTRYPOINT', 4);
    // Cleared on the line, it runs cp itself; so does `--entrypoint cp`.
    migrates(repo([BUILD, copy.replace('--rm', '--rm --entrypoint ""'), RUN, 'rm -f app'], EP));
    migrates(repo([BUILD, 'docker run --rm --entrypoint cp -v "$PWD:/dist" app:build /out/app /dist/app', RUN, 'rm -f app'], EP));
    // `--entrypoint /bin/echo IMG cp …` copies nothing: it is no copy out of the image.
    const { out } = migrates(repo([BUILD, 'docker run --rm --entrypoint /bin/echo -v "$PWD/bin:/dist" app:build cp /out/app /dist/app', RUN, 'rm -rf bin'], { Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' }));
    expect(out['Dockerfile']).toContain('RUN ["/bin/echo", "cp", "/out/app", "/dist/app"]\n');
  });
  it('a volume elsewhere, or the one mount a run writes its output through, migrates', () => {
    migrates(repo([BUILD, 'docker run --rm -v cache:/root/.cache app:build cat /out/app > app', 'chmod +x app', RUN, 'rm -f app']));
    migrates(repo([BUILD, 'docker run --rm -v "$PWD:/dist" app:build cp /out/app /dist/app', RUN, 'rm -f app']));
    migrates(repo([BUILD, 'docker run --rm -v "$PWD/bin:/dist" app:build sh -c "cp /out/app /dist/app"', RUN, 'rm -rf bin'], { Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' }));
  });
  it('a tar archive streamed through a terminal (-t) refuses, as a streamed file does', () => {
    const d = refused(repo([BUILD, 'docker run --rm -t app:build tar -C /out -c app | tar -x', RUN]), 'STREAM_TTY', 4);
    expect(d.message).toContain('a tar archive');
  });
});

describe('host effects: a builder command fed standard input', () => {
  const runs = (run: string[]) => repo([BUILD, ...run, 'docker cp x:/out/app ./app', 'docker rm x', RUN, 'rm -f app'], { 'steps.sh': 'cp /out/app /out/app.bak\n' });
  it('input the script gives a `-i` run (a file, a here-document, a here-string, a pipe) refuses: a build step has none', () => {
    for (const run of [['docker run -i --name x app:build sh < steps.sh'], ['docker run -i --name x app:build sh <<EOF', 'cp /out/app /out/app.bak', 'EOF'], ['docker run -i --name x app:build sh -s <<< "cp /out/app /out/app.bak"'], ['cat steps.sh | docker run -i --name x app:build sh']]) {
      const d = refused(runs(run), 'BUILD_AT_RUN_TIME');
      expect(d.message, run[0]).toContain('standard input');
    }
  });
  it('a `-i` shell given no script reads the script\'s own input, and `docker start -ai` of a `create -i` container is fed as a run is', () => {
    refused(runs(['docker run -i --name x app:build bash -s']), 'BUILD_AT_RUN_TIME', 4);
    refused(runs(['docker create -i --name x app:build sh', 'docker start -ai x < steps.sh']), 'BUILD_AT_RUN_TIME', 5);
  });
  it('without -i the container reads nothing, as a build step; with -i a command that reads no input migrates', () => {
    const { out } = migrates(runs(['docker run --name x app:build sh < steps.sh']));
    expect(out['Dockerfile']).toContain('RUN ["sh"]\n');
    const it = migrates(runs(['docker run -it --name x app:build sh -c "cp /out/app /out/app.bak"']));
    expect(it.out['Dockerfile']).toContain('RUN ["sh", "-c", "cp /out/app /out/app.bak"]\n');
  });
});

describe('host effects: each artifact\'s window opens at the command that extracts it', () => {
  const files = (between: string, after = '') =>
    repo([BUILD, 'docker create --name x app:build', between, 'docker cp x:/out/app dist/app', ...(after ? [after] : []), 'docker rm x', RUN, 'rm -rf dist'], { Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\n' });
  it('`mkdir -p dist` after the create and before the cp makes the destination: it migrates', () => {
    const { out } = migrates(files('mkdir -p dist'));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\nmkdir -p dist\n${RUN}\nrm -rf dist\n`);
  });
  it('filling the destination there, or changing the file after the cp, still refuses', () => {
    refused(files('cp prebuilt dist/app'), 'HOST_POSTPROCESS', 5);
    refused(files('mkdir -p dist', 'strip dist/app'), 'HOST_POSTPROCESS', 7);
  });
});

describe('host effects: the extracted file thrown away once it is copied into place', () => {
  const placed = (after: string[]) =>
    repo([BUILD, 'docker create --name x app:build', 'mkdir -p out bin', 'docker cp x:/out/app out/app', 'docker rm x', 'cp out/app bin/app', ...after], { Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' });
  it('`rm -rf out` (or `rm -f out/app`) before the runtime build only discards what the runtime build does not read: it migrates and stays', () => {
    const { out } = migrates(placed(['rm -rf out; echo cleaned', RUN]));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\nmkdir -p out bin\nrm -rf out; echo cleaned\n${RUN}\n`);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app');
    migrates(placed(['rm -f out/app', RUN]));
  });
  it('a removal that fails without the file, or says what it removed, a change of it, or a removal of the placed copy still refuses', () => {
    refused(placed(['rm out/app', RUN]), 'HOST_POSTPROCESS', 9);
    refused(placed(['rm -fv out/app', RUN]), 'HOST_POSTPROCESS', 9);
    refused(placed(['strip out/app', RUN]), 'HOST_POSTPROCESS', 9);
    refused(placed(['rm -rf bin', RUN]), 'HOST_POSTPROCESS', 9);
  });
  it('a later use of the removed file gets no export stage: it found nothing in the old run either', () => {
    const { out } = migrates(placed(['rm -rf out', RUN, 'sha256sum out/app']));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\nmkdir -p out bin\nrm -rf out\n${RUN}\nsha256sum out/app\n`);
  });
});

describe('host effects: a script the setup\'s script runs, read for what it writes', () => {
  const NOTHING_READ = 'FROM alpine:3.19\nRUN mkdir -p /out && echo "#!/bin/sh" > /out/app && chmod 755 /out/app\n';
  it('one that changes the artifact between the extraction and the runtime build refuses, even when the builder reads nothing', () => {
    const d = refused(repo([BUILD, ...EXTRACT, './post.sh', RUN], { 'Dockerfile.build': NOTHING_READ, 'post.sh': '#!/bin/sh\necho "# stamped" >> app\n' }), 'HOST_POSTPROCESS', 7);
    expect(d.message).toContain('`./post.sh` (`echo "# stamped"`, post.sh:2) changes app');
    refused(repo([BUILD, ...EXTRACT, 'sh scripts/post.sh', RUN], { 'Dockerfile.build': NOTHING_READ, 'scripts/post.sh': 'set -e\n./scripts/strip.sh\n', 'scripts/strip.sh': '#!/bin/sh\nstrip app\n' }), 'HOST_POSTPROCESS', 7);
  });
  it('one between the two builds that writes only what the builder does not read migrates, and stays', () => {
    const { out } = migrates(repo([BUILD, ...EXTRACT, './prepare.sh', RUN], { 'prepare.sh': '#!/bin/sh\nset -e\nmkdir -p gen\necho ready > gen/stamp.txt\n' }));
    expect(out['build.sh']).toBe(`#!/bin/sh\nset -eu\n./prepare.sh\n${RUN}\n`);
  });
  it('one that writes what the builder reads, or runs a program the tool does not model, still refuses, naming the command inside', () => {
    refused(repo([BUILD, ...EXTRACT, './prepare.sh', RUN], { 'prepare.sh': '#!/bin/sh\necho "package main" > main.go\n' }), 'BUILDER_INPUT_CHANGED', 7);
    const d = refused(repo([BUILD, ...EXTRACT, './prepare.sh', RUN], { 'prepare.sh': '#!/bin/sh\npython3 tools/gen.py\n' }), 'BUILDER_INPUT_CHANGED', 7);
    expect(d.message).toContain('the tool does not know what `python3 tools/gen.py` writes');
    expect(d.message).toContain('in prepare.sh, which `./prepare.sh` (build.sh:7) runs');
  });
  it('a `mkdir` of the destination in a script run before the extraction is read as that mkdir', () => {
    const files = repo([BUILD, './prepare.sh', 'docker create --name x app:build', 'docker cp x:/out/app dist/app', 'docker rm x', RUN, 'rm -rf dist'], { Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\n', 'prepare.sh': '#!/bin/sh\nmkdir -p dist\n' });
    migrates(files);
  });
});
