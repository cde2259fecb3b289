/**
 * A runtime COPY source written through a variable (src/analyze/copy-variables.ts): where the
 * value the build gives it (an ARG's default, a `--build-arg`, an ENV) names the artifact, and
 * every build of the file gives it that value, the line is rewritten as a literal one would be;
 * where it may name it (a value not known, a folder holding it, a pattern), the setup is refused
 * (merged, the context no longer holds the file it read); where it names another file, the
 * setup migrates as before and the line is left alone.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const script = (runtimeFlags: string) =>
  ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', `docker build ${runtimeFlags}-t app:latest .`, 'rm -f app', ''].join('\n');
const runtime = (...lines: string[]) => ['FROM alpine:3.19', ...lines, 'CMD ["/usr/local/bin/app"]', ''].join('\n');
const repo = (dockerfile: string, flags = '') => ({ 'Dockerfile.build': BUILDER, Dockerfile: dockerfile, 'build.sh': script(flags), 'main.go': 'package main\n', NOTICE: 'n\n', 'vendor/app': 'x\n' });

const errors = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  return { plan, codes: plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.file}:${d.line}`) };
};

describe('a runtime COPY source written through a variable', () => {
  it('rewrites a second COPY whose --build-arg value names the artifact (left alone, the build would fail, the file gone)', () => {
    const files = repo(runtime('ARG EXTRA=NOTICE', 'COPY app /usr/local/bin/app', 'COPY ${EXTRA} /etc/app/'), '--build-arg EXTRA=app ');
    const { plan, codes } = errors(files);
    expect(codes).toEqual([]);
    const after = applied(files, plan);
    expect(after['Dockerfile']).toContain('ARG EXTRA=NOTICE\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCOPY --from=builder --chown=0:0 /out/app /etc/app/\n');
    expect(after['build.sh']).toContain('docker build --build-arg EXTRA=app -t app:latest .');
  });

  it('migrates a COPY through an ARG whose default (or an ENV) names the artifact as a literal would, and no other build gives it another value', () => {
    const cases: [string[], string][] = [
      [['ARG BIN=app', 'COPY ${BIN} /usr/local/bin/'], 'ARG BIN=app\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/\n'],
      [['ENV BIN=./app', 'COPY $BIN /usr/local/bin/app'], 'ENV BIN=./app\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n'],
      [['ARG DIR=.', 'COPY ["${DIR}/app", "/usr/local/bin/app"]'], 'ARG DIR=.\nCOPY --from=builder --chown=0:0 ["/out/app", "/usr/local/bin/app"]\n'],
    ];
    for (const [lines, merged] of cases) {
      const files = repo(runtime(...lines));
      const { plan, codes } = errors(files);
      expect(codes, lines.join(' / ')).toEqual([]);
      expect(applied(files, plan)['Dockerfile']).toContain(merged);
    }
    // (the final build passing the value the default has reads the same file)
    const passed = repo(runtime('ARG BIN=NOTICE', 'COPY ${BIN} /usr/local/bin/app'), '--build-arg BIN=app ');
    expect(errors(passed).codes).toEqual([]);
  });

  it('still refuses a COPY through a variable naming a folder holding the artifact, or a pattern matching it', () => {
    for (const lines of [['ARG DIR=.', 'COPY ${DIR} /srv/'], ['ARG BIN=ap*', 'COPY ${BIN} /usr/local/bin/']]) {
      expect(errors(repo(runtime(...lines))).codes, lines.join(' / ')).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:3']);
    }
  });

  it('refuses where another build gives the variable a line now naming the artifact literally another value, and migrates one giving it alike', () => {
    const dockerfile = runtime('ARG BIN=app', 'COPY ${BIN} /usr/local/bin/app');
    const withDev = (devFlags: string) => {
      const files = repo(dockerfile);
      return { ...files, 'build.sh': files['build.sh'].replace('rm -f app', `docker build ${devFlags}-t app:dev .\nrm -f app`) };
    };
    // (merged, `COPY --from=builder /out/app` would copy the artifact where this build copied NOTICE)
    expect(errors(withDev('--build-arg BIN=NOTICE ')).codes).toEqual(['RUNTIME_REBUILT:build.sh:8']);
    expect(planFiles(withDev('--build-arg BIN=NOTICE ')).setups[0]!.diagnostics[0]!.message).toContain('`COPY ${BIN}` (Dockerfile:3) reads its source through `BIN`: "NOTICE" in this build, where the setup\'s final build reads "app"');
    expect(errors(withDev('--build-arg BIN ')).codes).toEqual(['RUNTIME_REBUILT:build.sh:8']);
    for (const same of ['', '--build-arg BIN=app ']) {
      const files = withDev(same);
      const { plan, codes } = errors(files);
      expect(codes, same).toEqual([]);
      expect(applied(files, plan)['build.sh']).toContain(`docker build ${same}-t app:dev .`);
    }
    // a compose service building the file with its own `args:`
    const compose = (args: string[]) => ({ ...repo(dockerfile), 'docker-compose.yml': ['services:', '  web:', '    build:', '      context: .', ...args, '    image: app:dev', ''].join('\n') });
    expect(errors(compose(['      args:', '        BIN: NOTICE'])).codes).toEqual(['RUNTIME_REBUILT:docker-compose.yml:2']);
    expect(errors(compose([])).codes).toEqual([]);
  });

  it('refuses a value the tool cannot know that may name the artifact, and not one that cannot', () => {
    // (a bare ARG given from the environment; a variable the base image may set)
    expect(errors(repo(runtime('ARG BIN', 'COPY ${BIN} /usr/local/bin/app'), '--build-arg BIN ')).codes).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:3']);
    expect(errors(repo(runtime('COPY app /usr/local/bin/app', 'COPY ${SOMEWHERE:-NOTICE} /etc/app/'))).codes).toEqual(['DYNAMIC_ARTIFACT_PATH:Dockerfile:3']);
    // its known beginning leads elsewhere: the line is left as it was
    const files = repo(runtime('COPY app /usr/local/bin/app', 'ARG FLAVOUR', 'COPY vendor/${FLAVOUR} /etc/app/'), '--build-arg FLAVOUR ');
    const { plan, codes } = errors(files);
    expect(codes).toEqual([]);
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nARG FLAVOUR\nCOPY vendor/${FLAVOUR} /etc/app/\n');
  });

  it('migrates where the value the build gives names another file', () => {
    const files = repo(runtime('ARG EXTRA=app', 'COPY app /usr/local/bin/app', 'COPY ${EXTRA} /etc/app/'), '--build-arg EXTRA=NOTICE ');
    const { plan, codes } = errors(files);
    expect(codes).toEqual([]);
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\nCOPY ${EXTRA} /etc/app/\n');
  });

  it('refuses where another build of the runtime Dockerfile, with its own arguments, reads the artifact through the variable', () => {
    const dockerfile = runtime('ARG EXTRA=app', 'COPY app /usr/local/bin/app', 'COPY ${EXTRA} /etc/app/');
    const withDev = (devFlags: string) => {
      const files = repo(dockerfile, '--build-arg EXTRA=NOTICE ');
      return { ...files, 'build.sh': files['build.sh'].replace('rm -f app', `docker build ${devFlags}-t app:dev .\nrm -f app`) };
    };
    // (the default names the extracted app: merged, that build fails on a file no longer in the context)
    expect(errors(withDev('')).codes).toEqual(['RUNTIME_REBUILT:build.sh:8']);
    expect(planFiles(withDev('')).setups[0]!.diagnostics[0]!.message).toContain('`COPY ${EXTRA}` (Dockerfile:4) reads its source through `EXTRA`: "app" in this build');
    const same = withDev('--build-arg EXTRA=NOTICE ');
    const { plan, codes } = errors(same);
    expect(codes).toEqual([]);
    expect(applied(same, plan)['build.sh']).toContain('docker build --build-arg EXTRA=NOTICE -t app:dev .');
  });
});

describe('the refusal of a COPY source whose value is not known says why and what to write', () => {
  const refusal = (files: Record<string, string>) => planFiles(files).setups[0]!.diagnostics.find((d) => d.code === 'DYNAMIC_ARTIFACT_PATH')!;
  it('names the variable, not the operator after it, the operator not evaluated, and the literal line to write', () => {
    const d = refusal(repo(runtime('ARG BIN=app.exe', 'COPY ${BIN%.exe} /usr/local/bin/app')));
    expect(d.line).toBe(3);
    expect(d.message).toContain('reads its source through `BIN`:');
    expect(d.message).toContain('`${BIN%.exe}` applies the operator `%.exe` to BIN, which the tool does not evaluate');
    expect(d.hint).toBe('Write the artifact\'s path literally in its COPY line (`COPY app …` at Dockerfile:3), then run the tool again.');
  });
  it('says when a modifier, a variable no ARG or ENV sets, or a value only known at run time is the reason', () => {
    expect(refusal(repo(runtime('COPY ${BIN:-app} /usr/local/bin/app'))).message).toContain('`${BIN:-app}` uses a modifier the tool does not evaluate');
    expect(refusal(repo(runtime('COPY ${BIN} /usr/local/bin/app'))).message).toContain('no ARG or ENV of the stage sets BIN, which the base image may set');
    expect(refusal(repo(runtime('ARG BIN', 'COPY ${BIN} /usr/local/bin/app'), '--build-arg BIN ')).message).toContain("BIN's value is only known when the build runs");
  });
});
