/**
 * A Makefile rule listing the builder Dockerfile the migration deletes refuses the setup
 * (src/plan/make-prerequisites.ts): the first Makefile in the walk's order with a hit is
 * reported, a variable prerequisite counting where the Makefile names the file. Each base name
 * is looked up once for a whole sweep, so many setups with one builder name ask cheaply.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../src/analyze/index.js';
import { isMakeScript } from '../../src/analyze/embedded.js';
import { MemoryFs } from '../../src/model/fs.js';
import { removedPrerequisite } from '../../src/plan/make-prerequisites.js';

function setup(files: Record<string, string>) {
  const fs = new MemoryFs(files);
  const analysis: Analysis = { scripts: new Map(), setups: [], diagnostics: [], dockerfiles: new Map(), files: Object.keys(files) };
  return (deleted: string | null) => removedPrerequisite(deleted, 'x', analysis, fs);
}

describe('Makefile prerequisites of a deleted builder', () => {
  const ask = setup({
    // Names the file only in a comment: no hit.
    'a/Makefile': '# uses Dockerfile.build\nall:\n\techo hi\n',
    // Lists b's builder by path.
    'b/Makefile': 'bin/app: Dockerfile.build main.go\n\tdocker build -f Dockerfile.build .\n',
    // Names the file and lists a variable: a hit for any Dockerfile.build.
    'c/Makefile': 'DF := Dockerfile.build\nimage: $(DF)\n\tdocker build -f $(DF) .\n',
    // Lists d's builder by path, after c in the walk's order.
    'd/Makefile': 'out: Dockerfile.build\n\ttrue\n',
    'e/Makefile': 'out: other/Dockerfile.build\n\ttrue\n',
  });

  it('a rule listing the file by path is the hit, before any later Makefile', () => {
    const d = ask('b/Dockerfile.build')!;
    expect([d.code, d.file, d.line, d.message]).toEqual(['MAKE_PREREQUISITE_REMOVED', 'b/Makefile', 1, 'b/Makefile lists `Dockerfile.build` as a prerequisite; the migration deletes b/Dockerfile.build, and make would then stop with "No rule to make target"']);
  });

  it('an earlier Makefile with a variable prerequisite that names the file comes first', () => {
    for (const deleted of ['d/Dockerfile.build', 'e/other/Dockerfile.build', 'z/Dockerfile.build']) {
      const d = ask(deleted)!;
      expect([d.file, d.line, d.message]).toEqual(['c/Makefile', 2, `c/Makefile lists \`$(DF)\` as a prerequisite, which may name ${deleted}; the migration deletes ${deleted}, and make would then stop with "No rule to make target"`]);
    }
  });

  it('no Makefile naming the file, or nothing deleted: no refusal', () => {
    expect(ask('a/Other.build')).toBeNull();
    expect(ask(null)).toBeNull();
  });

  it('without the variable, each deleted file finds its own rule', () => {
    const only = setup({ 'a/Makefile': '# Dockerfile.build\n', 'd/Makefile': 'out: Dockerfile.build\n\ttrue\n', 'e/Makefile': 'out: other/Dockerfile.build\n\ttrue\n' });
    expect(only('d/Dockerfile.build')?.file).toBe('d/Makefile');
    expect(only('e/other/Dockerfile.build')?.file).toBe('e/Makefile');
    expect(only('a/Dockerfile.build')).toBeNull();
  });

  it('reads the prerequisites the analysis kept for a Makefile it read, and parses the others', () => {
    const files = {
      // Read by the analysis (it runs docker): its prerequisites come with its script.
      'a/Makefile': 'bin/app: Dockerfile.build main.go\n\tdocker build -f Dockerfile.build .\n',
      // Kept by the walk for naming the file, never analysed: parsed by the plan.
      'b/Makefile': 'out: Dockerfile.build\n\ttrue\n',
    };
    const fs = new MemoryFs(files);
    const analysis = analyze(fs, Object.keys(files));
    const kept = analysis.scripts.get('a/Makefile')!;
    expect(isMakeScript(kept) && kept.prerequisiteWords).toEqual([9, 25, 26, 33]);
    expect(analysis.scripts.has('b/Makefile')).toBe(false);
    expect(removedPrerequisite('a/Dockerfile.build', 'x', analysis, fs)).toMatchObject({ file: 'a/Makefile', line: 1 });
    expect(removedPrerequisite('b/Dockerfile.build', 'x', analysis, fs)).toMatchObject({ file: 'b/Makefile', line: 1 });
  });
});
