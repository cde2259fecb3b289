/**
 * One place knows how Docker Hub images are spelled (src/model/image-ref.ts): canonicalImage
 * maps `alpine`, `library/alpine`, `docker.io/library/alpine:latest` and
 * `index.docker.io/library/alpine` to one name, and spellingsOf lists the spellings the tag
 * search (src/plan/tag-mentions.ts) and the run-time image check (src/analyze/unknown-image.ts)
 * look for. Every listed spelling maps back to the same canonical name.
 */
import { describe, expect, it } from 'vitest';
import { canonicalImage, spellingsOf } from '../../src/model/image-ref.js';
import { planFiles } from '../support/plan.js';

describe('canonicalImage', () => {
  it('names a Docker Hub image the same under every registry prefix and with or without library/', () => {
    const official = ['alpine', 'alpine:latest', 'library/alpine', 'docker.io/alpine', 'docker.io/library/alpine:latest', 'index.docker.io/alpine', 'index.docker.io/library/alpine'];
    expect(new Set(official.map(canonicalImage))).toEqual(new Set(['alpine:latest']));
    const team = ['acme/app:build', 'docker.io/acme/app:build', 'index.docker.io/acme/app:build'];
    expect(new Set(team.map(canonicalImage))).toEqual(new Set(['acme/app:build']));
  });

  it('leaves other registries and namespaces as written', () => {
    expect(canonicalImage('ghcr.io/library/app')).toBe('ghcr.io/library/app:latest');
    expect(canonicalImage('registry:5000/app:1')).toBe('registry:5000/app:1');
    expect(canonicalImage('acme/library/app')).toBe('acme/library/app:latest');
    expect(canonicalImage('app@sha256:abc')).toBe('app@sha256:abc');
  });
});

describe('spellingsOf', () => {
  it('lists the spellings of an official and of a namespaced image, each mapping back', () => {
    for (const ref of ['app:build', 'app', 'acme/app:build', 'registry:5000/app:1']) {
      const all = spellingsOf(ref);
      expect(new Set(all.map(canonicalImage)), ref).toEqual(new Set([canonicalImage(ref)]));
    }
    expect(spellingsOf('app')).toEqual(expect.arrayContaining(['app', 'app:latest', 'library/app', 'docker.io/library/app:latest', 'index.docker.io/library/app']));
    expect(spellingsOf('acme/app:build')).toEqual(['acme/app:build', 'docker.io/acme/app:build', 'index.docker.io/acme/app:build']);
  });
});

describe('a builder image spelled another way', () => {
  const DOCKERFILES = {
    'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
    'main.go': 'package main\n\nfunc main() {}\n',
  };

  it('links an extraction from library/NAME or index.docker.io/NAME to the build tagged NAME', () => {
    for (const spelled of ['library/app:build', 'index.docker.io/library/app:build', 'docker.io/app:build']) {
      const build = `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x ${spelled}\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n`;
      const plan = planFiles({ ...DOCKERFILES, 'build.sh': build });
      expect({ spelled, status: plan.setups.map((s) => s.status) }).toEqual({ spelled, status: ['migrate'] });
      expect(plan.changes.find((c) => c.path === 'build.sh')?.after).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n');
    }
  });
});
