/**
 * Docker commands the model does not read, after the builder build, that may name or list the
 * builder image (src/analyze/unknown-image.ts): `docker save "$IMG"`, or a listing whose output
 * the script keeps (`docker images -q app`, `--filter reference='app:*'`). The old script left
 * the builder image for them to find; they keep the builder build.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const repo = (after: string) => ({
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
  'build.sh': `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm app\n${after}\n`,
});
/** Whether the migrated build.sh still builds the builder image. */
const keepsBuilder = (after: string) => {
  const files = repo(after);
  const plan = planFiles(files);
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  return applied(files, plan)['build.sh']!.includes('docker build --target builder -t app:build -f Dockerfile .');
};

describe('docker commands the model does not read that may name the builder image', () => {
  it('keeps the builder build for a save of an image only known at run time', () => {
    expect(keepsBuilder('docker save "$IMG" -o image.tar')).toBe(true);
    expect(keepsBuilder('docker image inspect "$IMG" > inspect.json')).toBe(true);
  });

  it('keeps it for a listing by repository or reference whose output the script keeps', () => {
    expect(keepsBuilder('for img in $(docker images -q app); do docker save "$img" -o "$img.tar"; done')).toBe(true);
    expect(keepsBuilder("docker images --filter reference='app:*' --format '{{.Tag}}' > tags.txt")).toBe(true);
    expect(keepsBuilder('docker image ls --filter=reference=app:b* -q | xargs docker save -o all.tar')).toBe(true);
    expect(keepsBuilder('docker images -q > all-images.txt')).toBe(true);
    // Piped to a program whose status or output to a file depends on what it reads.
    expect(keepsBuilder('docker images app | grep -q build')).toBe(true);
    expect(keepsBuilder('docker images app | head -n 3 > top.txt')).toBe(true);
  });

  it('keeps it for a push of every tag or a save of the repository the builder image is in', () => {
    for (const after of ['docker push --all-tags app', 'docker push -a docker.io/library/app', 'docker save -o all.tar app', 'docker image save app > all.tar', 'docker save --output all.tar app']) expect(keepsBuilder(after), after).toBe(true);
    // one tag of it, or another repository
    for (const after of ['docker push app:latest', 'docker save -o app.tar app:latest', 'docker push --all-tags web', 'docker save -o app web']) expect(keepsBuilder(after), after).toBe(false);
  });

  it('lets it go for a listing printed to the terminal, or one that cannot hold it', () => {
    expect(keepsBuilder('docker images app')).toBe(false);
    // Shown through programs that only show it, whatever it holds.
    expect(keepsBuilder('docker images | head -n 3')).toBe(false);
    expect(keepsBuilder('docker images app | sort | less')).toBe(false);
    expect(keepsBuilder("docker images --filter reference='web:*' -q > web.txt")).toBe(false);
    expect(keepsBuilder('docker images -q app:latest > latest.txt')).toBe(false);
  });
});
