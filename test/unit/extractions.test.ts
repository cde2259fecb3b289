/**
 * Every way of taking files out of a builder image, planned on in-memory repositories:
 * each becomes the same COPY --from, and every command that served the extraction goes.
 */
import { describe, expect, it } from 'vitest';
import { applyChmod } from '../../src/analyze/link.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';

function migrate(script: string, over: Record<string, string> = {}) {
  const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': script, ...over };
  const plan = planFiles(files);
  expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')])).toEqual([['migrate', []]]);
  return applied(files, plan);
}

const FINAL = 'docker build -t app:latest .\n';

describe('extraction variants', () => {
  it('container id in a variable', () => {
    const out = migrate(`set -e\ndocker build -t app:build -f Dockerfile.build .\nid=$(docker create app:build)\ndocker cp "$id":/out/app ./app\ndocker rm -v "$id"\n${FINAL}rm app\n`);
    expect(out['build.sh']).toBe(`set -e\n${FINAL}`);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('inline $(docker create …) in docker cp', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker cp $(docker create app:build):/out/app ./app\n${FINAL}`);
    expect(out['build.sh']).toBe(FINAL);
  });

  it('a dummy command after the image, and docker container rm -f', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build echo\ndocker cp x:/out/app ./app\ndocker container rm -f x\n${FINAL}`);
    expect(out['build.sh']).toBe(FINAL);
  });

  it('docker run --rm … cat /p > f, then chmod +x: the host mode is kept with --chmod', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\nchmod +x app\n${FINAL}rm -f app\n`);
    expect(out['build.sh']).toBe(FINAL);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 --chmod=755 /out/app /usr/local/bin/app\n');
  });

  it('cat > f without chmod keeps the 0644 the shell gave the file', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\n${FINAL}`);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 --chmod=644 /out/app');
  });

  it('tar -c | tar -x, with the mkdir of its target folder', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\nmkdir -p dist\ndocker run --rm app:build tar -C /out -c . | tar -x -C dist\n${FINAL}rm -rf dist\n`, {
      Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\n',
    });
    expect(out['build.sh']).toBe(FINAL);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it("sh -c 'cd … && tar -c …' | tar -x", () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build sh -c 'cd /out && tar -c app' | tar -xf - -C .\n${FINAL}`);
    expect(out['build.sh']).toBe(FINAL);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('docker run --rm -v "$PWD/out:/out" … cp', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker run --rm -v "$PWD/bin:/target" app:build cp /out/app /target/\n${FINAL}rm -rf bin\n`, {
      Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n',
    });
    expect(out['build.sh']).toBe(FINAL);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('a build at run time: docker run --name, -e and -w become WORKDIR, ENV and an exec-form RUN', () => {
    // (set -e: the script stops when the build fails, as the merged build does)
    const out = migrate(`set -e\ndocker build -t app:build -f Dockerfile.build .\ndocker run --name x -e CGO_ENABLED=0 -w /src app:build go build -o /out/app .\ndocker cp x:/out/app ./app\ndocker rm x\n${FINAL}`, {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\n',
    });
    expect(out['build.sh']).toBe(`set -e\n${FINAL}`);
    expect(out['Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nWORKDIR /src\nENV CGO_ENABLED="0"\nRUN ["go", "build", "-o", "/out/app", "."]\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCMD ["app"]\n');
  });

  it("a build at run time by the image's own CMD, through create + start", () => {
    const out = migrate(`set -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker start -a x\ndocker cp x:/out/app ./app\ndocker rm x\n${FINAL}`, {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nCMD go build -o /out/app .\n',
    });
    expect(out['build.sh']).toBe(`set -e\n${FINAL}`);
    expect(out['Dockerfile']).toContain('CMD go build -o /out/app .\nRUN ["/bin/sh", "-c", "go build -o /out/app ."]\n');
  });

  it('a folder artifact, and a file copied into an existing folder (trailing slash)', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out ./out\ndocker cp x:/out/app ./bin/\ndocker rm x\n${FINAL}`, {
      Dockerfile: 'FROM alpine:3.19\nCOPY out /srv/\nCOPY bin/app /usr/local/bin/app\n',
      'bin/.keep': '',
    });
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out /srv/\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('a renamed folder read through a path inside it', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out ./dist\ndocker rm x\n${FINAL}`, {
      Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\n',
    });
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('a renamed file (docker cp x:/out/app ./gateway) copied to a named destination', () => {
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./gateway\ndocker rm x\n${FINAL}`, {
      Dockerfile: 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/gateway\n',
    });
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/gateway\n');
  });
});

describe('tar options of a stream extraction', () => {
  const plan = (pipe: string) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist /srv\n', 'build.sh': `set -e\ndocker build -t app:build -f Dockerfile.build .\nmkdir -p dist\n${pipe}\n${FINAL}` });
  const errors = (p: ReturnType<typeof plan>) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`));

  it('an option that changes the files, names or modes passed on refuses HOST_POSTPROCESS at the tar that has it', () => {
    for (const [pipe, line] of [
      ["docker run --rm app:build tar -C /out -c --exclude='*.map' . | tar -x -C dist", 4],
      ['docker run --rm app:build tar -C /out -ch . | tar -x -C dist', 4],
      ['docker run --rm app:build tar -C /out --mode=0755 -c . | tar -x -C dist', 4],
      ['docker run --rm app:build tar -C /out -c . | tar -x --no-same-permissions -C dist', 4],
      ['docker run --rm app:build tar -C /out -c . | tar -x --strip-components=1 -C dist', 4],
      ['docker run --rm app:build tar -C /out -c . | tar -xk -C dist', 4],
      ['docker run --rm app:build tar -C /out -c . | tar -x -C dist ./app', 4],
    ] as const) {
      expect(errors(plan(pipe)), pipe).toEqual([`HOST_POSTPROCESS:${line}`]);
    }
  });

  it('verbose, compression, owner and time options change nothing copied: migrated', () => {
    for (const pipe of ['docker run --rm app:build tar -C /out -czvf - . | tar -xzpmo -C dist', 'docker run --rm app:build tar --directory=/out --create --gzip . | tar --extract --gunzip --no-same-owner --touch -C dist']) {
      expect(errors(plan(pipe)), pipe).toEqual([]);
    }
  });
});

describe('applyChmod', () => {
  it('reads octal and symbolic modes as chmod does (umask 022 for bare +/=)', () => {
    expect(applyChmod(0o644, '+x')).toBe(0o755);
    expect(applyChmod(0o644, 'u+x')).toBe(0o744);
    expect(applyChmod(0o644, '700')).toBe(0o700);
    expect(applyChmod(0o755, 'go-rx')).toBe(0o700);
    expect(applyChmod(0o644, 'a=rx')).toBe(0o555);
    expect(applyChmod(0o644, 'u+s')).toBeNull();
  });

  it('X is execute only where some execute bit is set; a bare - keeps the umask bits too (as GNU chmod under umask 022)', () => {
    expect(applyChmod(0o644, '+X')).toBe(0o644);
    expect(applyChmod(0o644, 'a+X')).toBe(0o644);
    expect(applyChmod(0o744, '+X')).toBe(0o755);
    expect(applyChmod(0o644, 'u+x,go+X')).toBe(0o755);
    expect(applyChmod(0o777, '-w')).toBe(0o577);
    expect(applyChmod(0o777, 'a-w')).toBe(0o555);
  });
});

describe('loops over services', () => {
  const svc = (name: string) => ({
    [`${name}/Dockerfile.build`]: `FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/${name} .\n`,
    [`${name}/Dockerfile`]: `FROM alpine:3.19\nCOPY ${name} /usr/local/bin/${name}\n`,
  });
  const LOOP = [
    '#!/bin/sh',
    'set -e',
    'for svc in api worker; do',
    '  docker build -t "$svc:build" -f "$svc/Dockerfile.build" "$svc"',
    '  docker create --name "$svc-x" "$svc:build"',
    '  docker cp "$svc-x:/out/$svc" "$svc/$svc"',
    '  docker rm "$svc-x"',
    '  docker build -t "$svc:latest" "$svc"',
    'done',
    '',
  ].join('\n');

  it('gives each service its own multi-stage Dockerfile and keeps one build per service in the loop', () => {
    const files = { ...svc('api'), ...svc('worker'), 'build.sh': LOOP };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => [s.id, s.status])).toEqual([
      ['build.sh:4 [svc=api]', 'migrate'],
      ['build.sh:4 [svc=worker]', 'migrate'],
    ]);
    const out = applied(files, plan);
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\nfor svc in api worker; do\n  docker build -t "$svc:latest" "$svc"\ndone\n');
    expect(out['api/Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/api /usr/local/bin/api\n');
    expect(out['worker/Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/worker /usr/local/bin/worker\n');
    expect(out['api/Dockerfile.build']).toBeUndefined();
    expect(out['worker/Dockerfile.build']).toBeUndefined();
  });

  it('refuses every pass when one pass cannot be migrated (the body is shared)', () => {
    const files = { ...svc('api'), ...svc('worker'), 'worker/Dockerfile': 'FROM alpine:3.19\nCOPY . /srv/\n', 'build.sh': LOOP };
    const plan = planFiles(files);
    expect(plan.changes).toEqual([]);
    const api = plan.setups.find((s) => s.id.includes('api'))!;
    expect(api.status).toBe('refused');
    expect(api.diagnostics.map((d) => d.code)).toContain('LOOP_INCONSISTENT');
  });
});

describe('builds that write straight into a mounted folder', () => {
  const RUN = (cmd: string) => `docker build -t app:build -f Dockerfile.build .\nmkdir -p out\n${cmd}\ndocker build -t app:latest .\nrm -rf out\n`;
  const files = (script: string) => ({
    'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n',
    'build.sh': script,
  });

  it('the builder stage creates the folder and runs the same command', () => {
    const f = files(`set -e\n${RUN('docker run --rm -v "$PWD/out:/out" -e CGO_ENABLED=0 app:build go build -o /out/app .')}`);
    const plan = planFiles(f);
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')])).toEqual([['migrate', []]]);
    const out = applied(f, plan);
    expect(out['build.sh']).toBe('set -e\ndocker build -t app:latest .\n');
    expect(out['Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN ["mkdir", "-p", "/out"]\nENV CGO_ENABLED="0"\nRUN ["go", "build", "-o", "/out/app", "."]\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('refuses a build that reads the repository through the mount', () => {
    const f = files('docker build -t app:build -f Dockerfile.build .\ndocker run --rm -v "$PWD:/src" -w /src app:build go build -o out/app .\ndocker build -t app:latest .\n');
    const plan = planFiles({ ...f, Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n' });
    expect(plan.changes).toEqual([]);
  });
});

describe('flags of the runtime COPY line that copies an artifact', () => {
  it('--parents (which would keep the stage folders under the destination) or an unknown flag refuses; --chown, --chmod and --link are carried', () => {
    for (const flag of ['--parents', '--keep-git-dir=true']) {
      const files = { 'Dockerfile.build': BUILDER, Dockerfile: `# syntax=docker/dockerfile:1.7-labs\nFROM alpine:3.19\nCOPY ${flag} app /usr/local/bin/\n`, 'build.sh': `docker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\n${FINAL}` };
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`)), flag).toEqual([['ARTIFACT_IN_BROAD_COPY:3']]);
    }
    const out = migrate(`docker build -t app:build -f Dockerfile.build .\ndocker run --rm app:build cat /out/app > app\n${FINAL}`, { Dockerfile: 'FROM alpine:3.19\nCOPY --link --chown=1:1 app /usr/local/bin/\n' });
    expect(out['Dockerfile']).toContain('COPY --link --chown=1:1 --from=builder --chmod=644 /out/app /usr/local/bin/\n');
  });
});

describe('a relative path in docker cp', () => {
  it('is refused: docker reads it from the root, podman from the working directory', () => {
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': `docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:out/app ./app\ndocker rm x\n${FINAL}` });
    expect(plan.setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`))).toEqual([['DYNAMIC_ARTIFACT_PATH:3']]);
  });
});

describe('a docker cp source ending in /./', () => {
  it('is refused: docker copies the contents, podman the folder itself into an existing folder; `/.` is read', () => {
    const files = (src: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /usr/local/bin/\n', 'build.sh': `set -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\nmkdir -p dist\ndocker cp x:${src} dist\ndocker rm x\n${FINAL}` });
    const plan = planFiles(files('/out/./'));
    const errors = plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
    expect(errors.map((d) => `${d.code}:${d.line}`)).toEqual(['DYNAMIC_ARTIFACT_PATH:5']);
    expect(errors[0]!.hint).toContain('Write `/out/.` (the contents, as docker copies them) or `/out` (the folder itself)');
    expect(planFiles(files('/out/.')).setups.flatMap((s) => s.diagnostics.map((d) => d.code))).not.toContain('DYNAMIC_ARTIFACT_PATH');
  });
});
