/**
 * Shell adapter, reading side: parses POSIX sh / bash with tree-sitter-bash and reduces the
 * file to ScriptCommands.
 *
 * Why tree-sitter: compiled C (here as WebAssembly, see ../tree-sitter.ts), a tree costs
 * microseconds per line; the Go parser built to JavaScript that came before it cost about a
 * millisecond per line in field access alone, which dominated a monorepo sweep. tree-sitter
 * is error-tolerant where a shell is not, so a tree with an ERROR node, or one of the shapes
 * the grammar is known to misread (see `Untrusted` in walk.ts), is not analysed at all: the file
 * gets SHELL_PARSE_ERROR and nothing is planned from it.
 *
 * Nothing from the script is executed. Variables and `cd` are followed only where their
 * values are static; everything else is marked dynamic and the linker refuses to guess.
 *
 * The steps, one module each: words.ts (static evaluation of words and `$(…)`),
 * assignments.ts, redirects.ts, commands.ts (simple commands, `[ … ]`, `cd`),
 * continuation.ts (a `\` followed by spaces), lists.ts (statement lists and chains),
 * statements.ts (one statement of any kind); batch-trees.ts parses many small scripts at once.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import { LineIndex } from '../../model/text.js';
import { forgetMovedBodies } from './function-folders.js';
import { parseWith } from '../tree-sitter.js';
import { walkList } from './lists.js';
import { syntaxError } from './syntax-error.js';
import type { Scope, ShellInit, ShellParseResult, ShellScript } from './types.js';
import { continueVersions, newSeed, newVersions } from './versions.js';
import { Untrusted, type ShellWalk } from './walk.js';

export { shellTrees } from './batch-trees.js';
export type { ListRole, ShellInit, ShellParseResult, ShellScript, ShellUnit } from './types.js';

/**
 * A script's `final` until its walk ends: nothing reads it before (a script whose walk fails is
 * not returned), so every reading shares this one rather than making a scope of its own.
 */
const UNWALKED: ShellScript['final'] = Object.freeze({ vars: new Map(), cwd: null, versions: newVersions([], 'unwalked') });

export function parseShell(file: string, text: string, init: ShellInit = {}): ShellParseResult {
  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(text);
  const root = init.tree ?? parseWith('tree-sitter-bash', text);
  /** The script is not analysed at all: say why, with the line. */
  const notAnalysed = (what: string, at: number, hint: string): ShellParseResult => {
    diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${what} at line ${lines.lineOf(at)}; it was not analysed`, { file, line: lines.lineOf(at), hint }));
    return { script: null, diagnostics };
  };
  if (root.hasError) {
    const bad = syntaxError(root);
    return notAnalysed(`cannot parse shell script: ${bad.why}`, bad.at, 'Fix the syntax error (check it with `sh -n`), then run the tool again.');
  }

  const script: ShellScript = {
    file,
    kind: 'shell',
    text,
    commands: [],
    units: [],
    continuationRepairs: new Map(),
    lines,
    final: UNWALKED,
  };
  const scriptDir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const w: ShellWalk = {
    file,
    text,
    lines,
    script,
    diagnostics,
    scriptDir,
    startCwd: init.cwd !== undefined ? init.cwd : scriptDir,
    listCounter: 0,
    loopCounter: 0,
    chainCounter: 0,
    depth: 0,
    currentUnit: -1,
    currentCtx: { conditional: false, loop: false },
    functions: new Set(),
    functionBodies: new Map(),
    returnsHome: new Set(),
    bodyFolders: new Map(),
    calledElsewhere: new Set(),
    pathChains: [],
  };

  const top: Scope = { vars: new Map(init.vars ?? []), cwd: w.startCwd, versions: init.versions ? continueVersions(init.versions, init.seed ?? newSeed()) : newVersions(init.vars && init.vars.size > 0 ? init.vars.keys() : [], init.seed) };
  try {
    walkList(w, root.children, top, { conditional: false, loop: false }, 'top');
  } catch (e) {
    if (!(e instanceof Untrusted)) throw e;
    return notAnalysed(`cannot analyse shell script: ${e.why}`, e.at, 'Simplify that part of the script (or migrate this setup by hand), then run the tool again.');
  }
  forgetMovedBodies(w);
  if (w.pathChains.some(([, chain]) => chain.length > 1)) for (const [cmd, chain] of w.pathChains) cmd.pathVersions = chain;
  script.final = { vars: top.vars, cwd: top.cwd, versions: top.versions };
  return { script, diagnostics };
}
