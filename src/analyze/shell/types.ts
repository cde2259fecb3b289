/** The shapes the shell reader produces (ShellScript and its units) and the state its walk carries (Scope, Ctx). */
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Edit } from '../../model/edits.js';
import type { Branch, Iteration, Redirect, ScriptFile } from '../../model/script.js';
import type { LineIndex } from '../../model/text.js';
import type { TsNode } from '../tree-sitter.js';
import type { Pushed } from './dir-stack.js';
import { assigned, copyVersions, type Versions } from './versions.js';

/** A deletable unit: a statement in a list, or one member of an `&&`/`||`/`|` chain. */
export interface ShellUnit {
  start: number;
  end: number;
  /** Statement list the unit belongs to (units of one list share it); chain members have none. */
  list: number | null;
  /** True for the file's top-level list. */
  top: boolean;
  /**
   * What the unit's list is in the syntax tree: the file's top level, a body (then/else/do,
   * `{ }`, `( )`, a case arm, a function) that must not be left empty, or the condition of an
   * `if`/`elif`/`while`/`until`, whose commands decide what runs.
   */
  role: ListRole;
  /** End of the statement itself, before the `;` or `&` that terminates it (`end` includes it). */
  stmtEnd: number;
  /** Inside a `while`/`until` loop, which repeats until something the body did is seen. */
  inWhile: boolean;
  /** The statement is terminated by `&`: the shell runs it in the background and goes on, whatever it exits with. */
  background?: boolean;
  /** The statement is a `( )` subshell (the unit its statements name as `group`): an `exit` there ends the subshell only. */
  subshell?: true;
  /** For the statements of a `{ }` or `( )` group (not a function body): the group's own unit. */
  group: number | null;
  /** For chain members: the chain, and the operator that joins this member to the previous one. */
  chain: number | null;
  opBefore: string | null;
  /** For chain members: the unit of the whole chain statement. */
  parent: number | null;
}

export type ListRole = 'top' | 'body' | 'condition';

export interface ShellScript extends ScriptFile {
  kind: 'shell';
  units: ShellUnit[];
  /** Per command index: edits that repair a broken continuation, applied when the command is rewritten. */
  continuationRepairs: Map<number, Edit[]>;
  lines: LineIndex;
  /** Variables and working directory when the script ends (a next snippet in the same shell starts there). */
  final: { vars: ReadonlyMap<string, string | null>; cwd: string | null; versions: Versions };
  /** The functions the script defines: each name, and the branch id its body's commands carry (last definition wins). */
  functions?: Map<string, string>;
  /** Folders of the repository an assignment puts on PATH (`export PATH="$PWD/tools:$PATH"`), each with its line: a program there runs instead of the one the tool reads. */
  pathFolders?: PathFolder[];
}

/**
 * A folder of the repository on PATH ('' the root), and the line of the assignment putting it
 * there; `folder` null for an entry under a value only known at run time, which may be any
 * folder whose path ends with `tail` ('' any folder).
 */
export type PathFolder = { folder: string; line: number } | { folder: null; tail: string; line: number };

export interface ShellParseResult {
  script: ShellScript | null;
  diagnostics: Diagnostic[];
}

export interface Scope {
  vars: Map<string, string | null>;
  cwd: string | null;
  /** A frozen copy of `vars` that commands share until the next assignment (most share one). */
  snapshot?: ReadonlyMap<string, string | null> | undefined;
  /** Which assignment each variable's value comes from (./versions.ts). */
  versions: Versions;
  /** The `pushd`s not yet undone by a `popd` in this scope (./dir-stack.ts). */
  dirs?: Pushed[];
  /**
   * Where `cd -` goes (OLDPWD): the folder `to` the last `cd` left, while the walk is still in
   * the folder `from` it went to and has read no other folder change since (`moves`).
   */
  cdBack?: { from: string; to: string; moves: number };
}

/** `fallback`: the value when the environment sets nothing (./versions.ts), null when not known. */
export function setVar(scope: Scope, name: string, value: string | null, fallback: string | null = value, appends = false): void {
  scope.vars.set(name, value);
  scope.snapshot = undefined;
  assigned(scope.versions, name, fallback, appends);
}

/** The scope of a subshell, a function body or a loop pass: what it assigns stays there. */
export function childScope(scope: Scope): Scope {
  return { vars: new Map(scope.vars), cwd: scope.cwd, versions: copyVersions(scope.versions), ...(scope.dirs ? { dirs: [...scope.dirs] } : {}) };
}

export interface Ctx {
  conditional: boolean;
  loop: boolean;
  /** The branches the statements walked run in (see ScriptCommand.branches). */
  branches?: readonly Branch[];
  /** Inside a while/until loop. */
  inWhile?: boolean;
  iteration?: Iteration;
  /**
   * In a function's body: the id of the function's branch. A `pushd` straight in the body (in no
   * branch of its own) runs whenever the body does, so the body's folder after it is known.
   */
  certainIn?: string;
  /**
   * Input redirects of a compound statement around this one (`while read -r f; do …; done <
   * <(ls dist)`): every command inside reads from them. Output redirects are not passed down:
   * the compound opens its file once, and the commands' writes add up in it.
   */
  inputs?: readonly TsNode[];
  /**
   * Output redirects of the compound statements around this one (`{ …; } > build.log 2>&1`),
   * outermost first, read where the compound opens them (ScriptCommand.around).
   */
  around?: readonly Redirect[];
  /**
   * What an `exit` here ends when it is not the script's shell: a `( )` subshell or a member of a
   * pipe ('subshell': its status is that statement's), or a `$(…)` ('substitution': its status
   * is the substitution's, which the command around it may not pass on).
   */
  exitScope?: 'subshell' | 'substitution';
  /** The subshells the statements run in (ScriptCommand.subshell). */
  subshell?: string;
}

export interface ShellInit {
  /** Variables known before the script starts (e.g. Makefile or CI `env:` values). */
  vars?: ReadonlyMap<string, string | null>;
  /** Working directory the script starts in; default: the script's folder. */
  cwd?: string | null;
  /** The text's syntax tree, when the caller parsed it already (see shellTrees). */
  tree?: TsNode | null;
  /** The variables' versions where the shell is (a snippet continuing the one before: its `final`). */
  versions?: Versions;
  /** What names this reading's versions (./versions.ts), so reading the same snippet again gives the same. */
  seed?: string;
}
