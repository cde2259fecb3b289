/**
 * The interactive review, like `git add -p`: unit by unit (setups that share a file are one
 * unit), its notes and diffs, then an explicit answer. No key is a default: Enter alone asks
 * again. Nothing is written here: the answers go back to the CLI, which writes once the
 * review is over exactly the changes that were shown for the accepted units.
 */
import { shown, type RootRun } from '../pipeline.js';
import type { Colors } from './colors.js';
import { printable, printableName } from './printable.js';
import { describeSetup, renderDiffs } from './report.js';
import type { ReviewUnit } from './units.js';

/** Asks one question and resolves with the line typed, or null when interrupted (Ctrl+C, end of input). */
export interface Asker {
  ask(question: string): Promise<string | null>;
}

/**
 * Shows a unit's text through a pager. `shown: false` when it may not have been shown (the pager
 * failed, or failed before): the text is then printed, after `problem` when there is one.
 */
export type Pager = (text: string) => { shown: boolean; problem?: string };

/** Pages `text`, or prints it (after why the pager could not show it) when there is no pager or it failed. */
function show(text: string, pager: Pager | null, out: NodeJS.WritableStream, c: Colors): boolean {
  const r = pager?.(text);
  if (r?.shown) return true;
  if (r?.problem) out.write(`\n${c.yellow(printable(r.problem))}\n`);
  return false;
}

export class ReviewInterrupted extends Error {}

export interface ReviewItem {
  run: RootRun;
  unit: ReviewUnit;
}

export interface ReviewResult {
  /** The units accepted, in review order. */
  accepted: ReviewItem[];
  /** `q` ended the review: the units after it were not asked about. */
  quit: boolean;
}

export const KEYS = '[y,n,a,q,v,?]';

export const KEY_HELP = [
  'y - yes: write this setup (every file change shown above)',
  'n - no: leave this setup as it is',
  'a - all: write this setup and every remaining one without asking',
  'q - quit: stop here; write the setups accepted so far, leave the rest',
  'v - view: show the files as they would be, in full',
  '? - print this help',
  'Ctrl+C stops at once and writes nothing.',
].join('\n');

type Answer = 'yes' | 'no' | 'all' | 'quit' | 'view' | 'help';

const WORDS: Record<string, Answer> = { y: 'yes', yes: 'yes', n: 'no', no: 'no', a: 'all', all: 'all', q: 'quit', quit: 'quit', v: 'view', view: 'view', '?': 'help', h: 'help', help: 'help' };

/** What a typed line means: one of the keys or its word (any case), '' for Enter alone, null for anything else. */
export function readAnswer(line: string): Answer | '' | null {
  const t = line.trim().toLowerCase();
  if (t === '') return '';
  return WORDS[t] ?? null;
}

/** The text shown for one unit: each setup's header, notes and diagnostics, then the unit's diffs. */
export function unitText(item: ReviewItem, k: number, n: number, c: Colors): string {
  const heads = item.unit.setups.map((s) => describeSetup(item.run, s, c)).join('\n');
  const together = item.unit.setups.length > 1 ? `\n  ${c.yellow(`These ${item.unit.setups.length} setups change the same files, so they are reviewed together.`)}` : '';
  return `${c.dim(`[${k}/${n}]`)} ${heads}${together}\n\n${renderDiffs(item.run, item.unit.changes, c)}`;
}

export function question(unit: ReviewUnit): string {
  const files = `${unit.changes.length} file change${unit.changes.length === 1 ? '' : 's'}`;
  const what = unit.setups.length === 1 ? 'this setup' : `these ${unit.setups.length} setups`;
  return `Apply ${what} (${files}) ${KEYS}? `;
}

export async function reviewUnits(items: ReviewItem[], c: Colors, out: NodeJS.WritableStream, asker: Asker, pager: Pager | null): Promise<ReviewResult> {
  const accepted: ReviewItem[] = [];
  for (const [i, item] of items.entries()) {
    const text = unitText(item, i + 1, items.length, c);
    if (show(`${text}\n`, pager, out, c)) {
      const ids = item.unit.setups.map((s) => printableName(shown(item.run, s.id))).join(', ');
      out.write(`\n${c.dim(`[${i + 1}/${items.length}]`)} ${c.bold(ids)} ${c.dim('(shown in the pager)')}\n`);
    } else out.write(`\n${text}\n`);
    for (;;) {
      const line = await asker.ask(question(item.unit));
      if (line === null) throw new ReviewInterrupted();
      const answer = readAnswer(line);
      if (answer === '' || answer === null) {
        out.write(`${answer === '' ? 'Enter alone does nothing: there is no default.' : `${JSON.stringify(line.trim())} is not an answer.`} Type y, n, a, q, v, or ? for help.\n`);
        continue;
      }
      if (answer === 'help') {
        out.write(`${KEY_HELP}\n`);
        continue;
      }
      if (answer === 'view') {
        const files = item.unit.changes
          .map((ch) => `\n${c.bold(`${printableName(shown(item.run, ch.path))} (${ch.action === 'delete' ? 'deleted' : ch.action === 'create' ? 'new' : 'after the change'})`)}\n${ch.after === null ? c.dim('(the file is deleted)\n') : printable(ch.after)}`)
          .join('');
        if (!show(files, pager, out, c)) out.write(files);
        continue;
      }
      if (answer === 'quit') return { accepted, quit: true };
      if (answer === 'all') return { accepted: [...accepted, ...items.slice(i)], quit: false };
      if (answer === 'yes') accepted.push(item);
      break;
    }
  }
  return { accepted, quit: false };
}
