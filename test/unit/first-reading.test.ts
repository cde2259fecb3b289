/**
 * The analysis keeps what its reading of each script reported, so checking a rewrite does not
 * parse the old text again: that kept reading must be exactly what a fresh reading gives, and
 * is offered only for the start folder it was made from.
 */
import { describe, expect, it } from 'vitest';
import { analyze, readScript } from '../../src/analyze/index.js';
import { firstReading } from '../../src/analyze/first-reading.js';
import { MemoryFs } from '../../src/model/fs.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /app\n',
  // The recipe with `$(` left open is a warning the kept reading must carry.
  Makefile: 'build:\n\tdocker build -t app:build -f Dockerfile.build .\n\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app .\nother:\n\techo "$$(date"\n',
};

describe('first reading', () => {
  const fs = new MemoryFs(FILES);
  const script = analyze(fs, Object.keys(FILES).sort()).scripts.get('Makefile')!;

  it('is the analysis reading, with the diagnostics a fresh reading gives', () => {
    const kept = firstReading(script, undefined);
    expect(kept).not.toBeNull();
    expect(kept!.script).toBe(script);
    const fresh = readScript('make', 'Makefile', FILES.Makefile, fs);
    expect(fresh.diagnostics.length).toBeGreaterThan(0);
    expect(kept!.diagnostics.map((d) => [d.code, d.message, d.line])).toEqual(fresh.diagnostics.map((d) => [d.code, d.message, d.line]));
    const words = (s: typeof script) => s.commands.map((c) => [c.words.map((w) => w.symbol), c.cwd, c.conditional, c.line]);
    expect(words(kept!.script)).toEqual(words(fresh.script!));
  });

  it('is not offered for another start folder, nor for a script it did not read', () => {
    expect(firstReading(script, { cwd: 'elsewhere' })).toBeNull();
    const other = readScript('make', 'Makefile', FILES.Makefile, fs).script!;
    expect(firstReading(other, undefined)).toBeNull();
  });

  it('is a copy: diagnostics added after the reading are not part of it', () => {
    const a = firstReading(script, undefined)!;
    a.diagnostics.push({ ...a.diagnostics[0]!, code: 'EXTRA' as never });
    expect(firstReading(script, undefined)!.diagnostics.some((d) => (d.code as string) === 'EXTRA')).toBe(false);
  });
});
