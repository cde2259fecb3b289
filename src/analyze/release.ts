/**
 * What an analysed file keeps for planning. An embedded script (npm scripts, Makefile recipes,
 * CI steps) holds every command twice: once at file offsets (the commands the linker and the
 * plan read) and once per snippet at the snippet's own offsets, with the snippet's statement
 * units and line index, which only editing the snippet needs. On a large tree that second
 * reading was the largest part of what the analysis held, though the plan edits few snippets.
 * So once the whole tree is analysed, each snippet's reading is dropped; a snippet the plan
 * edits is read again from its text, with the same start (variables, folder), when first asked
 * for, and checked against the commands the analysis kept.
 */
import type { EmbeddedScript, Part } from './embedded.js';
import { isExpanded } from './compose.js';
import { parseShell, type ShellScript } from './shell.js';
import type { ScriptFile } from '../model/script.js';
import { fileOffset, OffsetRuns } from './offset-runs.js';

/**
 * A snippet whose reading was dropped: a Part whose `script` is read again when asked for. The
 * getter lives on the class, so a released part costs no closure of its own.
 */
class ReleasedPart implements Part {
  constructor(
    readonly snippet: Part['snippet'],
    readonly first: number,
    readonly count: number,
    readonly init: Part['init'],
    /** The script the part belongs to (the one as read, for a compose expansion). */
    private readonly owner: ScriptFile,
  ) {}

  get script(): ShellScript {
    return recent(this, () => readAgain(this.owner, this));
  }
}

/**
 * Drops the snippet readings of `read` (when it is embedded shell; they come back on demand)
 * and returns it. The snippets holding a setup's commands go too, though the plan edits each
 * of them (companions, removal, inserted flags) and so reads it again: on the bench's ten-times
 * tree keeping those readings held about 70 MiB more at the peak, for about 2% less CPU
 * (docs/performance.md, "The setups' snippets read again").
 */
export function releaseSnippetReadings<S extends ScriptFile>(read: S): S {
  // A script expanded with its compose services shares the parts of the script as read.
  const script = isExpanded(read) ? read.compose.base : read;
  const parts = (script as Partial<EmbeddedScript>).parts;
  if (!Array.isArray(parts)) return read;
  parts.forEach((p, k) => {
    if (p instanceof ReleasedPart) return;
    // The snippet's offset map is kept as runs: a few numbers instead of one per character.
    if (!(p.snippet.toFile instanceof OffsetRuns)) p.snippet.toFile = new OffsetRuns(p.snippet.toFile);
    parts[k] = new ReleasedPart(p.snippet, p.first, p.count, p.init, script);
  });
  return read;
}

/**
 * The readings made again lately: the plan asks for one snippet's reading several times in a
 * row (the command's repairs, its companions, the removal), so a few are kept, and only a few:
 * keeping each one read would hold again what was dropped.
 */
const RECENT = 32;
const readings = new Map<Part, ShellScript>();

function recent(part: Part, read: () => ShellScript): ShellScript {
  const known = readings.get(part);
  if (known) return known;
  const r = read();
  remember(part, r);
  return r;
}

function remember(part: Part, reading: ShellScript): void {
  readings.delete(part);
  readings.set(part, reading);
  if (readings.size > RECENT) readings.delete(readings.keys().next().value!);
}

function readAgain(script: ScriptFile, part: Part): ShellScript {
  const again = parseShell(script.file, part.snippet.shell, part.init).script;
  // The same text from the same start reads the same; anything else is a bug, never an edit.
  const map = (o: number) => fileOffset(part.snippet.toFile, Math.min(o, part.snippet.toFile.length - 1))!;
  const same = again !== null && again.commands.length === part.count && again.commands.every((c, k) => map(c.start) === script.commands[part.first + k]?.start && map(c.end) === script.commands[part.first + k]?.end);
  if (!same) throw new Error(`internal error: ${part.snippet.label} of ${script.file} reads differently the second time`);
  return again;
}
