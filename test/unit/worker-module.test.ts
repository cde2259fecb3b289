/**
 * Which file an analysis thread runs (src/analyze/worker-module.ts): the worker's bundle when
 * it is at least as new as the compiled module, else the module (a build that compiled again
 * without bundling would otherwise run stale code on the workers only).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newestBuild } from '../../src/analyze/worker-module.js';

function choose(mtimes: { bundle?: number; modules?: number }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-worker-module-'));
  const url = (name: string) => pathToFileURL(path.join(dir, name));
  for (const [name, file] of [['bundle', 'w.bundle.js'], ['modules', 'w.js']] as const) {
    const t = mtimes[name];
    if (t === undefined) continue;
    fs.writeFileSync(path.join(dir, file), '');
    fs.utimesSync(path.join(dir, file), t, t);
  }
  const chosen = newestBuild(url('w.bundle.js'), url('w.js'));
  fs.rmSync(dir, { recursive: true, force: true });
  return path.basename(chosen.pathname);
}

describe("the analysis worker's module", () => {
  it('is the bundle when it is as new as the module or newer, else the module', () => {
    expect(choose({ bundle: 2000, modules: 1000 })).toBe('w.bundle.js');
    // npm pack gives every file the same time.
    expect(choose({ bundle: 1000, modules: 1000 })).toBe('w.bundle.js');
    expect(choose({ bundle: 1000, modules: 2000 })).toBe('w.js');
    expect(choose({ modules: 1000 })).toBe('w.js');
    expect(choose({ bundle: 1000 })).toBe('w.bundle.js');
  });
});
