/**
 * tree-sitter-bash reads `a || b > f` (and `a && b > f`, `a | b > f`) as the whole chain
 * redirected; the shell redirects the last command alone. The reader gives the redirect to that
 * command, so `[ -f app ] || docker run --rm IMG cat /p > app` is read as the extraction it is
 * (and refused, since it runs only when the file is missing) instead of vanishing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { applied, planFiles } from '../support/plan.js';

const redirects = (text: string) => {
  const r = parseShell('build.sh', text);
  if (!r.script) throw new Error(JSON.stringify(r.diagnostics));
  return r.script.commands.map((c) => [c.words.map((w) => w.value).join(' '), c.redirects.map((x) => `${x.fd ?? ''}${x.op}${x.target.value}`)]);
};

describe('redirects after the last command of a chain', () => {
  it('belong to that command, as the shell reads them', () => {
    expect(redirects('[ -f app ] || docker run --rm img cat /p > app\n')).toEqual([
      ['[ -f app ]', []],
      ['docker run --rm img cat /p', ['>app']],
    ]);
    expect(redirects('a && b 2>err > out || c\n')).toEqual([
      ['a', []],
      ['b', ['2>err', '>out']],
      ['c', []],
    ]);
    expect(redirects('a | b > f\n')).toEqual([
      ['a', []],
      ['b', ['>f']],
    ]);
  });

  it('what bash writes agrees: only the last command writes the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chain-redirect-'));
    try {
      spawnSync('bash', ['-c', 'echo first && echo second > f'], { cwd: dir });
      expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('second\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a member removed with its redirect leaves no stray `> f`', () => {
    const files = {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ncd . && docker run --rm app:build cat /out/app > app\ndocker build -t app:latest .\n',
    };
    const p = planFiles(files);
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, p)['build.sh']).toBe('#!/bin/sh\nset -e\ncd .\ndocker build -t app:latest .\n');
  });

  it('an extraction that runs only when the file is missing is refused, not silently passed over', () => {
    const files = {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\n[ -f app ] || docker run --rm app:build cat /out/app > app\ndocker build -t app:latest .\n',
    };
    const p = planFiles(files);
    expect(p.setups).toHaveLength(1);
    expect(p.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['CONDITIONAL_STEP']);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'CONDITIONAL_STEP')!.message).toContain('runs only after `||`');
    expect(p.changes).toEqual([]);
  });
});
