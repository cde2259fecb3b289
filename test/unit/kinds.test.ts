/** The file-kind registry: one module per kind, and the walker and analyzer agree with it. */
import { describe, expect, it } from 'vitest';
import { candidateOf, FILE_KINDS, kindOf } from '../../src/kinds/registry.js';

describe('file-kind registry', () => {
  it('each entry is the module of its own kind', () => {
    for (const [key, k] of Object.entries(FILE_KINDS)) expect(k.kind).toBe(key);
  });

  it('claims each file for exactly the kind that reads it, and the walker keeps it', () => {
    const cases: [string, string, string | null][] = [
      ['build.sh', 'echo', 'shell'],
      ['scripts/release', '#!/usr/bin/env bash\n', 'shell'],
      ['scripts/notes', 'plain text\n', null],
      ['Makefile', 'all:\n', 'make'],
      ['mk/docker.mk', 'x:\n', 'make'],
      ['web/package.json', '{}', 'package-json'],
      ['.github/workflows/ci.yml', 'on: push\n', 'github-actions'],
      ['.gitlab-ci.yml', 'build:\n', 'gitlab-ci'],
      ['tools/image.mjs', '', 'javascript'],
      ['types/index.d.ts', '', null],
      // A JavaScript file is JavaScript even with a shell shebang.
      ['bin/run.js', '#!/bin/sh\n', 'javascript'],
    ];
    for (const [rel, text, kind] of cases) {
      expect(kindOf(rel, text), rel).toBe(kind);
      const name = rel.split('/').pop()!;
      if (kind !== null) expect(candidateOf(rel, name), rel).not.toBeNull();
    }
    expect(candidateOf('tools/image.mjs', 'image.mjs')).toBe('js');
    expect(candidateOf('README.md', 'README.md')).toBeNull();
    expect(candidateOf('docs/ci.yml', 'ci.yml')).toBeNull();
  });
});
