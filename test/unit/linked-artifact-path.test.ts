/**
 * An artifact extracted through a symbolic link the repository holds lands at the link's target
 * under another name (src/plan/linked-artifact-path.ts): refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDir } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY bin/tool /usr/local/bin/tool\n',
  'main.go': 'package main\n',
  'build/bin/.keep': '',
  'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./bin/tool', 'docker rm x', 'docker build -t app .', 'sha256sum build/bin/tool', ''].join('\n'),
};

function planWith(link: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-linked-dest-'));
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    if (link) fs.symlinkSync('build/bin', path.join(dir, 'bin'));
    else fs.mkdirSync(path.join(dir, 'bin'));
    return planDir(dir).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('an artifact extracted through a symbolic link of the repository', () => {
  it('is refused: docker writes it at the link\'s target, which later commands read by their own name', () => {
    expect(planWith(true)).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
  });

  it('a real folder there migrates', () => {
    expect(planWith(false)).toEqual([['migrate']]);
  });
});
