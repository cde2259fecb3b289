/**
 * An extracted file copied into place on the host before the runtime build copies the copy:
 * `docker cp x:/out/app ./app`, `cp app bin/app`, `COPY bin/app …`. The copy is an artifact of
 * the same container path: the runtime COPY reads it from the builder stage, with the mode the
 * host copy had (`install -m`), and the cp goes with the extraction. Anything that is not
 * exactly such a copy leaves bin/app a host file nothing extracted (ARTIFACT_UNUSED).
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\nCMD ["app"]\n';

const repo = (copy: string[], opts: { before?: string[]; builder?: string; extra?: Record<string, string> } = {}) => ({
  'Dockerfile.build': opts.builder ?? BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  ...opts.extra,
  'build.sh': ['#!/bin/sh', 'set -e', ...(opts.before ?? ['mkdir -p bin']), 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', ...copy, 'docker build -t app:latest .', ''].join('\n'),
});

const codes = (files: Record<string, string>) => planFiles(files).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('an extracted file copied into place on the host', () => {
  it('reads the copy from the builder stage, with the mode the copy had, and drops the cp', () => {
    for (const [copy, line] of [
      ['cp app bin/app', 'COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app'],
      ['cp -p app bin/app', 'COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app'],
      ['cp -f app ./bin/app', 'COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app'],
      ['install -m 0750 app bin/app', 'COPY --from=builder --chown=0:0 --chmod=750 /out/app /usr/local/bin/app'],
      ['install app bin/app', 'COPY --from=builder --chown=0:0 --chmod=755 /out/app /usr/local/bin/app'],
    ] as const) {
      const files = repo([copy]);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), copy).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile, copy).toContain(`${line}\n`);
      expect(out['build.sh'], copy).not.toContain(copy);
    }
  });

  it('leaves a copy it cannot prove exact as it was: nothing extracted feeds the runtime build', () => {
    const cases: [string, Record<string, string>][] = [
      ['no bin folder: the old cp failed', repo(['cp app bin/app'], { before: [] })],
      ['the script sets its umask', repo(['cp app bin/app'], { before: ['mkdir -p bin', 'umask 077'] })],
      ['bin/app is in the repository', repo(['cp app bin/app'], { extra: { 'bin/app': 'old\n' } })],
      ['something names bin/app first', repo(['ls -l bin/app || true', 'cp app bin/app'])],
      ['a flag the fold does not read', repo(['cp -u app bin/app'])],
      ['install with a symbolic mode', repo(['install -m u+x app bin/app'])],
      ['not proven a file', repo(['cp app bin/app'], { builder: 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN make install PREFIX=/out\n' })],
    ];
    for (const [why, files] of cases) expect(codes(files), why).toEqual(['ARTIFACT_UNUSED']);
  });

  it('says which copy it did not take into the extraction, and why, where that copy is the first use of the file', () => {
    const message = (files: Record<string, string>) => planFiles(files).setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_UNUSED')!.message;
    expect(message(repo(['cp app bin/app'], { before: [] }))).toContain('`cp app bin/app` (build.sh:7) copies it to bin/app on the host, a copy the tool takes into the extraction only when it is exact, and here the folder bin is not surely there when it runs');
    expect(message(repo(['cp app bin/app'], { before: ['mkdir -p bin', 'umask 077'] }))).toContain('the script sets a umask of its own before it');
    expect(message(repo(['cp app bin/app'], { extra: { 'bin/app': 'old\n' } }))).toContain('bin/app may already be there when it runs');
    expect(message(repo(['ls -l bin/app || true', 'cp app bin/app']))).toContain('a command before it names bin/app');
    expect(message(repo(['cp app bin/app'], { builder: 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN make install PREFIX=/out\n' }))).toContain('the builder stage does not prove /out/app a file, and without -a cp copies no folder');
    expect(planFiles(repo(['cp app bin/app'], { before: [] })).setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_UNUSED')!.hint).toBe('Copy the file out of the container straight to bin/app (`docker cp …:/out/app bin/app`), or migrate by hand.');
    // A flag the fold does not read is no copy it knows: the plain message.
    expect(message(repo(['cp -u app bin/app']))).toMatch(/is not copied into any image built later in this script$/);
  });

  it('folds a copy whose folder is made between the extraction and the copy (`mkdir -p bin`, then `cp app bin/app`)', () => {
    for (const make of [['mkdir -p bin'], ['mkdir bin'], ['mkdir -p ./bin']]) {
      const files = repo([...make, 'cp app bin/app'], { before: [] });
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), make.join('; ')).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile, make.join('; ')).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
      expect(out['build.sh'], make.join('; ')).not.toContain('cp app bin/app');
    }
    // a mkdir that makes the destination itself a folder (the copy lands in it, bin/app/app), or one of a folder only known at run time, is no such step
    expect(planFiles(repo(['mkdir -p bin/app', 'cp app bin/app'], { before: [] })).setups.map((s) => s.status)).toEqual(['refused']);
    expect(codes(repo(['mkdir -p "$BIN_DIR"', 'cp app bin/app'], { before: ['mkdir -p bin'] }))).toEqual(['ARTIFACT_UNUSED']);
  });

  it('gives a copy of a file the shell wrote (`cat > app`, 0644) the mode that file had', () => {
    const files = repo(['cp app bin/app']);
    files['build.sh'] = files['build.sh'].replace('docker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\n', 'docker run --rm app:build cat /out/app > app\n');
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan).Dockerfile).toContain('COPY --from=builder --chown=0:0 --chmod=644 /out/app /usr/local/bin/app\n');
  });

  it('folds a copy into the folder the script made (`cp app bin/`, `cp app bin`), landing at bin/app', () => {
    for (const copy of ['cp app bin/', 'cp app bin', 'install -m 0750 app bin/']) {
      const files = repo([copy]);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), copy).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile, copy).toContain(`COPY --from=builder --chown=0:0 ${copy.startsWith('install') ? '--chmod=750 ' : ''}/out/app /usr/local/bin/app\n`);
      expect(out['build.sh'], copy).not.toContain(copy);
    }
    // no folder there: `cp app bin/` failed
    expect(codes(repo(['cp app bin/'], { before: [] }))).toEqual(['ARTIFACT_UNUSED']);
  });

  it('folds a copy of a file taken out of a detached container that only idled (`docker run -d … tail -f /dev/null`)', () => {
    const files = repo(['cp -p app bin/app']);
    files['build.sh'] = files['build.sh'].replace('docker create --name x app:build\n', 'docker run -d --name x app:build tail -f /dev/null\n').replace('docker rm x\n', 'docker rm -f x\n');
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan).Dockerfile).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    // one that ran a build is no proof the path is a file
    const built = repo(['cp -p app bin/app']);
    built['build.sh'] = built['build.sh'].replace('docker create --name x app:build\n', 'docker run --name x app:build go build -o /out/app .\n');
    expect(codes(built)).toEqual(['ARTIFACT_UNUSED']);
  });

  it('folds a copy of a file renamed into place first (`docker cp x:/out/app ./.app.partial`, `mv -f ./.app.partial ./app`, `cp app bin/app`)', () => {
    for (const mv of ['mv ./.app.partial ./app', 'mv -f .app.partial app']) {
      const files = repo([mv, 'cp app bin/app']);
      files['build.sh'] = files['build.sh'].replace('docker cp x:/out/app ./app\n', 'docker cp x:/out/app ./.app.partial\n');
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), mv).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile, mv).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
      expect(out['build.sh'], mv).not.toMatch(/mv |cp app/);
    }
  });

  it('folds a copy made in the function that holds the whole pipeline, called once', () => {
    // (the folder made before the function: a mkdir in its body reads as made on some paths only, src/analyze/host-dirs.ts)
    const body = repo(['cp app bin/app'])['build.sh'].split('\n').slice(3).filter((l) => l !== '');
    const files = { ...repo([]), 'build.sh': ['#!/bin/sh', 'set -e', 'mkdir -p bin', 'build_app() {', ...body.map((l) => `  ${l}`), '}', 'build_app "$@"', ''].join('\n') };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan).Dockerfile).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    // a copy under a condition of its own, in that body, still runs on other paths than the extraction
    const guarded = { ...files, 'build.sh': files['build.sh'].replace('  cp app bin/app\n', '  if [ -n "${STAGE:-}" ]; then cp app bin/app; fi\n') };
    expect(codes(guarded)).toEqual(['ARTIFACT_UNUSED']);
  });

  it('folds the copy of a streamed file the script made executable first (`cat > app`, `chmod +x app`, `cp app bin/app`), with the mode it then had', () => {
    for (const [chmod, copy, flag] of [
      ['chmod +x app', 'cp app bin/app', '--chmod=755'],
      ['chmod 0750 app', 'cp -p app bin/app', '--chmod=750'],
      ['chmod 0700 app', 'install app bin/app', '--chmod=755'],
    ] as const) {
      const files = repo([chmod, copy]);
      files['build.sh'] = files['build.sh'].replace('docker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\n', 'docker run --rm app:build cat /out/app > app\n');
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), `${chmod}; ${copy}`).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile, `${chmod}; ${copy}`).toContain(`COPY --from=builder --chown=0:0 ${flag} /out/app /usr/local/bin/app\n`);
      expect(out['build.sh'], `${chmod}; ${copy}`).not.toMatch(/chmod|cp app|install app/);
    }
    // under a umask of the script's own, the mode `chmod +x` gives is not known
    const umasked = repo(['chmod +x app', 'cp -p app bin/app'], { before: ['mkdir -p bin', 'umask 077'] });
    umasked['build.sh'] = umasked['build.sh'].replace('docker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\n', 'docker run --rm app:build cat /out/app > app\n');
    expect(planFiles(umasked).setups.map((s) => s.status)).toEqual(['refused']);
  });

  it('keeps a copy the runtime build does not read as the host step it was', () => {
    const files = { ...repo(['cp app bin/app']), Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n' };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    const script = applied(files, plan)['build.sh']!;
    expect(script).toContain('docker build --target export --output type=local,dest=. -f Dockerfile .\ncp app bin/app\n');
  });

  it('refuses a plain cp of a file whose stage mode the umask would change', () => {
    const builder = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && chmod 0775 /out/app\n';
    expect(codes(repo(['cp app bin/app'], { builder }))).toEqual(['EXTRACTION_MODE_CHANGED']);
    expect(planFiles(repo(['cp -p app bin/app'], { builder })).setups.map((s) => s.status)).toEqual(['migrate']);
  });
});

describe('a copy into place made while the container is still there', () => {
  const amid = (between: string[], dockerfile = RUNTIME) => ({
    'Dockerfile.build': BUILDER,
    Dockerfile: dockerfile,
    'main.go': 'package main\n',
    'build.sh': ['#!/bin/sh', 'set -e', 'mkdir -p bin', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', ...between, 'docker rm x', 'docker build -t app:latest .', ''].join('\n'),
  });
  it('between `docker cp` and `docker rm` is folded as one after them', () => {
    const f = amid(['cp -fp ./app ./bin/']);
    expect(codes(f)).toEqual([]);
    const out = applied(f, planFiles(f));
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app');
    expect(out['build.sh']).toBe('#!/bin/sh\nset -e\nmkdir -p bin\ndocker build -t app:latest .\n');
    // a folder made only for it, copied whole
    const folder = amid(['cp app bin/app'], 'FROM alpine:3.19\nCOPY bin/ /usr/local/bin/\nCMD ["app"]\n');
    expect(codes(folder)).toEqual([]);
    expect(applied(folder, planFiles(folder))['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app');
  });
  it('a step before it that changes the file still keeps it from folding', () => {
    expect(codes(amid(['strip app', 'cp app bin/app']))).toContain('ARTIFACT_UNUSED');
  });
});
