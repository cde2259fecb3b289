/**
 * scripts/ascii-source.mjs: the bundles are ASCII only (a single non-ASCII character made V8 hold
 * the whole bundle as a two-byte string), without changing what any code means.
 */
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const { asciiSource } = (await import(path.resolve(import.meta.dirname, '../../scripts/ascii-source.mjs'))) as {
  asciiSource: (text: string, sourceType: 'script' | 'module') => string;
};

describe('asciiSource', () => {
  it('spells a non-ASCII character in a comment as its escape, and leaves the code alone', () => {
    const text = '"use strict";\n/** phases (discover…apply) */\nconst a = "x"; // a — b 😀\nmodule.exports = a;\n';
    const out = asciiSource(text, 'script');
    expect(out).toBe('"use strict";\n/** phases (discover\\u2026apply) */\nconst a = "x"; // a \\u2014 b \\ud83d\\ude00\nmodule.exports = a;\n');
    expect(/^[\x00-\x7f]*$/.test(out)).toBe(true);
    const mod = { exports: undefined as unknown };
    new vm.Script(out).runInNewContext({ module: mod });
    expect(mod.exports).toBe('x');
  });

  it('returns ASCII text as it is, in either kind of source', () => {
    const text = 'export const a = 1; // plain\n';
    expect(asciiSource(text, 'module')).toBe(text);
    expect(asciiSource('/* é */ export const b = 2;\n', 'module')).toBe('/* \\u00e9 */ export const b = 2;\n');
  });

  it('fails for a non-ASCII character outside a comment: its meaning would change', () => {
    expect(() => asciiSource('const s = "…"; // …\n', 'script')).toThrow(/outside a comment at offset 11/);
    expect(() => asciiSource('const é = 1;\n', 'script')).toThrow(/outside a comment/);
  });
});
