/**
 * The fuzzer's verdict when the tool finds no setup (test/fuzz/run-seed.ts notFound): every
 * generated repository holds a builder pattern, so finding none is fine only when the tool said
 * why; an answer of info alone is a pattern passed over in silence, a failure. Seed 10016 was
 * one (its builds ran as `env DOCKER_BUILDKIT=0 docker build`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { notFound, refusedVerdict, writeRepo, type Report } from '../fuzz/run-seed.js';
import { runCli } from '../support/cli.js';

describe('a fuzz seed where no setup is found', () => {
  it('is a failure when the tool said nothing but that, and no failure when it said why', () => {
    expect(notFound({ setups: [], diagnostics: [{ code: 'NO_SETUP', severity: 'info' }] })).toEqual({ kind: 'failure', what: 'passed-over', details: 'no setup found, and nothing said why (NO_SETUP)' });
    expect(notFound({ setups: [] })).toMatchObject({ kind: 'failure', what: 'passed-over' });
    expect(notFound({ setups: [], diagnostics: [{ code: 'EXTRACTION_NOT_FOLLOWED', severity: 'warning' }, { code: 'NO_SETUP', severity: 'info' }] })).toEqual({ kind: 'ignored' });
  });

  it('seed 10016, whose builds run through `env DOCKER_BUILDKIT=0`, is no longer passed over', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-verdict-'));
    try {
      const repo = render(generate(10016));
      expect(repo.files.map((f) => f.content).join('\n')).toContain('env DOCKER_BUILDKIT=0 docker build');
      writeRepo(dir, repo);
      const r = runCli(['.', '--dry-run', '--json'], dir);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.setups.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a fuzz seed the tool refuses', () => {
  const refused = (code: string, message = '') => ({ setups: [{ status: 'refused', diagnostics: [{ code, severity: 'error', message }] }] });

  it('is a failure when the refusal is the tool catching its own error, and a refusal otherwise', () => {
    expect(refusedVerdict(refused('ARG_LEAK'), ['ARG_LEAK'])).toEqual({ kind: 'refused', codes: ['ARG_LEAK'] });
    expect(refusedVerdict(refused('SCRIPT_EDIT_UNSAFE', 'cannot remove a command from a chain that uses ||'), ['SCRIPT_EDIT_UNSAFE'])).toEqual({ kind: 'refused', codes: ['SCRIPT_EDIT_UNSAFE'] });
    for (const [code, message] of [
      ['GENERATED_DOCKERFILE_INVALID', 'the merged Dockerfile would not be what was planned'],
      ['SCRIPT_REREAD_FAILED', 'build.sh was rewritten, but read again it does not hold the planned commands'],
      ['SCRIPT_EDIT_UNSAFE', 'the edits to build.sh overlap (internal error: overlapping edits [1,2) and [1,3))'],
    ] as const) {
      expect(refusedVerdict(refused(code, message), [code]), code).toEqual({ kind: 'failure', what: 'internal-refusal', details: `${code}: ${message}` });
    }
  });

  it('seed 10640, whose builder ends in a continuation and has a stage renamed, is no longer refused as GENERATED_DOCKERFILE_INVALID', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-verdict-'));
    try {
      writeRepo(dir, render(generate(10640)));
      const report = JSON.parse(runCli(['.', '--dry-run', '--json'], dir).stdout) as Report;
      expect(report.setups.map((s) => s.status)).toEqual(['planned']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
