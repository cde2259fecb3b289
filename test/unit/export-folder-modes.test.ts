/**
 * The exporter (`--output type=local,dest=DIR`) keeps DIR's own mode but gives every folder it
 * writes below DIR the export stage's mode (seen on podman: a `mkdir -m 700 dist` became 0755),
 * where the extraction only put files into the host's folder. A folder the host already has and
 * the extraction filled (`docker cp x:/out/. dist/`, a bind mount of it) is therefore the export
 * build's destination itself; files in several such folders (`bin/app`, `dist/lib`) would be
 * written through their common folder, and refuse.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  'main.go': 'package main\n',
};
const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
const script = (lines: string[]) => ['#!/bin/sh', 'set -e', ...lines, ''].join('\n');

describe('folders the export build writes', () => {
  it('writes into a folder the host already has, that the extraction filled, as the destination itself', () => {
    const files = {
      ...BASE,
      Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /usr/local/bin/\n',
      'build.sh': script(['mkdir -m 700 dist', 'docker build -t relay:build -f Dockerfile.build .', 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/. dist/', 'docker rm relay-x', 'docker build -t relay:latest .', 'sha256sum dist/relay']),
    };
    const plan = planFiles(files);
    expect(errors(plan)).toEqual([]);
    const out = applied(files, plan);
    expect(out['Dockerfile']).toMatch(/^FROM scratch AS export\nCOPY --from=builder \/out \/\n/m);
    expect(out['build.sh']).toContain('mkdir -m 700 dist\ndocker build --target export --output type=local,dest=dist -f Dockerfile .\n');
  });

  it('refuses files in several folders the host has, written through their common folder', () => {
    const files = {
      ...BASE,
      Dockerfile: 'FROM alpine:3.19\nCOPY bin/relay /usr/local/bin/relay\nCOPY dist/relay2 /usr/local/bin/relay2\n',
      'build.sh': script(['mkdir -p bin dist', 'docker build -t relay:build -f Dockerfile.build .', 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/relay bin/relay', 'docker cp relay-x:/out/relay dist/relay2', 'docker rm relay-x', 'docker build -t relay:latest .', 'sha256sum bin/relay dist/relay2']),
    };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('refused');
    expect(errors(plan).map((d) => d.code)).toEqual(['ARTIFACT_USED_ON_HOST']);
    expect(errors(plan)[0]!.message).toContain('would write the root with bin, dist in it, folders the host may already hold: the exporter gives them the export stage\'s mode');
  });
});

describe('a folder whose own mode the extraction set', () => {
  it('refuses tar\'s `./` entry into a folder the host has: tar gives it the container folder\'s mode, the exporter neither that nor its own', () => {
    const files = {
      ...BASE,
      Dockerfile: 'FROM alpine:3.19\nCOPY dist/relay /usr/local/bin/relay\n',
      'build.sh': script(['mkdir -p dist', 'docker build -t relay:build -f Dockerfile.build .', 'docker run --rm relay:build tar -c -C /out . | tar -x -C dist', 'docker build -t relay:latest .', 'sha256sum dist/relay']),
    };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('refused');
    expect(errors(plan).map((d) => d.code)).toEqual(['ARTIFACT_USED_ON_HOST']);
    expect(errors(plan)[0]!.message).toContain('would write the root with dist in it, a folder the host may already hold');
  });
});

describe('the export build\'s destination', () => {
  it('refuses a folder whose name `--output type=local,dest=…` cannot hold (a comma ends the option)', () => {
    const files = {
      ...BASE,
      Dockerfile: 'FROM alpine:3.19\nCOPY out,v2/relay /usr/local/bin/relay\n',
      'build.sh': script(['mkdir -p out,v2', 'docker build -t relay:build -f Dockerfile.build .', 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/relay out,v2/relay', 'docker rm relay-x', 'docker build -t relay:latest .', 'sha256sum out,v2/relay']),
    };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('refused');
    expect(errors(plan).map((d) => d.code)).toEqual(['ARTIFACT_USED_ON_HOST']);
    expect(errors(plan)[0]!.message).toContain('which `--output type=local,dest=…` cannot name');
  });
});

describe('a folder the extraction made whole', () => {
  // `docker cp x:/out ./dist` with no dist before: the folder's own mode and time are the
  // container folder's; the export build gives it COPY's 0755 and the time of the export.
  const FOLDER_BUILD = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN mkdir -p /out/bin /out/empty && go build -o /out/bin/relay . && ln /out/bin/relay /out/bin/relay-hard && chmod 0750 /out\n';
  const folderRepo = (after: string) => ({
    'Dockerfile.build': FOLDER_BUILD,
    'main.go': 'package main\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY dist /srv/\n',
    'build.sh': script(['rm -rf dist', 'docker build -t relay:build -f Dockerfile.build .', 'docker create --name relay-x relay:build', 'docker cp relay-x:/out ./dist', 'docker rm relay-x', 'docker build -t relay:latest .', after]),
  });

  it('refuses an archive, a copy or a listing of the folder itself, or of a folder holding it', () => {
    for (const after of ['tar czf release.tgz dist', 'cp -a dist release', 'ls -ld dist > manifest.txt', 'zip -r release.zip .', 'rsync -a dist/ host:/srv/']) {
      const plan = planFiles(folderRepo(after));
      expect(plan.setups[0]!.status, after).toBe('refused');
      expect(errors(plan).map((d) => [d.code, d.line]), after).toEqual([['ARTIFACT_USED_ON_HOST', 9]]);
    }
    expect(errors(planFiles(folderRepo('tar czf release.tgz dist')))[0]!.message).toContain('`tar czf release.tgz dist` reads the folder dist itself, which `docker cp relay-x:/out ./dist` made whole: the export build would make it with the mode COPY gives a folder it makes and the time of the export');
  });

  it('refuses so where the runtime build copies a file from the folder, which proves it one', () => {
    const files = { ...folderRepo('tar czf release.tgz dist'), Dockerfile: 'FROM alpine:3.19\nCOPY dist/bin/relay /usr/local/bin/relay\n' };
    expect(errors(planFiles(files)).map((d) => [d.code, d.line])).toEqual([['ARTIFACT_USED_ON_HOST', 9]]);
  });

  it('exports a folder whose files alone are read afterwards, and one the host made before', () => {
    for (const after of ['ls -d dist', 'cat dist/bin/relay > relay.copy', 'node tools/sign.js dist']) expect(errors(planFiles(folderRepo(after))), after).toEqual([]);
    const files = folderRepo('sha256sum dist/bin/relay > SUMS');
    const plan = planFiles(files);
    expect(errors(plan)).toEqual([]);
    expect(applied(files, plan)['build.sh']).toContain('docker build --target export --output type=local,dest=. -f Dockerfile .\n');
  });
});
