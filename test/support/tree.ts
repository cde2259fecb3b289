import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Every regular file under `dir` (outside .git), as repository-relative path → text. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git') visit(r);
      }
      else if (e.isFile()) out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  visit('');
  return out;
}

/** A fresh temporary copy of a folder (modes kept). */
export function copyToTemp(dir: string, prefix = 'msc-'): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(dir, tmp, { recursive: true, preserveTimestamps: true });
  return tmp;
}

/** Writes a tree of files into a new temporary folder. */
export function writeTemp(files: Record<string, string>, prefix = 'msc-'): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  }
  return tmp;
}

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

/** Fixture pairs that migrate: `fixtures/<case>/before` and `fixtures/<case>/after`. */
export function fixtureCases(): string[] {
  return fs.readdirSync(FIXTURES).filter((c) => fs.existsSync(path.join(FIXTURES, c, 'before')) && fs.existsSync(path.join(FIXTURES, c, 'after')));
}

/** What a refusal fixture expects: `fixtures/<case>/refused.json` beside `before/` (and no `after/`). */
export interface RefusalExpectation {
  /** Why this shape must be refused, in a sentence (shown when the test fails). */
  why: string;
  /** Error codes that must refuse the setup(s); each must appear, no setup may migrate. */
  codes: string[];
  /** The --stage-name the run is given, if any (a name the user chose is never changed). */
  stageName?: string;
}

/** Refusal fixtures: `fixtures/<case>/before` + `refused.json`; the tool must refuse and write nothing. */
export function refusalCases(): { name: string; expect: RefusalExpectation }[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((c) => fs.existsSync(path.join(FIXTURES, c, 'refused.json')))
    .map((c) => ({ name: c, expect: JSON.parse(fs.readFileSync(path.join(FIXTURES, c, 'refused.json'), 'utf8')) as RefusalExpectation }));
}

/** Temporary trees for one test file, removed by `cleanup` (call it from afterAll). */
export function tempTrees(prefix = 'msc-walk-'): { tree: (files: Record<string, string>) => string; cleanup: () => void } {
  const made: string[] = [];
  return {
    tree: (files) => {
      const dir = writeTemp(files, prefix);
      made.push(dir);
      return dir;
    },
    cleanup: () => {
      for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
