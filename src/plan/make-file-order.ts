/**
 * A Makefile rule that names a file the export build writes, as its target or a prerequisite
 * (`relay.tgz: relay`, `relay: main.go`): Make decides whether that rule runs by the file's
 * modification time, and the export build gives the file the time its exporter gives it, not
 * the one `docker cp` gave it. Whether such a rule still runs as it did cannot be proven, so
 * the export build is not written there. A name Make only knows once it expands a variable
 * might be the file, and counts too.
 */
import path from 'node:path/posix';
import { isMakeScript } from '../analyze/embedded.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptFile } from '../model/script.js';
import { LineIndex } from '../model/text.js';

export interface FileRule {
  /** The name as the Makefile writes it, and the line of a prerequisite (a target's is not kept). */
  name: string;
  line: number | undefined;
  role: 'target' | 'prerequisite';
}

/** The first rule word of `script` that names one of `paths` (repository-relative) or a folder holding one, or null. */
export function ruleNamingFile(script: ScriptFile, paths: readonly string[]): FileRule | null {
  if (!isMakeScript(script) || paths.length === 0) return null;
  const dir = path.dirname(script.file) === '.' ? '' : path.dirname(script.file);
  const names = (word: string) => word.includes('$') || paths.some((p) => {
    const rel = resolveRel(dir, word);
    return (rel === p || rel === '' || p.startsWith(`${rel}/`));
  });
  const lines = new LineIndex(script.text);
  const words = script.prerequisiteWords;
  for (let k = 0; k < words.length; k += 2) {
    const word = script.text.slice(words[k]!, words[k + 1]!);
    if (names(word)) return { name: word, line: lines.lineOf(words[k]!), role: 'prerequisite' };
  }
  const target = (script.entries ?? []).find((name, k) => !script.expansionSequences?.includes(k) && names(name));
  return target === undefined ? null : { name: target, line: undefined, role: 'target' };
}
