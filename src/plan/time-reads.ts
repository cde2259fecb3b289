/**
 * Host commands whose outcome depends on a file's modification time: `[ main.go -nt app ]`,
 * `find . -newer app`, `find dist -mmin -5`, `touch -r app stamp`, `date -r app`, `cp -u app
 * /srv/` (`mv -u`, `rsync -u`). The export
 * build writes the files the host needs with the time its exporter gives them (the builder
 * stage's, from a cached layer too, to the second on podman), not the one the extraction gave
 * them (`docker run … cat > app` writes the time it ran): such a command may then decide
 * otherwise (proven on podman: after `touch main.go`, `find . -newer app -name '*.go'` lists
 * main.go where the old pipeline listed nothing). As with a Makefile rule naming the file
 * (./make-file-order.ts), the export build is not written where one of them reads an exported
 * file, a folder holding one, or a path only known at run time.
 */
import type { ScriptCommand, Word } from '../model/script.js';
import { programAt } from '../model/wrappers.js';
import { TESTS, use } from './host-commands.js';

/** `find` predicates comparing with a reference file's time (`-newer F`, `-anewer F`, `-cnewer F`, `-newerXY F`). */
const FIND_REFERENCE = /^-(newer|anewer|cnewer|newer[amcB][amcBt])$/;
/** `find` predicates comparing each file's own time with now. */
const FIND_AGE = new Set(['-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newermt', '-newerat', '-newerct', '-used']);

/** The words of `cmd` naming paths whose modification time it reads, and how it does. */
export function timeReads(cmd: ScriptCommand): { words: Word[]; how: string } | null {
  const { at } = programAt(cmd.words);
  const program = cmd.words[at]?.value ?? null;
  const args = cmd.words.slice(at + 1);
  if (program !== null && TESTS.has(program)) {
    const close = program === '[' ? ']' : program === '[[' ? ']]' : null;
    const words = close !== null && args[args.length - 1]?.value === close ? args.slice(0, -1) : args;
    const out: Word[] = [];
    for (let i = 1; i + 1 < words.length; i++) {
      const op = words[i]!.value;
      if (op === '-nt' || op === '-ot') out.push(words[i - 1]!, words[i + 1]!);
    }
    return out.length > 0 ? { words: out, how: 'compares the modification time of' } : null;
  }
  if (program === 'find') {
    // The start paths come before the first expression word (`.` when there is none).
    const first = args.findIndex((w) => w.value === null || /^[-(!]/.test(w.value) || w.value === ',');
    const starts = first === -1 ? args : args.slice(0, first);
    const expr = first === -1 ? [] : args.slice(first);
    const refs: Word[] = [];
    let ages = false;
    for (let i = 0; i < expr.length; i++) {
      const v = expr[i]!.value;
      if (v !== null && FIND_REFERENCE.test(v) && expr[i + 1]) refs.push(expr[i + 1]!);
      else if (v !== null && FIND_AGE.has(v)) ages = true;
    }
    if (refs.length === 0 && !ages) return null;
    // Each file under the start paths is compared by its time too.
    const dot: Word = { value: '.', symbol: '.', staticPrefix: '.', raw: '.', start: cmd.words[at]!.start, end: cmd.words[at]!.end };
    return { words: [...refs, ...(starts.length > 0 ? starts : [dot])], how: 'selects files by the modification time of' };
  }
  // `cp -u`, `mv -u`, `rsync -u`: copy only where the source is newer than the destination.
  if ((program === 'cp' || program === 'mv' || program === 'rsync') && args.some((w) => w.value !== null && (w.value === '--update' || w.value.startsWith('--update=') || /^-[a-zA-Z]*u/.test(w.value)))) {
    return { words: args.filter((w) => w.value === null || !w.value.startsWith('-')), how: 'copies by the modification time of' };
  }
  if (program === 'touch' || program === 'date') {
    const refs: Word[] = [];
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!.value;
      if (v === null) continue;
      if ((v === '-r' || v === '--reference') && args[i + 1]) refs.push(args[i + 1]!);
      else if (v.startsWith('--reference=')) refs.push({ ...args[i]!, value: v.slice('--reference='.length) });
    }
    return refs.length > 0 ? { words: refs, how: program === 'touch' ? 'copies the modification time of' : 'prints the modification time of' } : null;
  }
  return null;
}

/**
 * The first command among `later` that reads the modification time of one of `paths`
 * (repository-relative files the export build writes), of a folder holding one, of a path inside
 * one, or of a path only known at run time; with the path as written.
 */
export function timeReadOf(later: readonly ScriptCommand[], paths: readonly string[]): { cmd: ScriptCommand; word: string; how: string } | null {
  for (const cmd of later) {
    const read = timeReads(cmd);
    if (!read) continue;
    for (const w of read.words) {
      const p = use(cmd, w).path;
      const hit = p === null || paths.some((h) => p === h || p === '' || p === '.' || h.startsWith(`${p}/`) || p.startsWith(`${h}/`));
      if (hit) return { cmd, word: w.raw, how: read.how };
    }
  }
  return null;
}
