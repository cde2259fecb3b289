/**
 * `-i` (`--ignore-errors`) of a make run: every recipe goes on past a failing line and make
 * exits 0, as under `.IGNORE:` with no prerequisites. Make reads it from its command line and
 * from MAKEFLAGS, which the Makefile itself may set (`MAKEFLAGS += -i`): GNU make reads the
 * options MAKEFLAGS holds again once the makefiles are read.
 *
 * `-k` (`--keep-going`) is no such option: a failing line still ends its own recipe, the targets
 * depending on it are not made, and make exits 2; only targets that do not depend on the failed
 * one go on, reading what the host already held, as they would on a run where the failing
 * step had not been reached.
 */
import type { TsNode } from '../tree-sitter.js';

/**
 * The variable a word of make's command line or of MAKEFLAGS defines, or null: GNU make reads a
 * word holding an assignment as one, with any of its operators and blanks around it
 * (`BIN=x`, `BIN:=x`, `BIN::=x`, `BIN+=x`, `BIN!=cmd`, `'BIN ?= x'`), and its value overrides
 * the file's assignments to that name (only `override` in the file stands over it).
 */
export function definedName(word: string): string | null {
  // (`--jobs=4`, `--file=x.mk` are options)
  return /^\s*([^\s:#=-][^\s:#=]*?)\s*(?::{1,3}|[+?!])?=/.exec(word)?.[1] ?? null;
}

/** Single-letter options whose argument is the rest of the word or the next word. */
const WITH_ARGUMENT = new Set(['C', 'f', 'I', 'o', 'W']);

/**
 * Whether make's arguments or a MAKEFLAGS value hold `-i`, word by word (null: a word only known
 * at run time, which may). `bareFirst`: MAKEFLAGS's first word may be option letters without a
 * `-` (`MAKEFLAGS = ik`). NAME=value words and targets are passed over.
 */
export function holdsIgnoreErrors(words: readonly (string | null)[], bareFirst: boolean): boolean {
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w === null || w === undefined) return true;
    if (w === '--') break;
    if (w.startsWith('--')) {
      if (w === '--ignore-errors') return true;
      continue;
    }
    const letters = w.startsWith('-') ? w.slice(1) : k === 0 && bareFirst && !w.includes('=') ? w : null;
    if (letters === null) continue;
    for (let i = 0; i < letters.length; i++) {
      const c = letters[i]!;
      if (c === 'i') return true;
      if (WITH_ARGUMENT.has(c)) {
        if (i === letters.length - 1 && w.startsWith('-')) k++;
        break;
      }
    }
  }
  return false;
}

/**
 * Whether the Makefile may put `-i` in MAKEFLAGS: every assignment to it counts, in a
 * conditional or not (it may hold), and one whose value the file does not spell out (a
 * reference, `!=`, `define`) may.
 */
export function ignoresErrors(root: TsNode, text: string): boolean {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  return root.descendantsOfType(['variable_assignment', 'shell_assignment', 'define_directive']).some((a) => {
    const name = a.namedChildren.find((c) => c.type === 'word');
    if (!name || slice(name) !== 'MAKEFLAGS') return false;
    const value = a.type === 'variable_assignment' ? a.namedChildren.find((c) => c.type === 'text') : undefined;
    const raw = value ? slice(value) : a.type === 'variable_assignment' ? '' : null;
    // (`MAKEFLAGS += i` onto an empty MAKEFLAGS is letters too)
    return holdsIgnoreErrors(raw === null || raw.includes('$') ? [null] : raw.split(/\s+/).filter((s) => s !== ''), true);
  });
}
