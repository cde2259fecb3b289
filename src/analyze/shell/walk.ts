/**
 * The state one walk of a shell script shares between its steps (the script being built, its
 * counters, how deep the walk is), and the guard that stops it where the tree cannot be trusted.
 */
import type { Diagnostic } from '../../model/diagnostics.js';
import type { ScriptCommand } from '../../model/script.js';
import type { LineIndex } from '../../model/text.js';
import type { TsNode } from '../tree-sitter.js';
import type { Ctx, ShellScript } from './types.js';

export interface ShellWalk {
  file: string;
  text: string;
  lines: LineIndex;
  script: ShellScript;
  diagnostics: Diagnostic[];
  /** The script's own folder ('' for the root). */
  scriptDir: string;
  /** The folder the script starts in: a relative `$0` is relative to it. */
  startCwd: string | null;
  listCounter: number;
  loopCounter: number;
  chainCounter: number;
  /** How deep the walk is in statements and word parts (see nested). */
  depth: number;
  /** The commands of a `$(…)` run before the command that uses it: the unit and context they run in (-1: not run). */
  currentUnit: number;
  currentCtx: Ctx;
  /** Names of the functions the script defines: a call may assign any variable (./versions.ts). */
  functions: Set<string>;
  /** Each function's body (the last definition), for what a call of it may change (./function-folders.ts). */
  functionBodies: Map<string, TsNode>;
  /** The functions whose `pushd`s are each undone by a `popd` on every path through the body (./dir-stack.ts). */
  returnsHome: Set<string>;
  /** Each function definition's branch id, and the folder the walk read its body in (./function-folders.ts). */
  bodyFolders: Map<string, string | null>;
  /** The function definitions called from another folder than the one their body was read in. */
  calledElsewhere: Set<string>;
  /** How many `cd`, `pushd` and `popd` the walk has read so far, anywhere (./commands.ts cdBack). */
  folderMoves?: number;
  /**
   * Each command's PATH as versions (./versions.ts pathChain), given to the commands
   * (ScriptCommand.pathVersions) only where the script appends to PATH: elsewhere they would
   * only tell two readings of one script apart.
   */
  pathChains: [ScriptCommand, readonly string[]][];
}

/** The source text of a node. */
export function src(w: ShellWalk, n: TsNode): string {
  return w.text.slice(n.startIndex, n.endIndex);
}

/** Statements nested deeper than this (subshells in subshells…) are not analysed: no real build script comes near it. */
export const MAX_DEPTH = 200;
/** A tree the walk cannot trust: nested too deeply, or a shape the grammar is known to misread. */
export class Untrusted extends Error {
  constructor(
    readonly why: string,
    readonly at: number,
  ) {
    super(why);
  }
}

/** Runs `f` one level deeper; past MAX_DEPTH the script is not analysed (no stack overflow). */
export function nested(w: ShellWalk, node: TsNode, f: () => void): void {
  if (++w.depth > MAX_DEPTH) throw new Untrusted(`nested more than ${MAX_DEPTH} levels deep`, node.startIndex);
  try {
    f();
  } finally {
    w.depth--;
  }
}
