/**
 * A Makefile rule that lists the builder Dockerfile as a prerequisite (`bin/app: Dockerfile.build
 * main.go`) cannot be made once the migration deletes that file: `make` stops with "No rule to
 * make target". Such a setup is refused (MAKE_PREREQUISITE_REMOVED), also when a prerequisite
 * is a variable and the Makefile names the file anywhere.
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import { parseWith } from '../analyze/tree-sitter.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { LineIndex } from '../model/text.js';
import { resolveRel } from '../model/paths.js';

export function removedPrerequisite(deleted: string | null, setup: string, analysis: Analysis): Diagnostic | null {
  if (deleted === null) return null;
  for (const script of analysis.scripts.values()) {
    if (script.kind !== 'make') continue;
    const dir = path.dirname(script.file) === '.' ? '' : path.dirname(script.file);
    const root = parseWith('tree-sitter-make', script.text);
    const lines = new LineIndex(script.text);
    const mentions = script.text.includes(path.basename(deleted));
    for (const rule of root.namedChildren.filter((n) => n.type === 'rule')) {
      for (const list of rule.namedChildren.filter((c) => c.type === 'prerequisites')) {
        for (const w of list.namedChildren) {
          const word = script.text.slice(w.startIndex, w.endIndex);
          const hit = word.includes('$') ? mentions : resolveRel(dir, word) === deleted;
          if (!hit) continue;
          return diag('MAKE_PREREQUISITE_REMOVED', 'error', `${script.file} lists \`${word}\` as a prerequisite${word.includes('$') ? `, which may name ${deleted}` : ''}; the migration deletes ${deleted}, and make would then stop with "No rule to make target"`, {
            file: script.file,
            line: lines.lineOf(w.startIndex),
            setup,
            hint: `Remove ${deleted} from the rule's prerequisites (its instructions now live in the runtime Dockerfile), then run the tool again.`,
          });
        }
      }
    }
  }
  return null;
}
