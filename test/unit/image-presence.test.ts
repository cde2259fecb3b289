/**
 * An inspect of the image the runtime build just made, in the same `&&` list, succeeds whenever
 * the build did: a cleanup after it runs on the setup's paths. Any other inspect still puts it
 * under a condition (CONDITIONAL_STEP).
 */
import { describe, expect, it } from 'vitest';
import { fieldsOnlyTemplate } from '../../src/analyze/image-presence.js';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const STEPS = 'docker build -t app:build -f Dockerfile.build . && docker create --name x app:build && docker cp x:/out/app ./app && docker rm x && docker build -t app:latest .';
const INSPECT = "docker image inspect --format '{{json .Config.Cmd}}' app:latest > app.cmd";

/** A script that may remove images: a program the tool does not model. */
const PRUNE = '#!/bin/sh\ndocker image prune -af\n';
const errorCodes = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
/** The setup's steps, then `tail` and a cleanup of the artifact, in one `&&` list of a shell script. */
const shell = (tail: string) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'prune.sh': PRUNE, 'build.sh': `#!/bin/sh\nset -e\n${STEPS} && ${tail} && rm -f app\n` });
/** The same in an npm script. */
const npm = (tail: string) =>
  planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'prune.sh': PRUNE, 'package.json': `${JSON.stringify({ name: 'app', scripts: { image: `${STEPS} && ${tail} && rm -f app` } }, null, 2)}\n` });

describe('an inspect of the image the runtime build just made is no condition', () => {
  it('in an npm script and in a shell script, with or without a template', () => {
    for (const read of [npm, shell]) {
      for (const tail of [INSPECT, 'docker image inspect app:latest > /dev/null', "docker inspect --type image -f '{{.Id}} {{- json .RootFS.Layers -}}' app", "docker image inspect --format='{{.Os}}/{{.Architecture}}' docker.io/library/app:latest > platform"]) {
        const p = read(tail);
        expect(errorCodes(p), tail).toEqual([]);
        expect(p.setups[0]!.status).toBe('migrate');
      }
    }
  });

  it('with only commands between that remove no image', () => {
    expect(errorCodes(shell(`echo built && docker tag app:latest app:1 && ${INSPECT}`))).toEqual([]);
  });
});

describe('any other inspect still puts what follows under a condition', () => {
  const refusals: [string, string][] = [
    ['the builder image, gone once the builds merge', "docker image inspect --format '{{.Id}}' app:build"],
    ['another image', 'docker image inspect alpine:3.19'],
    ['a bare inspect with a template: a container of that name may answer first', "docker inspect --format '{{.Id}}' app:latest"],
    ['a field not every engine has', "docker image inspect --format '{{.ContainerConfig.Cmd}}' app:latest"],
    ['a template that calls a function that may fail', "docker image inspect --format '{{index .RepoTags 1}}' app:latest"],
    ['a template that does not parse', "docker image inspect --format '{{.Id' app:latest"],
    ['two images', 'docker image inspect app:latest alpine:3.19'],
    ['an image removed in between', `docker rmi app:latest && ${INSPECT}`],
    ['a program in between that may run the engine', `./prune.sh && ${INSPECT}`],
    ['a flag it does not know', 'docker image inspect --platform linux/arm64 app:latest'],
  ];
  for (const [why, tail] of refusals) {
    it(why, () => {
      expect(errorCodes(npm(tail))).toEqual(['CONDITIONAL_STEP']);
      expect(errorCodes(shell(tail))).toEqual(['CONDITIONAL_STEP']);
    });
  }
});

describe('fieldsOnlyTemplate', () => {
  it('reads literal text and field actions, nothing else', () => {
    expect(fieldsOnlyTemplate('{{json .}}')).toBe(true);
    expect(fieldsOnlyTemplate('cmd={{json .Config.Cmd}} user={{.Config.User}}')).toBe(true);
    expect(fieldsOnlyTemplate('{{.Config}}')).toBe(true);
    expect(fieldsOnlyTemplate('plain')).toBe(true);
    expect(fieldsOnlyTemplate('a }} b')).toBe(false);
    expect(fieldsOnlyTemplate('{{.Config.Healthcheck}}')).toBe(false);
    expect(fieldsOnlyTemplate('{{.Config.Cmd.X}}')).toBe(false);
    expect(fieldsOnlyTemplate('{{range .RepoTags}}{{.}}{{end}}')).toBe(false);
    expect(fieldsOnlyTemplate('{{ {{.Id}}')).toBe(false);
  });
});
