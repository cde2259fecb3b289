/**
 * The same migration driven from every kind of file that scripts it: Makefile recipes,
 * npm scripts, GitHub Actions steps, GitLab CI jobs. The edits land in each file's own
 * syntax; everything else in the file keeps its bytes.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const MERGED = 'FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n';

function migrate(files: Record<string, string>) {
  const all = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...files };
  const plan = planFiles(all);
  expect(plan.setups.map((s) => [s.id, s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)])).toEqual([[expect.any(String), 'migrate', []]]);
  const out = applied(all, plan);
  expect(out['Dockerfile']).toBe(MERGED);
  expect(out['Dockerfile.build']).toBeUndefined();
  return out;
}

describe('Makefile', () => {
  it('one recipe: removes the recipe lines, keeps $(VAR), @ prefixes and the rest', () => {
    const out = migrate({
      Makefile: [
        'IMAGE ?= acme/app',
        '',
        '.PHONY: image clean',
        '# Build the runtime image.',
        'image:',
        '\t@echo "building $(IMAGE)"',
        '\tdocker build -t $(IMAGE):build -f Dockerfile.build .',
        '\tdocker create --name extract $(IMAGE):build',
        '\tdocker cp extract:/out/app ./app',
        '\t-docker rm extract',
        '\tdocker build --build-arg V=1 -t $(IMAGE):latest .',
        '\trm -f app',
        '',
        'clean:',
        '\trm -f app',
        '',
      ].join('\n'),
    });
    expect(out['Makefile']).toBe(['IMAGE ?= acme/app', '', '.PHONY: image clean', '# Build the runtime image.', 'image:', '\t@echo "building $(IMAGE)"', '\tdocker build --build-arg V=1 -t $(IMAGE):latest .', '', 'clean:', '\trm -f app', ''].join('\n'));
  });

  it('targets that depend on each other, $$ escapes and continued lines', () => {
    const out = migrate({
      Makefile: [
        'TAG := acme/app',
        'binary:',
        '\tdocker build -f Dockerfile.build \\',
        '\t  -t $(TAG)-builder .',
        '\tid=$$(docker create $(TAG)-builder) && docker cp $$id:/out/app app && docker rm $$id',
        '',
        'image: binary',
        '\tdocker build -t $(TAG) .',
        '',
      ].join('\n'),
    });
    expect(out['Makefile']).toBe(['TAG := acme/app', 'binary: ;', '', 'image: binary', '\tdocker build -t $(TAG) .', ''].join('\n'));
  });

  it('carries a builder flag spelled with a Make variable as written', () => {
    const out = migrate({
      Makefile: 'V := 1.2\nall:\n\tdocker build -t b -f Dockerfile.build --build-arg VERSION=$(V) .\n\tdocker create --name x b\n\tdocker cp x:/out/app app\n\tdocker build -t final .\n',
    });
    expect(out['Makefile']).toBe('V := 1.2\nall:\n\tdocker build --build-arg VERSION=$(V) -t final .\n');
  });
});

describe('package.json scripts', () => {
  it('rewrites a chained one-liner, JSON escapes kept', () => {
    const pkg = `{
  "name": "app",
  "scripts": {
    "build": "docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker rm x && docker build -t \\"app:latest\\" .",
    "test": "vitest"
  }
}
`;
    const out = migrate({ 'package.json': pkg });
    expect(out['package.json']).toBe(pkg.replace('docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker rm x && ', ''));
  });

  it('npm run a && npm run b: an emptied script is removed, and so are its calls', () => {
    const pkg = `{
  "scripts": {
    "build:bin": "docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker rm x",
    "build:image": "docker build -t app .",
    "build": "npm run build:bin && npm run build:image"
  }
}
`;
    const out = migrate({ 'package.json': pkg });
    expect(out['package.json']).toBe(`{
  "scripts": {
    "build:image": "docker build -t app .",
    "build": "npm run build:image"
  }
}
`);
  });
});

describe('package.json scripts: removing an entry touches only its own text', () => {
  it('the emptied script is first, and the next script calls it', () => {
    const pkg = `{
  "scripts": {
    "bin": "docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker rm x",
    "image": "npm run bin && docker build -t app .",
    "test": "vitest"
  }
}
`;
    const out = migrate({ 'package.json': pkg });
    expect(out['package.json']).toBe(`{
  "scripts": {
    "image": "docker build -t app .",
    "test": "vitest"
  }
}
`);
  });

  it('the emptied script is last, right after its caller', () => {
    const pkg = '{"scripts": {"image": "npm run bin && docker build -t app .", "bin": "docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker rm x"}}\n';
    const out = migrate({ 'package.json': pkg });
    expect(out['package.json']).toBe('{"scripts": {"image": "docker build -t app ."}}\n');
  });
});

describe('GitHub Actions', () => {
  it('removes the builder steps, keeps comments, other steps and the final build', () => {
    const wf = `name: image
on: push
env:
  IMAGE: acme/app # the image name
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # Compile in the builder image.
      - name: Builder
        run: docker build -t "$IMAGE:build" -f Dockerfile.build .
      - name: Extract the binary
        run: |
          docker create --name extract "$IMAGE:build"
          docker cp extract:/out/app ./app
          docker rm extract
      - name: Runtime image
        run: |
          echo "building $IMAGE"
          docker build -t "$IMAGE:latest" .
`;
    const out = migrate({ '.github/workflows/image.yml': wf });
    expect(out['.github/workflows/image.yml']).toBe(`name: image
on: push
env:
  IMAGE: acme/app # the image name
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Runtime image
        run: |
          echo "building $IMAGE"
          docker build -t "$IMAGE:latest" .
`);
  });

  it('edits inside a run block that keeps other commands', () => {
    const wf = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          set -e
          docker build -t app:build -f Dockerfile.build .
          docker create --name x app:build
          docker cp x:/out/app ./app
          docker rm x
          docker build -t app .
`;
    const out = migrate({ '.github/workflows/ci.yaml': wf });
    expect(out['.github/workflows/ci.yaml']).toBe(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          set -e
          docker build -t app .
`);
  });
});

describe('GitLab CI', () => {
  it('script items run in one shell: cd carries over; emptied items are removed', () => {
    const ci = `stages: [build]
variables:
  TAG: registry.example.com/app
image-build:
  stage: build
  script:
    - cd service
    - docker build -t $TAG:build -f ../Dockerfile.build ..
    - docker create --name x $TAG:build
    - docker cp x:/out/app ../app
    - docker rm x
    - docker build -t $TAG ..
`;
    const out = migrate({ '.gitlab-ci.yml': ci });
    expect(out['.gitlab-ci.yml']).toBe(`stages: [build]
variables:
  TAG: registry.example.com/app
image-build:
  stage: build
  script:
    - cd service
    - docker build -t $TAG ..
`);
  });
});

describe('JavaScript / TypeScript build scripts', () => {
  it('execSync with template literals and const bindings; zx; removed statements go whole', () => {
    const js = [
      "import { execSync } from 'node:child_process';",
      "import { $ } from 'zx';",
      '',
      "const tag = 'app';",
      '// compile in the builder image',
      'execSync(`docker build -t ${tag}:build -f Dockerfile.build .`, { stdio: "inherit" });',
      'await $`docker create --name x ${tag}:build`;',
      "await $`docker cp x:/out/app ./app`;",
      "execSync('docker rm x');",
      'execSync(`docker build -t ${tag}:latest .`, { stdio: "inherit" });',
      '',
    ].join('\n');
    const out = migrate({ 'package.json': '{"name":"x"}\n', 'scripts/build.mjs': js });
    expect(out['scripts/build.mjs']).toBe(
      [
        "import { execSync } from 'node:child_process';",
        "import { $ } from 'zx';",
        '',
        "const tag = 'app';",
        'execSync(`docker build -t ${tag}:latest .`, { stdio: "inherit" });',
        '',
      ].join('\n'),
    );
  });

  it('spawnSync / execa argv arrays: flags carried as array elements', () => {
    const ts = [
      "import { spawnSync } from 'node:child_process';",
      "import { execa } from 'execa';",
      "spawnSync('docker', ['build', '--build-arg', 'GOFLAGS=-trimpath', '-t', 'app:build', '-f', 'Dockerfile.build', '.'], { stdio: 'inherit' });",
      "spawnSync('docker', ['create', '--name', 'x', 'app:build']);",
      "spawnSync('docker', ['cp', 'x:/out/app', 'app']);",
      "await execa('docker', ['rm', 'x']);",
      "await execa('docker', ['build', '-t', 'app', '.'], { stdio: 'inherit' });",
      '',
    ].join('\n');
    const out = migrate({ 'build.ts': ts });
    expect(out['build.ts']).toBe(
      [
        "import { spawnSync } from 'node:child_process';",
        "import { execa } from 'execa';",
        "await execa('docker', ['build', '--build-arg', 'GOFLAGS=-trimpath', '-t', 'app', '.'], { stdio: 'inherit' });",
        '',
      ].join('\n'),
    );
  });
});

describe('CI steps in a shell that is not sh', () => {
  const pattern = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .'];
  const files = (wf: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/ci.yml': wf });
  const block = (indent: string) => pattern.map((l) => `${indent}${l}`).join('\n');
  const codes = (plan: ReturnType<typeof planFiles>) => [...plan.diagnostics, ...plan.setups.flatMap((s) => s.diagnostics)].map((d) => `${d.severity}:${d.code}`);

  for (const [name, wf] of [
    ['shell: cmd on the step', `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: cmd\n        run: |\n${block('          ')}\n`],
    ['defaults.run.shell: python of the job', `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: python\n    steps:\n      - run: |\n${block('          ')}\n`],
    ['a Windows runner with no shell named', `on: push\njobs:\n  b:\n    runs-on: windows-2022\n    steps:\n      - run: |\n${block('          ')}\n`],
    ['a matrix that lists a Windows runner', `on: push\njobs:\n  b:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n    runs-on: \${{ matrix.os }}\n    steps:\n      - run: |\n${block('          ')}\n`],
  ] as const) {
    it(`${name}: not read as bash, and said so`, () => {
      const plan = planFiles(files(wf));
      expect(plan.setups).toEqual([]);
      expect(plan.changes).toEqual([]);
      expect(codes(plan)).toContain('warning:SHELL_NOT_READ');
    });
  }

  // A Windows runner's docker builds Windows containers with the legacy builder: a merged
  // `COPY --chown=0:0` names a Windows account there, an export stage cannot be written.
  it('shell: bash named on a Windows runner is read, and its setups refused; so is a script the job runs', () => {
    const wf = `on: push\njobs:\n  b:\n    runs-on: windows-latest\n    defaults:\n      run:\n        shell: bash\n    steps:\n      - run: |\n${block('          ')}\n`;
    const plan = planFiles(files(wf));
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])])).toEqual([['refused', [['SHELL_NOT_READ', 4]]]]);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'SHELL_NOT_READ')!.message).toContain('runs on a Windows runner (`runs-on: windows-latest`)');
    expect(plan.changes).toEqual([]);
    const called = planFiles({ ...files(`on: push\njobs:\n  b:\n    runs-on: [self-hosted, Windows]\n    steps:\n      - run: ./build.sh\n        shell: bash\n`), 'build.sh': `#!/bin/sh\nset -e\n${pattern.join('\n')}\n` });
    expect(called.setups.map((s) => [s.script, s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['build.sh', 'refused', ['SHELL_NOT_READ']]]);
    // The same job on a Linux runner migrates, and a Windows job without docker says nothing.
    expect(planFiles(files(wf.replace('windows-latest', 'ubuntu-latest'))).setups.map((s) => s.status)).toEqual(['migrate']);
    const quiet = planFiles(files(`${wf.replace('windows-latest', 'ubuntu-latest')}  w:\n    runs-on: windows-latest\n    steps:\n      - run: dotnet test\n`));
    expect(quiet.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(codes(quiet)).not.toContain('warning:SHELL_NOT_READ');
  });

  for (const [name, wf] of [
    ['shell: pwsh on the step', `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: pwsh\n        run: |\n${block('          ')}\n`],
    ['defaults.run.shell: powershell of the workflow', `on: push\ndefaults:\n  run:\n    shell: powershell\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n`],
  ] as const) {
    it(`${name}: read as PowerShell, and migrated`, () => {
      const plan = planFiles(files(wf));
      expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(codes(plan)).not.toContain('warning:SHELL_NOT_READ');
      expect(plan.changes.find((c) => c.path === '.github/workflows/ci.yml')!.after).toContain('docker build -t app .');
    });
  }

  it('a PowerShell step that uses the builder image keeps the builder build', () => {
    const wf = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n      - shell: pwsh\n        run: docker run --rm app:build go test ./...\n`;
    const plan = planFiles(files(wf));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(plan.changes.find((c) => c.path === '.github/workflows/ci.yml')!.after).toContain('docker build --target builder -t app:build -f Dockerfile .');
  });

  it('a setup whose job also runs docker in cmd is refused', () => {
    const wf = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n      - shell: cmd\n        run: docker run --rm app:build go test ./...\n`;
    const plan = planFiles(files(wf));
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(plan.changes).toEqual([]);
  });

  it('a Python step (no docker in it) after the runtime build keeps the artifact on the host: it may read it', () => {
    const py = `      - shell: python\n        run: |\n          import hashlib, pathlib\n          pathlib.Path("app.sha256").write_text(hashlib.sha256(pathlib.Path("app").read_bytes()).hexdigest())\n`;
    const wf = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n${py}`;
    const plan = planFiles(files(wf));
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['migrate', []]]);
    const after = plan.changes.find((c) => c.path === '.github/workflows/ci.yml')!.after!;
    expect(after).toContain('docker build --target export --output type=local,dest=. -f Dockerfile .');
    // The Python step itself is left as it was.
    expect(after).toContain(py);
    expect(plan.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('FROM scratch AS export');
    // Between the extraction and the runtime build it may change what the builder reads (or the artifact): refused.
    const [head, tail] = [block('          ').split('\n').slice(0, 4).join('\n'), block('          ').split('\n').slice(4).join('\n')];
    const between = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${head}\n${py}      - run: |\n${tail}\n`;
    const refused = planFiles(files(between));
    expect(refused.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])])).toEqual([['refused', [['BUILDER_INPUT_CHANGED', 11]]]]);
    expect(refused.changes).toEqual([]);
    // The same step before the builder build reads nothing the setup changes.
    const before = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n${py}      - run: |\n${block('          ')}\n`;
    const first = planFiles(files(before));
    expect(first.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(codes(first)).not.toContain('warning:SHELL_NOT_READ');
  });

  it('a PowerShell step in another job leaves the setup alone, with a warning', () => {
    const wf = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${block('          ')}\n  win:\n    runs-on: windows-latest\n    steps:\n      - run: docker build -t app-win .\n`;
    const plan = planFiles(files(wf));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(codes(plan)).toContain('warning:SHELL_NOT_READ');
  });

  it('GitLab: a job tagged for a Windows runner is not read as sh', () => {
    const ci = `build:\n  tags: [windows]\n  script:\n${pattern.map((l) => `    - ${l}`).join('\n')}\n`;
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.gitlab-ci.yml': ci });
    expect(plan.setups).toEqual([]);
    expect(codes(plan)).toContain('warning:SHELL_NOT_READ');
  });
});
