/** --help and the README's CLI table name every flag the parser accepts, and no other. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP, OPTIONS } from '../../src/cli/args.js';

const README = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const contract = README.slice(README.indexOf('## The CLI contract'), README.indexOf('### Exit codes'));

describe('flags are documented', () => {
  it('--help names every flag, with its short form', () => {
    for (const [name, o] of Object.entries(OPTIONS)) {
      expect(HELP, name).toMatch(new RegExp(`(^|[\\s,])--${name}\\b`, 'm'));
      if ('short' in o) expect(HELP, name).toContain(`-${o.short}, --${name}`);
    }
    const named = new Set([...HELP.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]));
    expect([...named].sort()).toEqual(Object.keys(OPTIONS).sort());
  });

  it("the README's CLI table has a row for every flag", () => {
    for (const name of Object.keys(OPTIONS)) expect(contract, name).toMatch(new RegExp(`^\\| [^|]*\`--${name}\\b`, 'm'));
  });
});
