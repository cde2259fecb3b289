/**
 * PowerShell (`*.ps1`, and the `pwsh`/`powershell` steps of CI files), parsed with
 * tree-sitter-powershell. Each statement becomes one snippet of shell text that does the same
 * to docker and to files: `docker …` (also `& docker …`, `docker.exe`) with its arguments read
 * by PowerShell's quoting rules (see powershell-words.ts), the file cmdlets as the shell
 * commands they equal (powershell-cmdlets.ts), `$name = 'value'` as an assignment, and
 * `$id = docker create …` as a capture. The snippets run in one shell in order (a
 * `Set-Location` carries on), so the shell reader resolves variables and folders exactly as it
 * does for shell scripts, and the linker and planner never learn the commands came from
 * PowerShell.
 *
 * A `$LASTEXITCODE`/`$?` check right after a native command (`if ($LASTEXITCODE -ne 0) { exit 1 }`,
 * `{ throw "…" }`, `{ Write-Error "…"; exit 1 }`) is that command's `|| exit 1` guard: it goes
 * with the command. Statements in a block (`if`, loops, `try`, functions, script blocks) are
 * read as running conditionally and repeatedly, their assignments and `Set-Location`s as values
 * only known at run time. `$ErrorActionPreference = 'Stop'` changes nothing the model follows
 * (native commands do not stop the script on failure). A statement the reader does not model
 * is a program it does not know, given an unknown value: as for shell, it refuses a setup
 * whose artifact it could touch.
 *
 * Edits: a statement (with its guard) is removed as whole lines when it stands on lines of its
 * own; words are added and replaced in PowerShell's spelling. The rewritten file is read again
 * by this reader (src/plan/reread.ts).
 */
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { Edit } from '../../model/edits.js';
import type { Branch, ScriptCommand, Word } from '../../model/script.js';
import { LineIndex } from '../../model/text.js';
import { parseShell } from '../shell.js';
import { parseWith, type TsNode } from '../tree-sitter.js';
import path from 'node:path/posix';
import { composeEmbedded, type EmbeddedScript, type Snippet } from '../embedded.js';
import { cmdletCommand, cmdletOf, PLATFORM_ALIASES } from './powershell-cmdlets.js';
import { shellQuote } from '../../model/shell-quote.js';
import { psShadows, type PsShadows } from './powershell-shadows.js';
import type { RepoFs } from '../../model/fs.js';
import { resolveRel } from '../../model/paths.js';
import { argumentPieces, BACKSLASH_WORD, psQuote, shellPattern, shellWord, shellVarOf, staticValue, unknownName, unknownTexts, unwrap, variableName, type Piece } from './powershell-words.js';

/** Nesting of a statement: inside a block it may run never or many times. */
interface Ctx {
  nested: boolean;
  /** The blocks around it that run on some paths only (an if/else body, a loop, a catch, a function body), outermost first. */
  blocks?: readonly Branch[];
  /** Inside a function body (`return` leaves the function, not the script). */
  inFunction?: boolean;
  /** Inside a loop or switch body (`break`/`continue` end it, not the script). */
  inLoop?: boolean;
}

/** A PowerShell snippet and whether its commands run conditionally (inside a block). */
export interface PsSnippet {
  snippet: Snippet;
  nested: boolean;
  /** The functions and aliases of the text it was read from (one object for all its snippets). */
  shadows?: PsShadows;
  /** The functions of the text it was read from: lower-case name → the branch id of its body's statements (one map for all its snippets). */
  functionBodies?: ReadonlyMap<string, string>;
}

export interface PsOptions {
  /** File offsets of the PowerShell text's offsets (CI steps); identity when absent. */
  toFile?: readonly number[];
  /** Spells PowerShell text in the host file (YAML indentation); identity when absent. */
  encode?: (s: string) => string;
  cwd: string | null;
  vars: ReadonlyMap<string, string | null>;
  label: string;
  /** The whole file's text, when `toFile` maps into it (to remove whole lines of it). */
  fileText?: string;
  /** Whether `$PSScriptRoot` is the script's folder (a `.ps1` file) rather than empty (an inline step). */
  scriptFile: boolean;
  /** A `.ps1` file its callers run from another folder (src/analyze/callers.ts): `$PSScriptRoot` is then not `.`. */
  startsElsewhere?: boolean;
  /** The repository, to read files the text dot-sources (without it, such a file may define any name). */
  fs?: RepoFs;
}

/** Assignments to these change nothing the model follows (error and progress preferences). */
const INERT_VARIABLES = new Set(['erroractionpreference', 'progresspreference', 'verbosepreference', 'informationpreference', 'warningpreference', 'psnativecommanduseerroractionpreference', 'confirmpreference']);
/** Cmdlets (and their aliases) that set or remove a variable by its name. */
const VARIABLE_CMDLETS = new Set(['set-variable', 'sv', 'set', 'new-variable', 'nv', 'remove-variable', 'rv', 'clear-variable', 'clv']);
/** A cmdlet's (or module command's) name: one of PowerShell's verbs, `-`, a noun. */
const CMDLET_NAME = /^(add|clear|close|compare|compress|convert|convertfrom|convertto|copy|enable|disable|enter|exit|expand|export|find|format|get|group|import|install|invoke|join|measure|move|new|out|pop|push|read|register|remove|rename|resolve|restore|save|select|set|show|sort|split|start|stop|tee|test|trace|uninstall|unregister|update|wait|where|write)-[A-Za-z]+$/i;
/** Cmdlets that only set how the session reports errors. */
const INERT_CMDLETS = new Set(['set-strictmode']);

/** Parses PowerShell text; a tree with an error is not read (the grammar recovers where PowerShell would not). */
export function parsePowerShellTree(text: string): { root: TsNode } | { at: number } {
  let root = parseWith('tree-sitter-powershell', text);
  // `./scripts/build.ps1` runs that script: PowerShell's dot-source operator needs a space after
  // it, so a command name starting `./` is a path (about_Operators). The grammar reads a `.`
  // there as that operator and fails on the `/` after it. `.\` names the same path to PowerShell
  // on every platform and the grammar reads it, so the text is parsed again with each such `/`
  // as `\` (the offsets stay), and the reader reads the tree against the text as written.
  let parsed = text;
  for (let round = 0; root.hasError && round < 8; round++) {
    const at = root
      .descendantsOfType('command_invokation_operator')
      .filter((n) => n.endIndex === n.startIndex + 1 && parsed[n.startIndex] === '.' && parsed[n.endIndex] === '/')
      .map((n) => n.endIndex);
    if (at.length === 0) break;
    for (const i of at) parsed = `${parsed.slice(0, i)}\\${parsed.slice(i + 1)}`;
    root = parseWith('tree-sitter-powershell', parsed);
  }
  if (!root.hasError) return { root };
  let n: TsNode = root;
  for (;;) {
    if (n.type === 'ERROR' || n.isMissing) return { at: n.startIndex };
    const next = n.children.find((c) => c.hasError);
    if (!next) return { at: n.startIndex };
    n = next;
  }
}

/** A command's name as written (`docker`, `Remove-Item`), or null when it is computed (`& $exe`). */
function commandName(cmd: TsNode, text: string): { name: string | null; node: TsNode } {
  const nameNode = cmd.childForFieldName('command_name') ?? cmd.namedChildren.find((c) => c.type === 'command_name' || c.type === 'command_name_expr')!;
  let n = nameNode;
  if (n.type === 'command_name_expr') {
    const inner = n.namedChildren[0];
    if (!inner) return { name: null, node: n };
    if (inner.type === 'command_name') n = inner;
    else {
      const pieces = argumentPieces(inner, text);
      return { name: staticValue(pieces), node: n };
    }
  }
  return { name: text.slice(n.startIndex, n.endIndex), node: nameNode };
}

/** `docker`, `docker.exe` or a path to either (any case): the docker client. */
function nativeProgram(name: string): string | null {
  const base = name.replace(/^.*[\\/]/, '').toLowerCase().replace(/\.exe$/, '');
  return base === 'docker' || base === 'docker-compose' ? base : null;
}

/** The argument nodes of a command: its elements without separators and redirections. */
function elementsOf(cmd: TsNode): { args: TsNode[]; redirections: TsNode[] } {
  const els = cmd.namedChildren.find((c) => c.type === 'command_elements');
  const args: TsNode[] = [];
  const redirections: TsNode[] = [];
  for (const e of els?.namedChildren ?? []) {
    if (e.type === 'command_argument_sep' || e.type === 'comment') continue;
    if (e.type === 'redirection') redirections.push(e);
    else args.push(e);
  }
  return { args, redirections };
}

/**
 * Reads PowerShell text into snippets, one per statement (its guard included), in the order
 * they run. Diagnostics: a syntax error (the text is not read at all).
 */
export function powerShellSnippets(file: string, text: string, opts: PsOptions): { snippets: PsSnippet[]; diagnostics: Diagnostic[] } {
  const lines = new LineIndex(text);
  const toFile = (o: number) => (opts.toFile ? opts.toFile[Math.min(o, opts.toFile.length - 1)]! : o);
  const encode = opts.encode ?? ((s: string) => s);
  const tree = parsePowerShellTree(text);
  if ('at' in tree) {
    const line = lines.lineOf(tree.at);
    return { snippets: [], diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse PowerShell in ${opts.label}: syntax error at line ${line}; it was not analysed`, { file, hint: 'Fix the syntax error (or a construct tree-sitter-powershell does not read, such as `--flag=value`), then run the tool again.' })] };
  }
  const out: PsSnippet[] = [];
  /** Each function's body, by lower-case name, as its statements' branch id (blockCtx). */
  const functionBodies = new Map<string, string>();
  /** The shell text of the last docker command read (what `$LASTEXITCODE` then holds). */
  let lastNative: string | null = null;
  /** Functions the script defines: a call runs their body, which the reader reads in place as a block. */
  const functions = new Set(tree.root.descendantsOfType('function_statement').map((f) => {
    const n = f.namedChildren.find((c) => c.type === 'function_name');
    return n ? text.slice(n.startIndex, n.endIndex).toLowerCase() : '';
  }));
  // Functions and aliases (the text's own, and those of files it dot-sources) run instead of a
  // program or cmdlet of their name (./powershell-shadows.ts): a cmdlet so named is not the one
  // the tables below read (`function Remove-Item { … }` then `Remove-Item ./app`).
  const shadows = psShadows(file, text, tree.root, opts.cwd, opts.fs, (t) => {
    const other = parsePowerShellTree(t);
    return 'root' in other ? other.root : null;
  });
  const shadowed = (name: string) => shadows.names.has(name.toLowerCase()) || shadows.names.has(cmdletOf(name) ?? '');
  /** Whether a location command ran before (a called script's path is then not read from the start folder). */
  let moved = false;
  /** Whether the working directory is the script's folder (so `$PSScriptRoot` is `.`). */
  let atScriptDir = opts.scriptFile && !opts.startsElsewhere;

  /** Shell text under construction, each character mapped to a PowerShell offset. */
  class Out {
    shell = '';
    map: number[] = [];
    /** End of the last word written: what follows it (a space, an operator) maps there, so word ranges end at the word. */
    lastEnd: number | null = null;
    /** Whether a command written may run a native program, which sets `$LASTEXITCODE` (Snippet.setsExitCode). */
    native = false;
    /** Whether the statement's failure ends the text (its `$LASTEXITCODE` guard goes with it). */
    guarded = false;
    emit(s: string, at: number): void {
      for (const ch of s) {
        this.shell += ch;
        this.map.push(this.lastEnd ?? at);
        this.lastEnd = null;
      }
    }
    /** A word spanning [start, end): its first character maps to its start, the rest too, and the next character to its end. */
    word(s: string, start: number, end: number): void {
      for (const ch of s) {
        this.shell += ch;
        this.map.push(start);
      }
      this.lastEnd = end;
    }
  }

  /** A word only known at run time, standing for PowerShell text [start, end) (and what it is used as). */
  // What each `${__ps_expression_…}` stands for, as the file writes it (Snippet.placeholderTexts).
  const placeholderTexts: Record<string, string> = {};
  const unknownWord = (node: { startIndex: number; endIndex: number }, use = '', kind: 'expression' | 'backslash' = 'expression') => {
    const name = unknownName(`${use}${text.slice(node.startIndex, node.endIndex)}`, kind);
    placeholderTexts[name] ??= text.slice(node.startIndex, node.endIndex);
    return `"\${${name}}"`;
  };
  /** shellWord, noting what its unknown pieces stand for. */
  const spelled = (pieces: readonly Piece[], source: string): string => {
    for (const [name, t] of unknownTexts(pieces, source)) placeholderTexts[name] ??= t;
    return shellWord(pieces, source);
  };
  const src = (n: TsNode) => text.slice(n.startIndex, n.endIndex);

  /** A word for an argument node; native arguments with quotes or backslashes, or empty, are not modelled. */
  const wordOf = (node: TsNode, native: boolean): string => {
    let pieces: Piece[] = argumentPieces(node, text);
    if (pieces[0]?.kind === 'self' && atScriptDir && opts.scriptFile) pieces = [{ kind: 'lit', text: '.' }, ...pieces.slice(1)];
    const v = staticValue(pieces);
    if (native && v !== null && (v === '' || v.includes('"'))) return unknownWord(node);
    if (native && v !== null && v.includes('\\')) return unknownWord(node, '', 'backslash');
    return spelled(pieces, src(node));
  };

  /**
   * The words of one argument: an array (`'run', '--rm', 'app:build'`) gives each element as a
   * word, as PowerShell passes them to a native program (and as the values a cmdlet such as
   * `Start-Process -ArgumentList` is given, which the checks then see: a builder tag, a container name).
   */
  const argWords = (a: TsNode): { word: string; start: number; end: number }[] => {
    let u = unwrap(a);
    // `@('run', '--rm')`: the array of its one statement.
    if (u.type === 'array_expression') {
      const list = u.namedChildren.find((c) => c.type === 'statement_list');
      const only = list?.namedChildren.length === 1 ? unwrap(list.namedChildren[0]!) : null;
      if (only?.type === 'array_literal_expression') u = only;
    }
    if (u.type === 'array_literal_expression' && u.namedChildren.length > 1) return u.namedChildren.map((e) => ({ word: wordOf(e, true), start: e.startIndex, end: e.endIndex }));
    return [{ word: wordOf(a, true), start: a.startIndex, end: a.endIndex }];
  };

  /** Writes one word spanning [start, end) of the PowerShell text. */
  const putWord = (o: Out, word: string, start: number, end: number, first: boolean) => {
    if (!first) o.emit(' ', start);
    o.word(word, start, end);
  };

  /** Commands nested in an argument or expression (`$(…)`, `(…)`, script blocks): read as their own statements, nested. */
  const hiddenCommands = (node: TsNode, skip: TsNode | null): TsNode[] => {
    const found: TsNode[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === skip) continue;
      if (n.type === 'command' && n !== node) {
        found.push(n);
        continue;
      }
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return found;
  };

  /** One command as shell words into `o`. */
  const command = (cmd: TsNode, o: Out, ctx: Ctx): void => {
    const { name, node: nameNode } = commandName(cmd, text);
    const { args, redirections } = elementsOf(cmd);
    const program = name === null ? null : nativeProgram(name);
    let words: { word: string; start: number; end: number }[];
    let stderr = false;
    if (mayRunNative(name, program)) o.native = true;
    if (program) {
      words = [{ word: program, start: nameNode.startIndex, end: nameNode.endIndex }, ...args.flatMap((a) => argWords(a))];
    } else if (name !== null && cmdletOf(name) && !shadowed(name)) {
      const c = cmdletCommand(name, args, text);
      const type = c?.itemType ? staticValue(argumentPieces(c.itemType, text))?.toLowerCase() : undefined;
      const prog = c === null ? null : c.program !== 'new-item' ? c.program : type === 'directory' ? 'mkdir' : type === 'file' ? 'touch' : null;
      if (c && prog) {
        stderr = c.stderr;
        const moves = prog === 'cd' || prog === 'pushd' || prog === 'popd';
        const path = (n: TsNode) => {
          const w = wordOf(n, false);
          // Cmdlets take `\` as a folder separator on every platform.
          const v = staticValue(argumentPieces(n, text));
          // A wildcard path (`Copy-Item dist/* release/`) is a pattern the shell expands too.
          if (v !== null && c.patterns.includes(n) && /[*?[]/.test(v)) return shellPattern(v.replace(/\\/g, '/'));
          return v !== null && v.includes('\\') ? shellWord([{ kind: 'lit', text: v.replace(/\\/g, '/') }], src(n)) : w;
        };
        words = [
          { word: prog, start: nameNode.startIndex, end: nameNode.endIndex },
          ...c.flags.map((f) => ({ word: f, start: nameNode.endIndex, end: nameNode.endIndex })),
          ...c.operands.map((a) => ({ word: moves && ctx.nested ? unknownWord(a, 'cd ') : prog === 'echo' ? wordOf(a, false) : path(a), start: a.startIndex, end: a.endIndex })),
        ];
        if (moves) {
          moved = true;
          const target = c.operands[0];
          atScriptDir = prog === 'cd' && !ctx.nested && target !== undefined && argumentPieces(target, text).length === 1 && argumentPieces(target, text)[0]!.kind === 'self';
        }
      } else words = unmodelled(name, nameNode, args);
    } else words = unmodelled(name, nameNode, args);
    words.forEach((w, k) => putWord(o, w.word, w.start, w.end, k === 0));
    // docker's standard output sent to a file (`docker run --rm app:build cat /out/app > app`):
    // PowerShell before 7.4 (and Windows PowerShell) decodes it into lines and writes them again
    // with Out-File's encoding and newlines, so the file holds other bytes than docker printed,
    // which bytes depending on the PowerShell that runs it. It stands as that: a pipe into
    // Out-File, a program the tool does not model, given the file.
    // A build's standard output is its log, never an artifact: sent to a file it is a redirect
    // like any other, so a later use of the log is read as a use of what the build wrote.
    const toFile = program && !buildsImage(program, args) ? redirections.filter(stdoutToFile) : [];
    for (const r of redirections) if (!toFile.includes(r)) redirect(r, o);
    for (const r of toFile) {
      const target = r.namedChildren.find((c) => c.type === 'redirected_file_name')!;
      const value = target.namedChildren.filter((c) => c.type !== 'command_argument_sep');
      o.emit(' | Out-File.ps ', r.startIndex);
      o.emit(value.length === 1 ? wordOf(value[0]!, false) : unknownWord(r), target.startIndex);
    }
    if (stderr) o.emit(' >&2', cmd.endIndex);
    // `Set-Variable -Name Version -Value 2`, `New-Variable`, `Remove-Variable`, `Clear-Variable`:
    // the variable it names holds a value only known at run time afterwards; a name it does not
    // spell (`-Name $n`) may be any.
    if (name !== null && !program && VARIABLE_CMDLETS.has(name.toLowerCase())) {
      const named = args.findIndex((a) => a.type === 'command_parameter' && /^-n(a(me?)?)?$/i.test(text.slice(a.startIndex, a.endIndex)));
      const target = named >= 0 ? args[named + 1] : args.find((a, k) => a.type !== 'command_parameter' && (k === 0 || args[k - 1]!.type !== 'command_parameter'));
      const v = target ? staticValue(argumentPieces(target, text)) : null;
      const shell = v === null ? null : shellVarOf(v);
      if (shell === null) o.emit(` ; . ${unknownWord(nameNode, 'variables after ')}`, cmd.endIndex);
      else o.emit(` ; ${shell}=${unknownWord(nameNode, `${shell} after `)}`, cmd.endIndex);
    }
    if (name !== null && !program && ['invoke-expression', 'iex'].includes(name.toLowerCase()) && !shadowed(name)) {
      // `Invoke-Expression $text` runs PowerShell only known at run time in the session's scope,
      // as a dot-sourced file: it may set any variable, and move.
      o.emit(` ; . ${unknownWord(nameNode, 'sourced ')} ; cd ${unknownWord(nameNode, 'location after ')}`, cmd.endIndex);
      moved = true;
    }
    if (name !== null && !program && functions.has(name.toLowerCase())) {
      // A call of a function of the script runs its body here, which the reader read where the
      // function is defined: what the body assigns (`$script:Tag = …`, or any name when the call
      // is dot-sourced) and where it moves are only known at run time after the call.
      const effects = functionEffects(name.toLowerCase(), new Set());
      if (effects.sets === null) o.emit(` ; . ${unknownWord(nameNode, 'sourced ')}`, cmd.endIndex);
      else for (const [v, exported] of effects.sets) o.emit(` ; ${exported ? 'export ' : ''}${v}=${unknownWord(nameNode, `${v} after `)}`, cmd.endIndex);
      if (effects.moves) {
        o.emit(` ; cd ${unknownWord(nameNode, 'location after ')}`, cmd.endIndex);
        moved = true;
      }
    }
    if (name !== null && !program && /\.ps1$/i.test(name)) {
      // Read once, where the session stands before the call.
      const callee = readCallee(name);
      const dotted = cmd.children.some((c) => c.type === 'command_invokation_operator' && text.slice(c.startIndex, c.endIndex) === '.');
      const sets = calleeSets(callee, dotted);
      // A `.ps1` run by its path (`./scripts/prep.ps1`, `& .\prep.ps1`): the location is the
      // session's, so a `Set-Location` in it stays after it returns. Unless the script is read and
      // moves nowhere, the folder after the call is only known at run time.
      if (calleeMayMove(callee)) {
        o.emit(` ; cd ${unknownWord(nameNode, 'location after ')}`, cmd.endIndex);
        moved = true;
      }
      // Its `$env:NAME = …` hold in the session after it (the environment is the process's), and,
      // dot-sourced, its variables too: each becomes a value only known at run time; a callee the
      // tool cannot read, or one that may set names it cannot see, is a file sourced from a path
      // only known at run time, which may set anything (src/plan/sourced-variables.ts).
      if (sets === null) o.emit(` ; . ${unknownWord(nameNode, 'sourced ')}`, cmd.endIndex);
      else for (const [v, exported] of sets) {
        o.emit(` ; ${exported ? 'export ' : ''}${v}=${unknownWord(nameNode, `${v} after `)}`, cmd.endIndex);
        // (an environment name not in capitals is that name in capitals too on Windows: windowsEnvName)
        if (exported && v !== v.toUpperCase()) o.emit(` ; export ${v.toUpperCase()}=${unknownWord(nameNode, `${v.toUpperCase()} after `)}`, cmd.endIndex);
      }
    }
  };

  /**
   * What a call of the script's function `name` (lower case) may leave changed: the shell names of
   * the variables its body assigns, and of those the functions it calls assign (null: any name,
   * where it runs a computed command, a script, `Set-Variable` or `Invoke-Expression`), and
   * whether it may move (a location command, a script, a computed command).
   */
  const functionEffects = (name: string, seen: Set<string>): { sets: Map<string, boolean> | null; moves: boolean } => {
    const out: { sets: Map<string, boolean> | null; moves: boolean } = { sets: new Map(), moves: false };
    if (seen.has(name)) return out;
    seen.add(name);
    const bodies = tree.root.descendantsOfType('function_statement').filter((f) => {
      const n = f.namedChildren.find((c) => c.type === 'function_name');
      return n !== undefined && text.slice(n.startIndex, n.endIndex).toLowerCase() === name;
    });
    for (const body of bodies) {
      for (const a of body.descendantsOfType('assignment_expression')) {
        const target = a.namedChildren[0] ? unwrap(a.namedChildren[0]) : null;
        const v = target && target.type === 'variable' ? variableName(text.slice(target.startIndex, target.endIndex)) : null;
        if (v !== null && INERT_VARIABLES.has(v.toLowerCase().replace(/^(global|script):/, ''))) continue;
        const shell = v === null ? null : shellVarOf(v);
        if (shell === null) {
          if (v === null || !/^(private|using):/i.test(v)) out.sets = null;
          continue;
        }
        out.sets?.set(shell, /^env:/i.test(v!));
        if (/^env:/i.test(v!) && shell !== shell.toUpperCase()) out.sets?.set(shell.toUpperCase(), true);
      }
      for (const c of body.descendantsOfType('command')) {
        const n = commandName(c, text).name;
        const lower = n?.toLowerCase() ?? null;
        const key = n === null ? null : cmdletOf(n);
        if (n === null || /\.ps1$/i.test(n)) {
          out.sets = null;
          out.moves = true;
          continue;
        }
        if (key === 'set-location' || key === 'push-location' || key === 'pop-location') out.moves = true;
        if (VARIABLE_CMDLETS.has(lower!) || ['invoke-expression', 'iex', 'set-item', 'new-item'].includes(key ?? lower!)) out.sets = null;
        if (functions.has(lower!) && lower !== name) {
          const inner = functionEffects(lower!, seen);
          out.moves ||= inner.moves;
          if (inner.sets === null) out.sets = null;
          else for (const [v, e] of inner.sets) out.sets?.set(v, e);
        }
      }
    }
    return out;
  };

  /**
   * The `.ps1` file a call names, read and parsed; null when it cannot be known: no repository to
   * read, a location already moved to a folder only known at run time, a path outside the
   * repository or only known at run time, a file missing or not parsed.
   */
  const readCallee = (name: string): { text: string; root: TsNode } | null => {
    if (!opts.fs || moved || opts.cwd === null) return null;
    const p = name.replace(/\\/g, '/');
    if (path.isAbsolute(p) || /^[A-Za-z]:/.test(p) || p.includes('$')) return null;
    const rel = resolveRel(opts.cwd, p);
    if (rel === '..' || rel.startsWith('../')) return null;
    const text = opts.fs.readText(rel);
    const tree = text === null ? null : parsePowerShellTree(text);
    return tree === null || 'at' in tree ? null : { text: text!, root: tree.root };
  };

  /**
   * The names a `.ps1` callee leaves set in the caller's session: each shell name with whether it
   * is an environment variable (`$env:NAME = …`); with `dotted`, its plain variables too. Null when
   * the callee is not read, or may set names it does not spell (another script, `Set-Item env:`,
   * `[Environment]::SetEnvironmentVariable`, `Invoke-Expression`, a computed command).
   */
  const calleeSets = (callee: { text: string; root: TsNode } | null, dotted: boolean): Map<string, boolean> | null => {
    if (callee === null || /SetEnvironmentVariable|\benv:[^A-Za-z_{]/i.test(callee.text)) return null;
    for (const c of callee.root.descendantsOfType('command')) {
      const n = commandName(c, callee.text).name;
      const key = n === null ? null : cmdletOf(n);
      if (n === null || /\.ps1$/i.test(n) || ['set-item', 'new-item', 'set-variable', 'new-variable', 'invoke-expression', 'iex', 'set-content', 'import-module'].includes((key ?? n).toLowerCase())) return null;
    }
    const out = new Map<string, boolean>();
    for (const a of callee.root.descendantsOfType('assignment_expression')) {
      const lhs = a.namedChildren[0];
      const v = lhs ? variableName(callee.text.slice(lhs.startIndex, lhs.endIndex)) : null;
      if (v === null || v === undefined) return null;
      const env = /^env:/i.test(v);
      if (!env && !dotted) continue;
      const shell = shellVarOf(v);
      if (shell === null) return null;
      out.set(shell, env);
    }
    return out;
  };

  /** Whether a `.ps1` callee may leave the session in another location (not read, or a location command or another script in it). */
  const calleeMayMove = (callee: { text: string; root: TsNode } | null): boolean =>
    callee === null ||
    callee.root.descendantsOfType('command').some((c) => {
      const n = commandName(c, callee.text).name;
      const key = n === null ? null : cmdletOf(n);
      return n === null || key === 'set-location' || key === 'push-location' || key === 'pop-location' || /\.ps1$/i.test(n);
    });

  /** `> file`, `>> file`, `1> file`: standard output into a file (not `$null`). */
  /** `docker build`, `docker buildx build`, `docker image build`, written out. */
  const buildsImage = (program: string, args: TsNode[]): boolean => {
    if (program !== 'docker') return false;
    const [a, b] = args.slice(0, 2).map((x) => staticValue(argumentPieces(x, text))?.toLowerCase());
    return a === 'build' || ((a === 'buildx' || a === 'image') && b === 'build');
  };

  const stdoutToFile = (r: TsNode): boolean => {
    const op = r.namedChildren.find((c) => c.type === 'file_redirection_operator');
    const target = r.namedChildren.find((c) => c.type === 'redirected_file_name');
    if (!op || !target || !/^1?>>?$/.test(text.slice(op.startIndex, op.endIndex).trim())) return false;
    const value = target.namedChildren.filter((c) => c.type !== 'command_argument_sep');
    const only = value.length === 1 ? value[0]! : null;
    return !(only !== null && variableName(text.slice(unwrap(only).startIndex, unwrap(only).endIndex))?.toLowerCase() === 'null');
  };

  /**
   * Whether a command may run a native program, and so set `$LASTEXITCODE`: docker, any program,
   * a script, a function of the script or a name it shadows, a command computed at run time
   * (`& $exe`), and a name that is an alias on Windows only (`rm` runs the program elsewhere). A
   * cmdlet sets none: those the reader knows, and names spelt Verb-Noun with a verb of
   * PowerShell's (`Write-Host`, `Compress-Archive`), as cmdlets and module commands are.
   */
  const mayRunNative = (name: string | null, program: string | null): boolean => {
    if (program !== null || name === null) return true;
    const lower = name.toLowerCase();
    if (functions.has(lower) || shadowed(name) || PLATFORM_ALIASES.has(lower)) return true;
    return !(cmdletOf(name) !== null || CMDLET_NAME.test(name));
  };

  /** A program the tool does not model: its name (made distinct from shell programs it could be mistaken for) and its arguments. */
  const unmodelled = (name: string | null, nameNode: TsNode, args: TsNode[]) => {
    // A script run by its path (`.\scripts\build.ps1`): PowerShell takes `\` as a folder separator in it on every platform.
    const path = name !== null && (/^\.\.?\\/.test(name) || /\.ps1$/i.test(name)) ? name.replace(/\\/g, '/') : name;
    const prog = name === null || path === null ? unknownWord(nameNode) : PLATFORM_ALIASES.has(name.toLowerCase()) || cmdletOf(name) ? `${name}.ps` : shellQuote(path);
    const out = [{ word: prog, start: nameNode.startIndex, end: nameNode.endIndex }, ...args.flatMap((a) => argWords(a))];
    // A function of the script, or a command computed at run time (`& $step`): what it touches is not known.
    if (name === null || functions.has(name.toLowerCase()) || shadowed(name)) out.push({ word: unknownWord(nameNode, 'call '), start: nameNode.endIndex, end: nameNode.endIndex });
    return out;
  };

  /** `> file`, `>> file`, `2>&1`, `> $null`: as the shell's; anything else is an unknown target. */
  const redirect = (r: TsNode, o: Out) => {
    const raw = text.slice(r.startIndex, r.endIndex);
    const merge = /^([12*])>&([12])$/.exec(raw.trim());
    if (merge) {
      o.emit(merge[1] === '*' ? ' 2>&1' : ` ${merge[1]}>&${merge[2]}`, r.startIndex);
      return;
    }
    const op = r.namedChildren.find((c) => c.type === 'file_redirection_operator');
    const target = r.namedChildren.find((c) => c.type === 'redirected_file_name');
    const opText = op ? text.slice(op.startIndex, op.endIndex).trim() : '';
    if (!target || !/^[12]?>>?$/.test(opText)) {
      o.emit(` > ${unknownWord(r)}`, r.startIndex);
      return;
    }
    const value = target.namedChildren.filter((c) => c.type !== 'command_argument_sep');
    const only = value.length === 1 ? value[0]! : null;
    const isNull = only !== null && variableName(text.slice(unwrap(only).startIndex, unwrap(only).endIndex))?.toLowerCase() === 'null';
    o.emit(` ${opText} `, r.startIndex);
    o.emit(isNull ? '/dev/null' : only ? wordOf(only, false) : unknownWord(r), (only ?? r).startIndex);
  };

  /**
   * The pipelines of a statement joined by PowerShell 7's `&&`/`||`, each with the operator
   * before it; null for a shape not modelled. The grammar puts the operator alone in a
   * `pipeline_chain_tail` and the pipeline after it beside the tail, not in it.
   */
  const chainSegments = (p: TsNode): { op: string | null; node: TsNode }[] | null => {
    const segments: { op: string | null; node: TsNode }[] = [];
    let op: string | null = null;
    for (const c of p.namedChildren) {
      if (c.type === 'comment') continue;
      if (c.type === 'pipeline_chain_tail') {
        if (op !== null || segments.length === 0) return null;
        op = c.children.find((x) => x.type === '&&' || x.type === '||')?.type ?? null;
        if (op === null) return null;
        const inner = c.namedChildren.find((x) => x.type === 'command' || x.type === 'pipeline_chain');
        if (inner) {
          segments.push({ op, node: inner });
          op = null;
        }
        continue;
      }
      if (c.type !== 'pipeline_chain') return null;
      if ((op === null) !== (segments.length === 0)) return null;
      segments.push({ op, node: c });
      op = null;
    }
    return op === null ? segments : null;
  };

  /** A pipeline (`a | b`, `a && b || c`): its commands, as the shell's pipes and chains. */
  const pipeline = (p: TsNode, o: Out, ctx: Ctx): boolean => {
    const segments = p.type === 'pipeline_chain' ? [{ op: null, node: p }] : chainSegments(p);
    if (segments === null || segments.length === 0) return false;
    for (const seg of segments) {
      if (seg.op) o.emit(` ${seg.op} `, seg.node.startIndex);
      const cmds = seg.node.type === 'command' ? [seg.node] : seg.node.namedChildren.filter((c) => c.type === 'command');
      // Anything other than commands in the pipeline (an expression piped in): not modelled.
      if (seg.node.type !== 'command' && seg.node.namedChildren.some((c) => c.type !== 'command' && c.type !== 'comment')) return false;
      if (cmds.length === 0) return false;
      const last = cmds[cmds.length - 1]!;
      const outNull = cmds.length > 1 && commandName(last, text).name?.toLowerCase() === 'out-null' && elementsOf(last).args.length === 0;
      const run = outNull ? cmds.slice(0, -1) : cmds;
      run.forEach((c, k) => {
        if (k > 0) o.emit(' | ', c.startIndex);
        command(c, o, ctx);
      });
      if (outNull) o.emit(' >/dev/null', last.startIndex);
    }
    return true;
  };

  /** The guard shape after a native command: `if ($LASTEXITCODE -ne 0) { exit 1 }` and kin; its shell text, or null. */
  const guardOf = (stmt: TsNode): string | null => {
    if (stmt.type !== 'if_statement') return null;
    if (stmt.namedChildren.some((c) => c.type === 'elseif_clauses' || c.type === 'else_clause')) return null;
    const cond = stmt.namedChildren.find((c) => c.type === 'pipeline');
    const body = stmt.namedChildren.find((c) => c.type === 'statement_block');
    if (!cond || !body) return null;
    const c = text.slice(cond.startIndex, cond.endIndex).replace(/\s+/g, ' ').trim().toLowerCase();
    if (!['$lastexitcode -ne 0', '$lastexitcode', '0 -ne $lastexitcode', '-not $?', '!$?', '! $?', '$lastexitcode -gt 0'].includes(c)) return null;
    const list = body.namedChildren.find((x) => x.type === 'statement_list');
    const stmts = (list?.namedChildren ?? []).filter((x) => x.type !== 'comment');
    if (stmts.length === 0) return null;
    const last = stmts[stmts.length - 1]!;
    const lastText = text.slice(last.startIndex, last.endIndex).replace(/\s+/g, ' ').trim();
    const messages: string[] = [];
    for (const s of stmts.slice(0, -1)) {
      const cmd = s.type === 'pipeline' ? s.descendantsOfType('command') : [];
      if (cmd.length !== 1 || s.descendantsOfType('sub_expression').length > 0) return null;
      const name = commandName(cmd[0]!, text).name?.toLowerCase();
      if (name !== 'write-host' && name !== 'write-error' && name !== 'write-output') return null;
      const { args, redirections } = elementsOf(cmd[0]!);
      if (redirections.length > 0 || args.some((a) => a.type === 'command_parameter')) return null;
      messages.push(`echo ${args.map((a) => wordOf(a, false)).join(' ')} >&2`);
    }
    let exit: string | null = null;
    if (last.type === 'flow_control_statement') {
      const kw = last.children[0]?.type;
      const arg = lastText.replace(/^\w+\s*/, '');
      if (kw === 'exit' && /^[0-9]+$/.test(arg) && Number(arg) % 256 !== 0) exit = `exit ${arg}`;
      else if (kw === 'exit' && arg.toLowerCase() === '$lastexitcode') exit = messages.length === 0 ? 'exit $?' : null;
      else if (kw === 'throw' && (arg === '' || last.descendantsOfType(['sub_expression', 'variable']).length === 0)) {
        if (arg !== '') messages.push('echo guard >&2');
        exit = 'exit 1';
      }
    }
    if (exit === null) return null;
    return messages.length === 0 ? exit : `{ ${messages.join('; ')}; ${exit}; }`;
  };

  /** Whole lines of [start, end) when nothing else stands on them (a comment after may), else null. */
  const wholeLines = (start: number, end: number): Edit[] | null => {
    const ls = lines.lineStart(lines.lineOf(start));
    const lastLine = lines.lineOf(Math.max(start, end - 1));
    let le = lines.lineEndWithTerminator(lastLine);
    const before = text.slice(ls, start);
    const after = text.slice(end, le);
    if (!/^[ \t]*$/.test(before) || !/^[ \t;]*(#.*)?\r?\n?$/.test(after)) return sharedLine(start, end, before, after);
    if (!opts.toFile) return [{ start: ls, end: le, text: '' }];
    // In a CI file: the same lines of the file, from the start of the first (its indentation
    // included) through the newline of the last.
    const file = opts.fileText ?? '';
    let fs = toFile(ls);
    while (fs > 0 && (file[fs - 1] === ' ' || file[fs - 1] === '\t')) fs--;
    if (fs > 0 && file[fs - 1] !== '\n') return null;
    let fe = le > ls && text[le - 1] === '\n' ? toFile(le - 1) + 1 : toFile(le - 1) + 1;
    while (fe < file.length && file[fe - 1] !== '\n') fe++;
    return [{ start: fs, end: fe, text: '' }];
  };

  /**
   * A one-line statement that shares its line with others, `;` between them (`docker create …;
   * docker cp …; docker rm x`): the statement goes with the `;` that ends it and the blanks
   * after, or, last on the line, alone (`a; ` stays, a valid end of a statement). A line left
   * with nothing but blanks and `;` goes whole (transforms/embedded.ts tidyLines).
   */
  const sharedLine = (start: number, end: number, before: string, after: string): Edit[] | null => {
    if (text.slice(start, end).includes('\n')) return null;
    if (!/(^|[;{])[ \t]*$/.test(before)) return null;
    const sep = /^[ \t]*;[ \t]*/.exec(after)?.[0] ?? '';
    const rest = after.slice(sep.length);
    let to: number;
    if (sep !== '' && !/^(#.*)?\r?\n?$/.test(rest)) to = end + sep.length;
    else if (/;[ \t]*$/.test(before) && /^(#.*)?\r?\n?$/.test(rest)) to = end;
    else return null;
    if (!opts.toFile) return [{ start, end: to, text: '' }];
    const [fs, fe] = [toFile(start), toFile(to - 1) + 1];
    return fe - fs === to - start ? [{ start: fs, end: fe, text: '' }] : null;
  };

  /** Adds a snippet for statement text [start, end) of the PowerShell source. */
  const add = (o: Out, start: number, end: number, ctx: Ctx, removable: boolean) => {
    if (/^(\w+=\$\()?docker(-compose)? /.test(o.shell)) lastNative = `${ctx.nested ? 'in a block: ' : ''}${o.shell}`;
    o.map.push(end);
    const fileMap = o.map.map(toFile);
    const label = `${opts.label}:${lines.lineOf(start)}`;
    out.push({
      nested: ctx.nested,
      snippet: {
        shell: o.shell,
        toFile: fileMap,
        encode: (s) => encode(psFromShell(file, s)),
        cwd: out.length === 0 ? opts.cwd : null,
        vars: opts.vars,
        remove: removable ? wholeLines(start, end) : null,
        label,
        translated: true,
        placeholderTexts,
        continues: out.length > 0,
        ...(o.native ? { setsExitCode: { guarded: o.guarded } } : {}),
        ...(ctx.blocks && ctx.blocks.length > 0 ? { branches: [...ctx.blocks] } : {}),
        insertWords: (cmd, after, words) => insertPsWords(text, !opts.toFile, cmd, after, words, encode),
        replaceWord: (cmd, word, value) => {
          const w = cmd.words[word]!;
          return [{ start: w.start, end: w.end, text: encode(psQuote(value)) }];
        },
      },
    });
  };

  const simple = (text0: string, at: number, end: number, ctx: Ctx, removable = false) => {
    const o = new Out();
    o.emit(text0, at);
    add(o, at, end, ctx, removable);
  };

  /**
   * Statements nested in an expression (`$(…)`, script blocks): each command its own snippet,
   * nested; a variable assigned in there is only known at run time afterwards.
   */
  const hidden = (node: TsNode, skip: TsNode | null) => {
    for (const c of hiddenCommands(node, skip)) {
      hidden(c, null);
      const o = new Out();
      command(c, o, { nested: true });
      add(o, c.startIndex, c.endIndex, { nested: true }, false);
    }
    for (const a of node.descendantsOfType('assignment_expression')) assignedUnknown(a);
  };

  /**
   * `$env:Docker_Host = …`: Windows looks environment names up in any case, so there it sets
   * DOCKER_HOST, which docker reads; elsewhere it sets another name. The name in capitals holds a
   * value only known at run time after it (nothing for a name already in capitals).
   */
  const windowsEnvName = (name: string | null, node: TsNode, ctx: Ctx) => {
    const v = name !== null && /^env:/i.test(name) ? shellVarOf(name) : null;
    if (v !== null && v !== v.toUpperCase()) simple(`export ${v.toUpperCase()}=${unknownWord(node, 'windows ')}`, node.endIndex, node.endIndex, ctx);
  };

  /** `$x = …` in a block or an expression: afterwards `$x` is only known at run time. */
  const assignedUnknown = (a: TsNode) => {
    const { variable: target, converts } = assignedVariable(a.namedChildren[0]!);
    // (several variables, an item, a property: each variable named on the left)
    const targets = target !== null ? [target] : a.namedChildren[0]!.descendantsOfType('variable');
    for (const t of targets) {
      const name = variableName(text.slice(t.startIndex, t.endIndex));
      const v = name === null ? null : shellVarOf(name);
      if (v) simple(`${/^env:/i.test(name!) ? 'export ' : ''}${v}=${unknownWord(a)}`, a.startIndex, a.endIndex, { nested: true });
      if (converts && name !== null) typed.add(name.toLowerCase());
      windowsEnvName(name, a, { nested: true });
    }
  };

  /** Variables given a type other than string (`[int]$n = …`): each later value is converted to it. */
  const typed = new Set<string>();

  /**
   * The variable an assignment's left side names: a plain one (`$x`, `$script:x`), also behind
   * type casts (`[string]$x`, `[ValidateNotNull()][int]$x`), with whether a cast other than to
   * string converts its values; null for anything else (several variables, an item, a property).
   */
  const assignedVariable = (left: TsNode): { variable: TsNode | null; converts: boolean } => {
    let n = unwrap(left);
    let converts = false;
    while (n.type === 'cast_expression') {
      const type = n.namedChildren.find((c) => c.type === 'type_literal');
      const inner = n.namedChildren.find((c) => c !== type);
      if (!type || !inner) return { variable: null, converts };
      if (!/^\[\s*string\s*\]$/i.test(text.slice(type.startIndex, type.endIndex))) converts = true;
      n = unwrap(inner);
    }
    return { variable: n.type === 'variable' ? n : null, converts };
  };

  /** `$name = …` (assignmentOf), and the name's capitals on Windows (windowsEnvName). */
  const assignment = (stmt: TsNode, a: TsNode, ctx: Ctx, guard: { node: TsNode; shell: string } | null) => {
    assignmentOf(stmt, a, ctx, guard);
    const target = assignedVariable(a.namedChildren[0]!).variable;
    windowsEnvName(target !== null ? variableName(text.slice(target.startIndex, target.endIndex)) : null, stmt, ctx);
  };

  /** `$name = …`: an assignment (static value), a capture (`$id = docker create …`), or an unknown value. */
  const assignmentOf = (stmt: TsNode, a: TsNode, ctx: Ctx, guard: { node: TsNode; shell: string } | null) => {
    const left = a.namedChildren[0]!;
    const op = a.namedChildren.find((c) => c.type === 'assignement_operator' || c.type === 'assignment_operator');
    const value = a.namedChildren.find((c, k) => k > 0 && c.type === 'pipeline');
    const { variable: target, converts } = assignedVariable(left);
    const name = target !== null ? variableName(text.slice(target.startIndex, target.endIndex)) : null;
    const opText = op ? text.slice(op.startIndex, op.endIndex).trim() : '';
    const lower = name?.toLowerCase() ?? '';
    if (name === null) {
      // Several variables (`$a, $b = …`), an array item or a property (`$h.Out = …`): each
      // variable named there holds a value only known at run time afterwards.
      hidden(a, null);
      for (const v of left.descendantsOfType('variable')) {
        const n = variableName(text.slice(v.startIndex, v.endIndex));
        const shell = n === null ? null : shellVarOf(n);
        if (shell !== null) simple(`${/^env:/i.test(n!) ? 'export ' : ''}${shell}=${unknownWord(a)}`, stmt.startIndex, stmt.endIndex, ctx);
      }
      return;
    }
    // `[int]$n = …`: the variable converts this value, and every later one, to its type.
    if (converts) typed.add(lower);
    if (name !== null && INERT_VARIABLES.has(lower.replace(/^(global|script):/, '')) && opText === '=' && value && hiddenCommands(value, null).length === 0) return;
    const valueChain = value?.namedChildren.find((c) => c.type === 'pipeline_chain');
    const cmds = valueChain ? valueChain.namedChildren.filter((c) => c.type === 'command') : [];
    const shellName = name === null ? null : lower === 'null' ? 'null' : shellVarOf(name);
    // `$null = New-Item …`: the command alone, its output discarded.
    if (shellName === 'null' && value && valueChain && cmds.length > 0 && opText === '=') {
      statement(value, ctx, stmt, guard);
      return;
    }
    const env = name !== null && /^env:/i.test(name);
    const lhs = (v: string) => (env ? `export ${shellName}=${v}` : `${shellName}=${v}`);
    if (shellName === null || shellName === 'null' || opText !== '=' || !value) {
      // An assignment the model does not follow: to a property, an array item, `+=`…
      hidden(a, null);
      if (shellName && shellName !== 'null') simple(lhs(unknownWord(a)), stmt.startIndex, stmt.endIndex, ctx);
      return;
    }
    const inner = unwrap(value);
    if (valueChain && cmds.length > 0 && valueChain.namedChildren.every((c) => c.type === 'command')) {
      // `$id = docker create app:build`: the command's output, captured.
      const o = new Out();
      o.emit(`${shellName}=$(`, stmt.startIndex);
      const r = pipeline(value, o, ctx);
      if (r) {
        o.emit(')', value.endIndex);
        for (const c of cmds) hidden(c, null);
        if (guard) {
          o.guarded = true;
          o.emit(` || ${guard.shell}`, guard.node.startIndex);
          add(o, stmt.startIndex, guard.node.endIndex, ctx, true);
        } else add(o, stmt.startIndex, stmt.endIndex, ctx, true);
        return;
      }
    }
    const paren = inner.type === 'parenthesized_expression' ? inner.namedChildren.find((c) => c.type === 'pipeline') : undefined;
    if (paren) {
      const pc = paren.namedChildren.find((c) => c.type === 'pipeline_chain');
      if (pc && pc.namedChildren.length > 0 && pc.namedChildren.every((c) => c.type === 'command')) {
        const o = new Out();
        o.emit(`${shellName}=$(`, stmt.startIndex);
        if (pipeline(paren, o, ctx)) {
          o.emit(')', value.endIndex);
          add(o, stmt.startIndex, stmt.endIndex, ctx, true);
          return;
        }
      }
    }
    hidden(value, null);
    const pieces = argumentPieces(inner, text);
    const known = !ctx.nested && !typed.has(lower) && (inner.type === 'string_literal' || inner.type === 'integer_literal' || inner.type === 'variable');
    const o = new Out();
    o.emit(lhs(known ? spelled(pieces, src(inner)) : unknownWord(a)), stmt.startIndex);
    add(o, stmt.startIndex, stmt.endIndex, ctx, true);
  };

  /** A statement that is a pipeline (commands, or an assignment); `guard` is the statement after it when that guards it. */
  const statement = (stmt: TsNode, ctx: Ctx, whole: TsNode = stmt, guard: { node: TsNode; shell: string } | null = null): void => {
    const a = stmt.namedChildren.find((c) => c.type === 'assignment_expression');
    if (a) {
      assignment(stmt, a, ctx, guard);
      return;
    }
    const chains = stmt.namedChildren.filter((c) => c.type === 'pipeline_chain');
    const chain = chains[0];
    const onlyCommands = chains.length > 0 && chains.every((ch) => ch.namedChildren.length > 0 && ch.namedChildren.every((c) => c.type === 'command' || c.type === 'comment'));
    if (!onlyCommands) {
      // An expression statement (`'text'`, `$x.Method()`, `[IO.File]::Delete(…)`): not modelled.
      hidden(stmt, null);
      // Its value sent to a file (`"DOCKER_HOST=…" >> $env:GITHUB_ENV`, `$v > VERSION`): PowerShell
      // writes it there as Out-File does, a write of that file.
      const writes = chains.flatMap((ch) => ch.namedChildren.filter((c) => c.type === 'redirections')).flatMap((r) => r.namedChildren.filter((c) => c.type === 'redirection'));
      const calls = stmt.descendantsOfType(['invokation_expression', 'member_access', 'element_access']).length > 0 || text.slice(stmt.startIndex, stmt.endIndex).includes('::');
      if (!calls && writes.length === 0) return;
      const o = new Out();
      const values = chains.length === 1 ? chain!.namedChildren.filter((c) => c.type !== 'redirections' && c.type !== 'comment') : [];
      const only = values.length === 1 ? unwrap(values[0]!) : null;
      if (!calls && only !== null && (only.type === 'string_literal' || only.type === 'variable')) {
        // A string (or a variable's value) alone: what `Write-Output` of it writes.
        o.emit('echo ', stmt.startIndex);
        o.word(wordOf(only, false), only.startIndex, only.endIndex);
      } else {
        // The strings it is given are words of that unknown program (`[IO.File]::WriteAllText("$PWD/Dockerfile", $df)`
        // names a file it may write), as a shell program's arguments are.
        const given = stmt.descendantsOfType(['string_literal', 'expandable_string_literal']).map((n) => wordOf(n, false));
        o.emit(`__ps_statement ${unknownWord(stmt)}${given.map((w) => ` ${w}`).join('')}`, stmt.startIndex);
      }
      for (const r of writes) redirect(r, o);
      add(o, stmt.startIndex, stmt.endIndex, ctx, false);
      return;
    }
    const first = chain!.namedChildren.find((c) => c.type === 'command')!;
    const n = commandName(first, text).name?.toLowerCase() ?? '';
    if (INERT_CMDLETS.has(n) && chain!.namedChildren.length === 1 && chains.length === 1) return;
    for (const ch of chains) for (const c of ch.namedChildren.filter((x) => x.type === 'command')) hidden(c, null);
    for (const tail of stmt.namedChildren.filter((c) => c.type === 'pipeline_chain_tail')) hidden(tail, null);
    const o = new Out();
    const r = pipeline(stmt, o, ctx);
    if (!r) {
      simple(`__ps_statement ${unknownWord(stmt)}`, stmt.startIndex, stmt.endIndex, ctx);
      return;
    }
    let end = whole.endIndex;
    if (guard) {
      o.guarded = true;
      o.emit(' || ', guard.node.startIndex);
      o.emit(guard.shell, guard.node.startIndex);
      end = guard.node.endIndex;
    }
    add(o, whole.startIndex, end, ctx, true);
  };

  /** Whether a statement is a pipeline whose last command is docker, so `$LASTEXITCODE` is its status. */
  const endsNative = (stmt: TsNode): boolean => {
    if (stmt.type !== 'pipeline') return false;
    // `$id = docker create …`: the captured command's status.
    const a = stmt.namedChildren.find((c) => c.type === 'assignment_expression');
    if (a) {
      const value = a.namedChildren.find((c, k) => k > 0 && c.type === 'pipeline');
      return value !== undefined && endsNative(value);
    }
    const last = stmt.namedChildren.filter((c) => c.type === 'pipeline_chain' || c.type === 'pipeline_chain_tail').pop();
    const lastCmd = last?.namedChildren.filter((c) => c.type === 'command').pop();
    const name = lastCmd ? commandName(lastCmd, text).name : null;
    return name !== null && nativeProgram(name) !== null;
  };

  /**
   * A compound statement (`if`, loops, `try`, `switch`, functions…): its blocks' statements
   * nested, and the commands of its conditions and other expressions as nested commands.
   */
  /**
   * The context of a block's statements: a branch of its own where the block runs on some paths
   * only (conditions.ts compares the setup's steps by these). A `try` block and a `finally`
   * block run whenever the statement does (a failing native command throws nothing).
   */
  const blockCtx = (parent: TsNode, block: TsNode, ctx: Ctx): Ctx => {
    const within = (b: Branch, more: Partial<Ctx> = {}): Ctx => ({ ...ctx, nested: true, blocks: [...(ctx.blocks ?? []), b], ...more });
    const at = block.startIndex;
    switch (parent.type) {
      case 'try_statement':
      case 'finally_clause':
        return { ...ctx, nested: true };
      case 'catch_clause':
        return within({ id: `pscatch${at}`, where: 'in a PowerShell catch block (it runs only when the try block threw)' });
      case 'function_statement': {
        const id = `psfn${at}`;
        const name = parent.namedChildren.find((c) => c.type === 'function_name');
        if (name) functionBodies.set(text.slice(name.startIndex, name.endIndex).toLowerCase(), id);
        return within({ id, where: name ? `in the body of the PowerShell function ${text.slice(name.startIndex, name.endIndex)}` : 'in a PowerShell function body' }, { inFunction: true, inLoop: false });
      }
      case 'while_statement':
      case 'do_statement':
      case 'for_statement':
      case 'foreach_statement':
        return within({ id: `psloop${at}`, where: 'in a PowerShell loop that may run any number of times' }, { inLoop: true });
      case 'switch_clause':
        return within({ id: `pscase${at}`, where: 'in a PowerShell switch clause' }, { inLoop: true });
      case 'if_statement':
      case 'elseif_clause':
      case 'else_clause':
        return within({ id: `psif${at}`, where: 'in a PowerShell if/elseif/else block' });
      default:
        return within({ id: `psblock${at}`, where: `in a PowerShell ${parent.type.replace(/_(statement|clause)$/, '')} block` });
    }
  };

  const compound = (node: TsNode, ctx: Ctx) => {
    if (node.type === 'foreach_statement') {
      const v = node.namedChildren.find((c) => c.type === 'variable');
      const name = v ? shellVarOf(variableName(text.slice(v.startIndex, v.endIndex)) ?? '') : null;
      if (name) simple(`${name}=${unknownWord(node, 'foreach ')}`, node.startIndex, node.startIndex, { nested: true });
    }
    for (const c of node.children) {
      if (c.type === 'statement_list') walk(c, { ...ctx, nested: true });
      else if (c.type === 'command') {
        hidden(c, null);
        const o = new Out();
        command(c, o, { ...ctx, nested: true });
        add(o, c.startIndex, c.endIndex, { ...ctx, nested: true }, false);
      } else if (c.type === 'assignment_expression') {
        hidden(c, null);
        assignedUnknown(c);
      }
      else if (c.namedChildren.length > 0) compound(c, c.type === 'statement_block' || c.type === 'script_block' ? blockCtx(node, c, ctx) : ctx);
    }
  };

  /**
   * A `$LASTEXITCODE` or `$?` that guards no command of its own reads the status of whichever
   * command ran last: it is read as a command naming that one, so a migration that removes
   * the command it read changes its reading, and the re-read check refuses the setup.
   */
  const statusReader = (s: TsNode, ctx: Ctx) => {
    if (!/\$lastexitcode\b|\$\?/i.test(text.slice(s.startIndex, s.endIndex))) return;
    simple(`__ps_last_status ${shellQuote(lastNative ?? 'none')}`, s.startIndex, s.startIndex, ctx);
  };

  function walk(list: TsNode, ctx: Ctx): void {
    // A `;` between statements is an empty_statement of its own: the statement after it is still the next one (a guard on the same line).
    const stmts = list.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'empty_statement');
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      statusReader(s, ctx);
      if (s.type === 'pipeline') {
        const next = stmts[i + 1];
        const g = next && endsNative(s) ? guardOf(next) : null;
        if (g && next) {
          statement(s, ctx, s, { node: next, shell: g });
          i++;
        } else {
          const from = out.length;
          statement(s, ctx);
          // A program other than docker checked by the guard shape after it: the check stays a
          // statement of its own, but the program's failure ends the text as a guarded one's does.
          if (next && guardOf(next) !== null) for (const p of out.slice(from)) if (p.snippet.setsExitCode) p.snippet.setsExitCode = { guarded: true };
        }
        continue;
      }
      if (s.type === 'flow_control_statement') {
        const kw = s.children[0]?.type ?? '';
        const arg = s.namedChildren.find((c) => c.type === 'pipeline');
        if (arg) hidden(arg, null);
        const v = arg ? staticValue(argumentPieces(unwrap(arg), text)) : '';
        if (kw === 'exit') simple(v !== null && /^[0-9]*$/.test(v) ? `exit${v ? ` ${v}` : ''}` : `exit ${unknownWord(s)}`, s.startIndex, s.endIndex, ctx, true);
        else if (kw === 'throw') simple('exit 1', s.startIndex, s.endIndex, ctx, true);
        // `return` outside a function ends the script with success (an `if` body is no scope of its
        // own); so does a `break`/`continue` outside any loop, switch or function.
        else if (kw === 'return' && !ctx.inFunction) simple('exit 0', s.startIndex, s.endIndex, ctx, true);
        else if ((kw === 'break' || kw === 'continue') && !ctx.inLoop && !ctx.inFunction) simple('exit 0', s.startIndex, s.endIndex, ctx, true);
        else simple(`__ps_${kw || 'flow'}`, s.startIndex, s.endIndex, ctx);
        continue;
      }
      compound(s, ctx);
    }
  }

  const program = tree.root.namedChildren.find((c) => c.type === 'statement_list');
  if (program) walk(program, { nested: false });
  for (const s of out) {
    s.shadows = shadows;
    s.functionBodies = functionBodies;
  }
  return { snippets: out, diagnostics: [] };
}

/**
 * Shell text the planner writes (an export build) spelled in PowerShell: each word of its
 * commands quoted for PowerShell. Text with anything but static words is returned as it is,
 * which the re-read check then refuses.
 */
export function psFromShell(file: string, shell: string): string {
  const parsed = parseShell(file, shell).script;
  if (!parsed || parsed.commands.length !== 1) return shell;
  const cmd = parsed.commands[0]!;
  if (cmd.redirects.length > 0 || cmd.words.some((w) => w.value === null)) return shell;
  return cmd.words.map((w) => psQuote(w.value!)).join(' ');
}

/** Words added to a command (flags the final build takes over): static ones quoted for PowerShell, variables as `$name`. */
function insertPsWords(text: string, toFileIsIdentity: boolean, cmd: ScriptCommand, after: number, words: readonly Word[], encode: (s: string) => string): Edit[] | { error: string } {
  const parts: string[] = [];
  for (const w of words) {
    // In a .ps1 file, a word as written where it was taken from (the re-read check proves it reads the same here).
    const written = toFileIsIdentity && w.end > w.start ? text.slice(w.start, w.end) : '';
    if (written && !/[\r\n`]/.test(written)) {
      parts.push(written);
      continue;
    }
    if (w.value !== null) {
      parts.push(psQuote(w.value));
      continue;
    }
    const m = /^"\$\{([A-Za-z_][A-Za-z0-9_]*)\}"$|^"([^"$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)\}"$/.exec(w.raw);
    const prefix = m?.[2] ?? '';
    const v = m?.[1] ?? m?.[3];
    if (!v || v.startsWith('__ps_expression_') || v.startsWith(BACKSLASH_WORD)) return { error: `${w.raw} is only known when the script runs, and cannot be written into PowerShell` };
    const ps = v.startsWith('__ps_') ? `$${v.slice(5)}` : `$env:${v}`;
    parts.push(`"${prefix.replace(/[`"$]/g, (c) => `\`${c}`)}${ps}"`);
  }
  const at = cmd.words[after]!.end;
  return [{ start: at, end: at, text: encode(` ${parts.join(' ')}`) }];
}

/**
 * After composing PowerShell snippets into `script`: commands of nested snippets run only
 * sometimes, and maybe many times; the names the texts define as functions or aliases (each CI
 * step's, all together: a conservative union) run instead of programs of those names
 * (src/analyze/shadowed-commands.ts).
 */
export function finishPowerShell(script: EmbeddedScript, snippets: readonly PsSnippet[]): void {
  const nested = new Set(snippets.filter((s) => s.nested).map((s) => s.snippet));
  for (const bodies of new Set(snippets.map((p) => p.functionBodies))) {
    for (const [name, id] of bodies ?? []) (script.functionBodies ??= new Map()).set(name, id);
  }
  for (const part of script.parts) {
    if (!nested.has(part.snippet)) continue;
    for (let k = part.first; k < part.first + part.script.commands.length; k++) {
      const c = script.commands[k]!;
      c.conditional = true;
      c.loop = true;
    }
  }
  for (const s of new Set(snippets.map((p) => p.shadows))) {
    if (!s) continue;
    for (const [n, by] of s.names) {
      script.shadowNames ??= new Map();
      if (!script.shadowNames.has(n)) script.shadowNames.set(n, by);
    }
    if (s.unknown) script.shadowUnknown ??= s.unknown;
  }
}

/**
 * A `.ps1` script: run from its own folder, or from the folder its callers run it from
 * (`start`: `pwsh -File scripts/build.ps1` from the root; null, a folder only known at run
 * time), one sequence.
 */
export function parsePowerShell(file: string, text: string, start?: { cwd: string | null }, fs?: RepoFs): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const elsewhere = start !== undefined && start.cwd !== dir;
  const read = powerShellSnippets(file, text, { cwd: start ? start.cwd : dir, vars: new Map(), label: file, scriptFile: true, startsElsewhere: elsewhere, fs });
  if (read.diagnostics.length > 0 && read.snippets.length === 0) return { script: null, diagnostics: read.diagnostics };
  const snippets = read.snippets.map((s) => s.snippet);
  const { script, diagnostics } = composeEmbedded(file, 'powershell', text, snippets, [snippets.map((_, i) => i)]);
  finishPowerShell(script, read.snippets);
  if (start) script.startCwd = start.cwd;
  return { script, diagnostics: [...read.diagnostics, ...diagnostics] };
}
