/**
 * Writing side of compose: a script whose compose commands were expanded is edited through
 * its own adapter, one compose command at a time (it goes when all it stood for goes, or
 * stays when what goes of it is a service the compose file loses); and the compose file
 * loses the builder service, its lines only (found with the yaml Document API), checked by
 * parsing the result again.
 */
import type { ExpandedScript } from '../src/analyze/compose.js';
import type { ComposeFile } from '../src/analyze/hosts/compose-file.js';
import { yaml } from '../src/analyze/hosts/yaml-module.js';
import { applyEdits, type Edit } from '../src/model/edits.js';
import type { NewWord, ScriptAdapter, ScriptFile } from '../src/model/script.js';
import { LineIndex, isBlank } from '../src/model/text.js';
import { deleteLines } from './lines.js';

/** Wraps the adapter of the script as written so it takes the indexes of the expanded commands. */
export function composeAdapter(inner: ScriptAdapter<ScriptFile>): ScriptAdapter<ExpandedScript> {
  const asWritten = (script: ExpandedScript, index: number): number | { error: string } =>
    script.compose.origin[index] ? { error: 'this command comes from a compose service; edit the compose file by hand' } : script.compose.baseIndex[index]!;
  return {
    kind: inner.kind,
    quote: inner.quote,
    companions(script, indices) {
      // Guards are found on the script as written: a command there goes when all it stood for goes.
      const x = script.compose;
      const doomed = new Set(indices);
      const bases = [...new Set(indices.map((i) => x.baseIndex[i]!))].filter((b) => x.baseIndex.every((bb, k) => bb !== b || doomed.has(k)));
      const found = new Set(inner.companions(x.base, bases));
      return x.baseIndex.flatMap((b, k) => (found.has(b) && x.origin[k] === null ? [k] : []));
    },
    deleteCommands(script, indices) {
      const x = script.compose;
      const doomed = new Set(indices);
      const gone = new Set(indices.map((i) => x.origin[i]).filter((o) => o !== null).map((o) => `${o!.file}#${o!.service}`));
      const bases = new Set<number>();
      for (const i of doomed) {
        const b = x.baseIndex[i]!;
        const all = x.baseIndex.flatMap((bb, k) => (bb === b ? [k] : []));
        if (all.every((k) => doomed.has(k))) {
          bases.add(b);
          continue;
        }
        // Only part of what the compose command does goes: fine when that part is a service the
        // compose file loses (the command stops doing it), unless the command names the service.
        const call = x.calls.get(b);
        const o = x.origin[i];
        if (!o || !call || call.named.includes(o.service) || !gone.has(`${o.file}#${o.service}`)) {
          return { error: `\`${script.commands[i]!.words.map((w) => w.raw).join(' ')}\` stands for more than the steps that go` };
        }
      }
      return inner.deleteCommands(x.base, [...bases]);
    },
    repairs(script, index) {
      const b = asWritten(script, index);
      return typeof b === 'number' ? inner.repairs(script.compose.base, b) : [];
    },
    encode(script, index, shellText) {
      const b = asWritten(script, index);
      return typeof b === 'number' ? inner.encode(script.compose.base, b, shellText) : shellText;
    },
    insertWords(script, index, after, words) {
      const b = asWritten(script, index);
      return typeof b === 'number' ? inner.insertWords(script.compose.base, b, after, words) : b;
    },
    replaceWord(script, index, word, value) {
      const b = asWritten(script, index);
      return typeof b === 'number' ? inner.replaceWord(script.compose.base, b, word, value) : b;
    },
    replaceCommand(script, index, words) {
      const b = asWritten(script, index);
      if (typeof b !== 'number') return b;
      const mapped: NewWord[] = [];
      for (const w of words) {
        if ('value' in w || 'env' in w) mapped.push(w);
        else {
          const from = asWritten(script, w.from);
          if (typeof from !== 'number') return from;
          mapped.push({ copy: w.copy, from });
        }
      }
      return inner.replaceCommand(script.compose.base, b, mapped);
    },
  };
}

/**
 * The compose file without the given services: their lines go (with the comments that
 * described them); the rest keeps its bytes. `null` when nothing but an empty `services:`
 * would be left (the file goes).
 */
export function removeServices(file: ComposeFile, names: readonly string[]): { after: string | null } | { error: string } {
  const lines = new Set<number>();
  const idx = new LineIndex(file.text);
  for (const n of names) {
    const s = file.services.get(n);
    if (!s) return { error: `${file.path} has no service ${n}` };
    for (let l = s.lines.first; l <= s.lines.last; l++) lines.add(l);
    // A service right under its parent key takes the blank lines that separated it from the next one.
    const prev = s.lines.first > 1 ? idx.lineText(s.lines.first - 1) : '';
    if (!isBlank(prev)) for (let l = s.lines.last + 1; l < idx.lineCount && isBlank(idx.lineText(l)); l++) lines.add(l);
  }
  const Y = yaml();
  const before = Y.parseDocument(file.text, { schema: 'failsafe' });
  const keys = new Set(Y.isMap(before.contents) ? before.contents.items.map((p) => String(Y.isScalar(p.key) ? p.key.value : '')) : []);
  if (file.services.size === names.length) {
    const other = [...keys].filter((k) => !['services', 'version', 'name'].includes(k));
    return other.length === 0 ? { after: null } : { error: `${file.path} would be left with no service but with ${other.join(', ')}` };
  }
  const edits: Edit[] = deleteLines(file.text, lines, { comment: '#' });
  const after = applyEdits(file.text, edits);
  // The result must be exactly the old document without those services.
  for (const n of names) before.deleteIn(['services', n]);
  const check = Y.parseDocument(after, { schema: 'failsafe' });
  if (check.errors.length > 0 || JSON.stringify(check.toJS()) !== JSON.stringify(before.toJS())) {
    return { error: `removing ${names.join(', ')} from ${file.path} line by line would change other parts of it` };
  }
  return { after };
}
