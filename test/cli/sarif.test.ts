/**
 * --format sarif: every log validates against the SARIF 2.1.0 schema (the one
 * @microsoft/jest-sarif ships, draft-04, read by ajv with its root `id` as `$id`); one rule per
 * diagnostic code with the README's help; results where the diagnostics are; and each fixture
 * pair's fix, applied in memory to the before files, gives the after files.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { JOURNAL_NAME } from '../../src/apply/apply.js';
import { CODES } from '../../src/model/diagnostics.js';
import { runCli, twoServices } from '../support/cli.js';
import { copyToTemp, fixtureCases, FIXTURES, readTree, refusalCases } from '../support/tree.js';

const require = createRequire(import.meta.url);
const schema = structuredClone(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
// The same schema for ajv 8: the draft-04 root `id` is `$id` there; its patterns are not
// Unicode-mode regular expressions; formats are not checked.
schema.$id = schema.id;
delete schema.id;
delete schema.$schema;
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
}

interface Replacement { deletedRegion: { charOffset: number; charLength: number }; insertedContent?: { text: string } }
interface ArtifactChange { artifactLocation: { uri: string; uriBaseId?: string }; replacements: Replacement[] }

function applyFix(tree: Record<string, string>, changes: ArtifactChange[]): void {
  for (const ch of changes) {
    const file = decodeURIComponent(ch.artifactLocation.uri);
    let text = tree[file] ?? '';
    // Offsets are into the original text: apply from the end so earlier ones stay right.
    for (const r of [...ch.replacements].sort((a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset)) {
      text = text.slice(0, r.deletedRegion.charOffset) + (r.insertedContent?.text ?? '') + text.slice(r.deletedRegion.charOffset + r.deletedRegion.charLength);
    }
    tree[file] = text;
  }
}

describe('--format sarif', () => {
  for (const name of fixtureCases()) {
    it(`${name}: a valid log whose fixes turn the before tree into the after tree`, () => {
      const dir = copyToTemp(path.join(FIXTURES, name, 'before'));
      const before = readTree(dir);
      const r = runCli(['--dry-run', '--format', 'sarif'], dir);
      expect(r.code, r.stderr).toBe(0);
      const log = JSON.parse(r.stdout);
      expectValid(log);
      const results = log.runs[0].results;
      const setups = results.filter((x: { ruleId: string }) => x.ruleId === 'BUILDER_PATTERN');
      expect(setups.length).toBeGreaterThan(0);
      for (const s of setups) expect(s.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
      const tree = { ...before };
      for (const s of setups) for (const fix of s.fixes ?? []) applyFix(tree, fix.artifactChanges);
      const after = readTree(path.join(FIXTURES, name, 'after'));
      // Deleted files cannot be expressed as replacements: the fix's description names them.
      const deleted = Object.keys(before).filter((f) => !(f in after));
      for (const f of deleted) {
        expect(setups.some((s: { fixes?: { description: { text: string } }[] }) => s.fixes?.[0]?.description.text.includes(`delete ${f}`)), f).toBe(true);
        delete tree[f];
      }
      expect(tree).toEqual(after);
      expect(readTree(dir)).toEqual(before);
    });
  }

  for (const { name, expect: want } of refusalCases()) {
    it(`${name}: --check reports the refusing codes where --json puts them, exit 1`, () => {
      const dir = copyToTemp(path.join(FIXTURES, name, 'before'));
      const stage = want.stageName ? ['--stage-name', want.stageName] : [];
      const r = runCli(['--check', '--format', 'sarif', ...stage], dir);
      expect(r.code).toBe(1);
      const log = JSON.parse(r.stdout);
      expectValid(log);
      const results = log.runs[0].results as { ruleId: string; ruleIndex: number; level: string; locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
      const json = JSON.parse(runCli(['--check', '--json', ...stage], dir).stdout);
      const diags = json.setups.flatMap((s: { diagnostics: { code: string; severity: string; file: string | null; line: number | null }[] }) => s.diagnostics).filter((d: { severity: string }) => d.severity === 'error');
      for (const code of want.codes) {
        const wanted = diags.filter((d: { code: string }) => d.code === code);
        expect(wanted.length, code).toBeGreaterThan(0);
        for (const d of wanted) {
          const hit = results.find((x) => x.ruleId === code && x.level === 'error' && (d.file === null ? !x.locations : decodeURIComponent(x.locations?.[0]?.physicalLocation.artifactLocation.uri ?? '') === d.file && (x.locations?.[0]?.physicalLocation.region?.startLine ?? null) === d.line));
          expect(hit, `${code} at ${d.file}:${d.line}`).toBeDefined();
          expect(log.runs[0].tool.driver.rules[hit!.ruleIndex].id).toBe(code);
        }
      }
      expect(results.some((x) => x.ruleId === 'BUILDER_PATTERN')).toBe(false);
    });
  }

  it('has one rule per diagnostic code, with the README table\'s meaning and what to do', () => {
    const log = JSON.parse(runCli(['--check', '--format', 'sarif'], copyToTemp(path.join(FIXTURES, 'href-counter', 'before'))).stdout);
    const rules = log.runs[0].tool.driver.rules as { id: string; help: { markdown?: string }; fullDescription?: { markdown: string } }[];
    expect(rules.map((r) => r.id)).toEqual(['BUILDER_PATTERN', ...Object.keys(CODES)]);
    const readme = fs.readFileSync(path.join(FIXTURES, '..', 'README.md'), 'utf8');
    for (const r of rules.slice(1)) {
      expect(r.help.markdown, r.id).toBeTruthy();
      expect(readme).toContain(`| \`${r.id}\` | ${r.fullDescription!.markdown.replace(/\|/g, '\\|')} | ${r.help.markdown!.replace(/\|/g, '\\|')} |`);
    }
  });

  it('rejects a log that breaks the schema (the check can fail)', () => {
    const log = JSON.parse(runCli(['--dry-run', '--format', 'sarif'], copyToTemp(path.join(FIXTURES, 'href-counter', 'before'))).stdout);
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('still writes a valid log when an interrupted run stops it before planning, its run marked as not successful', () => {
    const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    fs.writeFileSync(path.join(dir, JOURNAL_NAME), '{"tool": "multistage-codemod", "vers');
    for (const mode of ['--dry-run', '--check']) {
      const r = runCli([mode, '--format', 'sarif'], dir);
      expect(r.code, mode).toBe(3);
      const log = JSON.parse(r.stdout);
      expectValid(log);
      expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
    }
  });

  it('is for --check and --dry-run only; --json and --format sarif contradict', () => {
    const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    for (const args of [['--format', 'sarif'], ['--yes', '--format', 'sarif'], ['--dry-run', '--json', '--format', 'sarif'], ['--dry-run', '--format', 'xml']]) expect(runCli(args, dir).code, args.join(' ')).toBe(2);
  });
});

describe('--summary', () => {
  it('prints only the batch table and the summary line', () => {
    const dir = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    const r = runCli(['--dry-run', '--summary'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ['  root  setups  would migrate  skipped  refused  files to change', '  .          1              1        0        0                3', 'Summary: 1 setup(s) would be migrated, 0 skipped, 0 refused; files would be created 0, updated 2, deleted 1', ''].join('\n'),
    );
    const check = runCli(['--check', '--summary'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^ {2}root {2}setups/);
    expect(check.stdout).not.toContain('diff --git');
    // The same counts as --dry-run, files included.
    expect(check.stdout).toBe(r.stdout);
  });

  it('--check counts the files to change as --dry-run does, per root and in total', () => {
    const dir = twoServices();
    const dry = runCli(['api', 'worker', '--dry-run', '--summary'], dir);
    const check = runCli(['api', 'worker', '--check', '--summary'], dir);
    expect(dry.stdout).toMatch(/total .* 6\n/);
    expect(check.stdout).toBe(dry.stdout);
  });

  it('says per root why nothing was planned when an interrupted run stops the batch', () => {
    const dir = twoServices();
    fs.writeFileSync(path.join(dir, 'worker', JOURNAL_NAME), '{"tool": "multistage-codemod", "vers');
    for (const mode of ['--dry-run', '--check']) {
      const r = runCli(['api', 'worker', mode, '--summary'], dir);
      expect(r.code, mode).toBe(3);
      expect(r.stdout, mode).toBe(['  root    state', '  api     not planned', '  worker  interrupted run: settle it by hand (see the hint above)', 'Summary: nothing planned; 1 root(s) with an interrupted run to settle first', ''].join('\n'));
    }
  });
});
