/**
 * GitHub Actions `uses:` steps between the builder build and the runtime build: merged, the
 * builder stage is built by the runtime build, after them. A step that writes what the builder
 * reads (a checkout into its folder, a download or a cache restored into the workspace, an
 * action the tool does not know) refuses BUILDER_INPUT_CHANGED, as a shell command writing it
 * does; a builder switched there (docker/setup-buildx-action, `docker buildx create --use`,
 * `docker buildx use`, `docker context use`) refuses FLAG_CONFLICT: the compile would run on
 * another builder than the builder build did.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const F = '.github/workflows/ci.yml';
const FILES = {
  'Dockerfile.build': 'FROM busybox:latest\nCOPY config.json /src/config.json\nCOPY protos /src/protos\nRUN mkdir -p /out && cat /src/config.json /src/protos/* > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'config.json': '{"env":"dev"}\n',
  'protos/api.proto': 'syntax = "proto3";\n',
};
const BUILDER = ['      - run: |', '          docker build -t app:build -f Dockerfile.build .', '          docker create --name x app:build', '          docker cp x:/out/app app', '          docker rm x'];
const RUNTIME = ['      - run: docker build -t app:latest .'];
/** The job: checkout, the builder build and extraction (lines 7-11), `between`, the runtime build. */
const wf = (between: string[], before: string[] = []) => ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ...before, ...BUILDER, ...between, ...RUNTIME, ''].join('\n');

const plan = (text: string) => {
  const p = planFiles({ ...FILES, [F]: text });
  expect(p.setups).toHaveLength(1);
  return p.setups[0]!;
};
const refused = (text: string, code: string, line: number, says: RegExp) => {
  const s = plan(text);
  expect(s.status).toBe('refused');
  const d = s.diagnostics.find((x) => x.code === code);
  expect(d, JSON.stringify(s.diagnostics)).toBeDefined();
  expect(d!.line).toBe(line);
  expect(d!.message).toMatch(says);
};
const migrates = (text: string) => {
  const s = plan(text);
  expect(s.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(s.status).toBe('migrate');
};

describe('a uses: step between the builds that writes what the builder reads', () => {
  it('actions/download-artifact into the workspace (its default path) refuses, naming the step', () => {
    refused(wf(['      - uses: actions/download-artifact@v4', '        with:', '          name: prod-config']), 'BUILDER_INPUT_CHANGED', 12, /the step `uses: actions\/download-artifact@v4` \(`path:` left out: the workspace\), which downloads artifacts, runs between the builder build \(line 8\) and the runtime build \(line 15\), and it writes the repository root, which the builder reads \(`COPY config\.json`/);
    // into a folder the builder does not read: no change to its inputs
    migrates(wf(['      - uses: actions/download-artifact@v4', '        with:', '          name: prod-config', '          path: downloads']));
  });

  it('actions/checkout of another repository into a folder the builder copies refuses; into another folder it does not', () => {
    refused(wf(['      - uses: actions/checkout@v4', '        with:', '          repository: example/protos', '          path: protos']), 'BUILDER_INPUT_CHANGED', 12, /the step `uses: actions\/checkout@v4` \(`with: path: protos`\), which checks a repository out \(cleaning the folder first\), runs between .* and it writes protos, which the builder reads \(`COPY protos`/);
    migrates(wf(['      - uses: actions/checkout@v4', '        with:', '          repository: example/docs', '          path: docs']));
  });

  it('a cache restored into the workspace refuses; one restored outside it does not', () => {
    refused(wf(['      - uses: actions/cache/restore@v4', '        with:', '          path: |', '            ~/.cache/go', '            protos', '          key: protos']), 'BUILDER_INPUT_CHANGED', 12, /`uses: actions\/cache\/restore@v4` \(`with: path: .*which restores a cache.*it writes protos/s);
    migrates(wf(['      - uses: actions/cache@v4', '        with:', '          path: ~/.cache/go', '          key: go']));
  });

  it('an action the tool does not know may write anything: it refuses; a known action that writes nothing does not', () => {
    refused(wf(['      - uses: example/fetch-config@v1']), 'BUILDER_INPUT_CHANGED', 12, /the step `uses: example\/fetch-config@v1`, an action the tool does not know, runs between the builder build \(line 8\) and the runtime build \(line 13\), and the tool does not know what `uses: example\/fetch-config@v1` writes/);
    refused(wf(['      - uses: ./.github/actions/prepare']), 'BUILDER_INPUT_CHANGED', 12, /`uses: \.\/\.github\/actions\/prepare`/);
    migrates(wf(['      - uses: docker/login-action@v3', '        with:', '          username: ci', '          password: ${{ secrets.TOKEN }}']));
    // before the builder build, or in another job, it changes nothing the merge moves
    migrates(wf([], ['      - uses: example/fetch-config@v1']));
  });

  it('a download into the extracted file\'s folder after the extraction refuses: the runtime build copied what it left', () => {
    const files = { ...FILES, 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY dist /srv\n' };
    const text = ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - run: |', '          docker build -t app:build -f Dockerfile.build .', '          docker create --name x app:build', '          docker cp x:/out dist', '          docker rm x', '      - uses: actions/download-artifact@v4', '        with:', '          path: dist', ...RUNTIME, ''].join('\n');
    const s = planFiles({ ...files, [F]: text }).setups[0]!;
    expect(s.status).toBe('refused');
    expect(s.diagnostics.find((d) => d.code === 'HOST_POSTPROCESS')!.message).toMatch(/the step `uses: actions\/download-artifact@v4` \(`with: path: dist`\), which downloads artifacts, runs after dist is extracted and before the runtime build copies it/);
  });
});

describe('a builder switched between the builds', () => {
  const base = { ...FILES, 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n' };
  const plan2 = (text: string) => planFiles({ ...base, [F]: text }).setups[0]!;

  it('docker/setup-buildx-action refuses FLAG_CONFLICT, naming the step; with `use: false`, or before the builder build, it does not', () => {
    const s = plan2(wf(['      - uses: docker/setup-buildx-action@v3']));
    expect(s.status).toBe('refused');
    const d = s.diagnostics.find((x) => x.code === 'FLAG_CONFLICT')!;
    expect(d.line).toBe(12);
    expect(d.message).toMatch(/the step `uses: docker\/setup-buildx-action@v3` makes the builder it creates the current one \(`use: true` is its default\), between the builder build \(line 8\) and the runtime build \(line 13\): .*the compile runs in the runtime build, on the new one/);
    expect(plan2(wf(['      - uses: docker/setup-buildx-action@v3', '        with:', '          use: false'])).status).toBe('migrate');
    expect(plan2(wf([], ['      - uses: docker/setup-buildx-action@v3'])).status).toBe('migrate');
  });

  it('`docker buildx create --use`, `docker buildx use`, `docker context use` in a step between refuse; `docker buildx ls` does not', () => {
    for (const [cmd, shown] of [['docker buildx create --use --driver docker-container', 'docker buildx create --use'], ['docker buildx use ci', 'docker buildx use'], ['docker context use remote', 'docker context use']] as const) {
      const s = plan2(wf([`      - run: ${cmd}`]));
      expect(s.status, cmd).toBe('refused');
      const d = s.diagnostics.find((x) => x.code === 'FLAG_CONFLICT')!;
      expect(d.line).toBe(12);
      expect(d.message).toContain(`\`${cmd}\` runs between the builder build (line 8) and the runtime build (line 13), and changes the builder later builds run on (\`${shown}\`)`);
    }
    expect(plan2(wf(['      - run: docker buildx ls'])).status).toBe('migrate');
    expect(plan2(wf([], ['      - run: docker buildx create --use']))).toMatchObject({ status: 'migrate' });
  });
});

describe('an image the builder starts from, changed between the builds', () => {
  // The builder reads nothing from its context: only its base ties it to what runs between.
  const base = { ...FILES, 'Dockerfile.build': 'FROM acme/base:1\nRUN mkdir -p /out && echo hi > /out/app\n', 'Dockerfile.base': 'FROM busybox:latest\n' };
  const plan3 = (text: string, files: Record<string, string> = base) => planFiles({ ...files, [F]: text }).setups[0]!;
  const rebased = (text: string, line: number, says: RegExp, files?: Record<string, string>) => {
    const s = plan3(text, files);
    expect(s.status).toBe('refused');
    const d = s.diagnostics.find((x) => x.code === 'BUILDER_INPUT_CHANGED');
    expect(d, JSON.stringify(s.diagnostics)).toBeDefined();
    expect(d!.line).toBe(line);
    expect(d!.message).toMatch(says);
  };

  it('a shell build, tag, pull or removal of that name refuses; of another name, or before the builder build, it does not', () => {
    rebased(wf(['      - run: docker build -t acme/base:1 -f Dockerfile.base .']), 12, /`docker build -t acme\/base:1 -f Dockerfile\.base \.` runs between the builder build \(line 8\) and the runtime build \(line 13\), and it changes the image acme\/base:1, which the builder resolves/);
    rebased(wf(['      - run: docker tag busybox:latest docker.io/acme/base:1']), 12, /changes the image docker\.io\/acme\/base:1/);
    rebased(wf(['      - run: docker pull acme/base:1']), 12, /changes the image acme\/base:1/);
    rebased(wf(['      - run: docker image rm acme/base:1']), 12, /changes the image acme\/base:1/);
    rebased(wf(['      - run: docker load -i images.tar']), 12, /may write an image under any name, such as acme\/base:1/);
    rebased(wf(['      - run: docker buildx bake base']), 12, /may write an image under any name/);
    rebased(wf(['      - run: docker compose -f ci.yml build']), 12, /may write an image under any name/);
    expect(plan3(wf(['      - run: docker compose ps'])).status).toBe('migrate');
    // through a script it runs
    rebased(wf(['      - run: ./ci/base.sh']), 12, /`\.\/ci\/base\.sh` runs between the builder build \(line 8\) and the runtime build \(line 13\), and runs `docker build -t acme\/base:1 -f Dockerfile\.base \.` \(ci\/base\.sh:2\), where it changes the image acme\/base:1/, { ...base, 'ci/base.sh': '#!/bin/sh\ndocker build -t acme/base:1 -f Dockerfile.base .\n' });
    rebased(wf(['      - run: docker build -t "$BASE" -f Dockerfile.base .']), 12, /only known at run time, which may be acme\/base:1/);
    // a base named through an argument: matched by its literal part
    rebased(wf(['      - run: docker build -t acme/base:2 -f Dockerfile.base .']), 12, /changes the image acme\/base:2, which the builder resolves \(acme\/base:\$\{V\}\)/, { ...base, 'Dockerfile.build': 'ARG V=1\nFROM acme/base:${V}\nRUN mkdir -p /out && echo hi > /out/app\n' });
    expect(plan3(wf(['      - run: docker build -t acme/other:1 -f Dockerfile.base .'])).status).toBe('migrate');
    expect(plan3(wf([], ['      - run: docker build -t acme/base:1 -f Dockerfile.base .'])).status).toBe('migrate');
    // an image the builder copies from counts as its base does
    rebased(wf(['      - run: docker pull acme/tools:1']), 12, /changes the image acme\/tools:1/, { ...base, 'Dockerfile.build': 'FROM busybox:latest\nCOPY --from=acme/tools:1 /bin/tool /bin/tool\nRUN mkdir -p /out && echo hi > /out/app\n' });
  });

  it('docker/build-push-action tagging that name refuses, whatever it builds from; tagging another name it does not', () => {
    rebased(wf(['      - uses: docker/build-push-action@v6', '        with:', '          file: Dockerfile.base', '          load: true', '          tags: |', '            acme/base:1', '            acme/base:latest']), 12, /the step `uses: docker\/build-push-action@v6` runs between the builder build \(line 8\) and the runtime build \(line 19\), and it tags the image acme\/base:1, which the builder resolves/);
    rebased(wf(['      - uses: docker/build-push-action@v6', '        with:', '          push: true', '          tags: ${{ steps.meta.outputs.tags }}']), 12, /it tags an image whose name is only known at run time, which may be acme\/base:1/);
    expect(plan3(wf(['      - uses: docker/build-push-action@v6', '        with:', '          file: Dockerfile.base', '          load: true', '          tags: acme/other:1'])).status).toBe('migrate');
  });
});
