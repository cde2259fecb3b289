/**
 * Removing commands from an embedded host's snippets (transforms/embedded.ts): a snippet left
 * with no command goes whole, and a text left behind is read to confirm it holds none, except
 * the empty text, which needs no reading (every removed recipe line of a sweep leaves one).
 */
import { describe, expect, it, vi } from 'vitest';

const reads = vi.hoisted(() => [] as string[]);
vi.mock('../../src/analyze/shell.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/analyze/shell.js')>();
  return {
    ...real,
    parseShell: (...args: Parameters<typeof real.parseShell>) => {
      reads.push(args[1]);
      return real.parseShell(...args);
    },
  };
});

import { parseMakefile } from '../../src/analyze/hosts/makefile.js';
import { applyEdits } from '../../src/model/edits.js';
import { embeddedAdapter } from '../../transforms/embedded.js';

const MAKEFILE = ['app:', '\tdocker build -t app:build -f Dockerfile.build .', '\tdocker create --name x app:build # the container to copy from', '\t@echo done', ''].join('\n');

const removed = (indices: number[]) => {
  const script = parseMakefile('Makefile', MAKEFILE).script!;
  reads.length = 0;
  const edits = embeddedAdapter.deleteCommands(script, indices);
  if ('error' in edits) throw new Error(edits.error);
  return applyEdits(MAKEFILE, edits);
};

describe('an embedded snippet emptied by a removal', () => {
  it('goes whole without reading the empty text it leaves', () => {
    expect(removed([0])).toBe(['app:', '\tdocker create --name x app:build # the container to copy from', '\t@echo done', ''].join('\n'));
    expect(reads).not.toContain('');
  });

});
