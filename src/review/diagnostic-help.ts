/**
 * What each diagnostic code means and what to do about it, as the README's Diagnostics table
 * says (the README ships with the package, and a test keeps the table complete). Codes the
 * table does not have fall back to the one-line meaning in CODES.
 */
import fs from 'node:fs';
import { CODES, type Code } from '../model/diagnostics.js';

export interface CodeHelp {
  /** What the code means (markdown, as in the table). */
  meaning: string;
  /** What to do (markdown), or null. */
  todo: string | null;
}

let cached: Map<string, CodeHelp> | undefined;

function readTable(): Map<string, CodeHelp> {
  const table = new Map<string, CodeHelp>();
  let text = '';
  for (const rel of ['../../README.md', '../../../README.md']) {
    try {
      text = fs.readFileSync(new URL(rel, import.meta.url), 'utf8');
      if (text.includes('\n## Diagnostics\n')) break;
    } catch {
      /* try the next */
    }
  }
  const start = text.indexOf('\n## Diagnostics\n');
  if (start < 0) return table;
  const end = text.indexOf('\n## ', start + 1);
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    if (!line.startsWith('| `')) continue;
    // Cells are split at `|` not escaped as `\|`.
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim().replace(/\\\|/g, '|'));
    const code = cells[0]?.replace(/`/g, '');
    if (code && cells.length >= 3) table.set(code, { meaning: cells[1]!, todo: cells[2]! });
  }
  return table;
}

export function codeHelp(code: Code): CodeHelp {
  cached ??= readTable();
  return cached.get(code) ?? { meaning: CODES[code], todo: null };
}

/** Markdown to plain text: inline code marks go, the code stays. */
export function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]*)\*\*/g, '$1');
}
