/**
 * Jenkinsfiles (declarative `pipeline { … }` and scripted `node { … }`), parsed with
 * tree-sitter-groovy. Each `sh` step is a snippet of shell (Jenkins runs it with `sh -xe`, in
 * the current `dir()`, with the `environment {}` / `withEnv` values); `docker.build(name[, args])`
 * is the shell command the Docker Pipeline plugin runs for it, `docker build -t name args`
 * (args `.` when left out). Steps run in the order they are written; a pipeline (or each
 * `node {}` block, or a stage with its own `agent`) is one machine, so one sequence.
 *
 * What is not modelled is not followed: steps under a condition or repeated (`post`, `when`,
 * `parallel`, `retry`, `catchError`, `if`, loops, `try`), in a container (`agent { docker … }`,
 * `docker.image(…).inside`, `container(…)`), other `docker.*` and image methods (`push`, `run`,
 * `withRun`), other shells (`bat`, `powershell`, `pwsh`), a `sh` whose text cannot be decoded
 * exactly or whose status is ignored, and every step the tool does not know (it may read or
 * write the artifact). Each such step is an unread step of its sequence: a setup found there is
 * refused (SHELL_NOT_READ). Only a few steps that touch no file (`echo`, `checkout`…) are
 * passed over.
 */
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { Edit } from '../../model/edits.js';
import { resolveRel } from '../../model/paths.js';
import type { ScriptCommand, Word } from '../../model/script.js';
import { LineIndex } from '../../model/text.js';
import { composeEmbedded, type EmbeddedScript, type Snippet, type UnreadStep } from '../embedded.js';
import { parseWith, type TsNode } from '../tree-sitter.js';
import { decodeGroovyString, encodeGroovyString, INTERPOLATION_VAR, type GroovyString, type Quote } from './groovy-string.js';
import { revivable } from '../../model/revivable.js';
import type { PathFolder } from '../shell/types.js';
import { jenkinsPathEntries } from './ci-path-expressions.js';
import { markStageHosts } from './jenkins-stages.js';

/**
 * A `#!` line the reader follows: sh, bash or dash by its path, then at most one argument (the
 * kernel passes all that follows the path as one word, so `-e -x` is one word, not two options).
 * Group 1 is the shell, group 2 the argument.
 */
const PATH_SHEBANG = /^#![ \t]*(\/\S*\/(?:sh|bash|dash))(?:[ \t]+(\S(?:.*\S)?))?[ \t]*$/;

/**
 * `#!/usr/bin/env bash`: `env` finds the shell on the PATH. Only the one word: the kernel hands
 * `bash -e` to `env` as one name, which names no program (the step fails), so that is not read.
 */
const ENV_SHEBANG = /^#![ \t]*(\/\S*\/env)[ \t]+(sh|bash|dash)[ \t]*$/;

/**
 * The shell a `#!` line runs a Jenkins sh step with, as the start of its command line (the
 * script's text follows as `-c TEXT`), and whether it stops at the first failure (an option word
 * with `e`: `-e`, `-xe`); null for a line naming another interpreter.
 */
export function shebangShell(line: string): { argv: string[]; errexit: boolean } | null {
  const byPath = PATH_SHEBANG.exec(line);
  if (byPath) return { argv: [byPath[1]!, ...(byPath[2] === undefined ? [] : [byPath[2]])], errexit: /^-[uvx]*e[uvx]*$/.test(byPath[2] ?? '') };
  const byEnv = ENV_SHEBANG.exec(line);
  return byEnv ? { argv: [byEnv[1]!, byEnv[2]!], errexit: false } : null;
}

/** What a `return` ends: the closure, method or lambda it is written in. */
const RETURN_SCOPES = new Set(['closure', 'method_declaration', 'function_declaration', 'constructor_declaration', 'lambda_expression']);

/** Statements whose braces hold a block of their own (the grammar may read it as a closure). */
const CONTROL_STATEMENTS = new Set(['if_statement', 'for_statement', 'enhanced_for_statement', 'while_statement', 'do_statement', 'try_statement', 'catch_clause', 'finally_clause', 'switch_expression', 'switch_block', 'else']);
const CONTROL_WORDS = new Set(['if', 'else', 'for', 'while', 'switch', 'try', 'catch', 'finally']);

/** Shell text written into a Groovy string with this quote (a function that can cross threads: model/revivable.ts). */
const groovyEncode = revivable('jenkinsfile.encode', (quote: Quote) => (s: string) => encodeGroovyString(quote, s));

/** Steps that touch no file of the workspace and run no container: passed over. */
const INERT = new Set(['echo', 'error', 'milestone', 'sleep', 'checkout', 'git', 'slackSend', 'mail', 'emailext', 'properties', 'stage']);
/**
 * Groovy methods that touch no file and run nothing (string and collection methods): a statement
 * the reader passes over (an `echo` argument, a `def`, an assignment) may call these; any other
 * call in it (`readFile('out/VERSION')`, `fileExists`, a library step) may read the artifact.
 */
const PURE_GROOVY = new Set(['trim', 'toString', 'toInteger', 'toLong', 'toBoolean', 'replace', 'replaceAll', 'replaceFirst', 'split', 'tokenize', 'substring', 'take', 'drop', 'toLowerCase', 'toUpperCase', 'capitalize', 'startsWith', 'endsWith', 'contains', 'matches', 'format', 'size', 'length', 'join', 'isEmpty', 'equals', 'get', 'getAt', 'collect', 'find', 'findAll', 'each', 'any', 'every', 'first', 'last', 'sort', 'unique', 'plus', 'minus', 'keySet', 'values', 'containsKey', 'padLeft', 'padRight', 'stripIndent', 'readLines', 'asBoolean']);
/** Declarative directives that configure the run and hold no steps: passed over with their blocks. */
const DIRECTIVES = new Set(['options', 'parameters', 'triggers', 'tools', 'libraries', 'agent', 'input']);
/** Blocks whose body runs once, in order, on the same machine. */
const WRAPPERS = new Set(['pipeline', 'stages', 'steps', 'script', 'stage', 'timestamps', 'ansiColor', 'timeout', 'wrap', 'withCredentials', 'lock', 'sshagent']);
/**
 * Wrappers that change what their steps see beyond the variables the reader knows: credentials
 * bound to variables and deleted after (`withCredentials`), an SSH agent (`sshagent`), another
 * docker configuration or engine (`docker.withRegistry`, `docker.withServer`, `docker.withTool`),
 * a plugin's build wrapper (`wrap`). A compile moving into or out of one sees another world
 * (Snippet.wrappedBy).
 */
const ENV_WRAPPERS = new Set(['withCredentials', 'sshagent', 'wrap']);
/** Blocks whose body may run zero, several times, or concurrently. */
const CONDITIONAL = new Set(['post', 'always', 'success', 'failure', 'unstable', 'changed', 'fixed', 'regression', 'aborted', 'cleanup', 'unsuccessful', 'when', 'parallel', 'retry', 'catchError', 'warnError', 'waitUntil']);
/**
 * Steps that read files of the workspace under their `dir()` and write none there, run no
 * program and no container: `archiveArtifacts` and `stash` copy the files their patterns match to
 * the controller. Each is read as a program the tool does not model, run where it stands
 * (`jenkins:archiveArtifacts`), as a JavaScript script's `fs.readFileSync` is: after the
 * extraction it may read the artifact, which then stays on the host (the export build).
 */
const WORKSPACE_READERS = new Set(['archiveArtifacts', 'stash']);
/** In `post` blocks, after every stage: clearing the workspace changes no image. */
const POST_INERT = new Set(['cleanWs', 'deleteDir']);
/** `post` conditions whose workspace readers are read as steps after the block's (Reader.post): they run on every path, or where it succeeded. */
const POST_READ = new Set(['always', 'success', 'cleanup']);

export interface JenkinsReading {
  snippets: Snippet[];
  /** Per sequence, the snippets it runs, in order. */
  sequences: number[][];
  names: string[];
  unread: UnreadStep[];
  /** Snippets whose text holds a Groovy interpolation (only Jenkins can run them). */
  interpolated: Set<number>;
  /** Snippets standing for a step Jenkins runs itself that only reads the workspace (WORKSPACE_READERS): nothing to run outside Jenkins. */
  readers?: Set<number>;
  /** The static environment each snippet sees (for running it). */
  env: Map<string, string>[];
  /** Interpolation N as written in the file (`${params.BINARY}`), for messages. */
  spans: string[];
  /** PATH entries written with a variable (`${WORKSPACE}/tools`), which the steps' known PATH does not give: every step is taken to run with them (./ci-path-expressions.ts). */
  pathEntries: { entry: PathFolder; at: string }[];
}

interface Ctx {
  cwd: string | null;
  vars: Map<string, string | null>;
  seq: number;
  /** Why steps here are not followed (a condition, a container), or null. */
  blocked: string | null;
  post: boolean;
  /** The wrappers around the steps that change what they see (ENV_WRAPPERS), as written, outermost first. */
  wrappers?: readonly string[];
  /** The time limits around the steps (`timeout(…) {}`, a stage's `options { timeout(…) }`), as written. */
  timeouts?: readonly string[];
}

class Reader {
  readonly reading: JenkinsReading = { snippets: [], sequences: [], names: [], unread: [], interpolated: new Set(), env: [], spans: [], pathEntries: [] };
  readonly diagnostics: Diagnostic[] = [];
  private readonly exprs = new Map<string, number>();
  /** The snippet of each step written as a statement of its own, by the start of its call. */
  readonly snippetAt = new Map<number, number>();
  /**
   * The `return` statements of the file, each with the end of what it ends (its closure, its
   * method, or the whole script): a step between the two runs only where the `return` did not.
   */
  private readonly returns: { from: number; to: number; line: number }[] = [];
  /** `env.NAME = …` assignments, where they stand: every later step sees a value not followed. */
  private readonly envAssigned: { name: string; at: number }[] = [];
  readonly lines: LineIndex;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  private words: Map<string, number> | undefined;

  /**
   * Notes every `return` of the file: in a scripted pipeline one ends the closure it is written
   * in (a `node {}`, a `stage {}`, a declarative `script {}`), or the script outside any, with
   * success, so the steps after it there run only on the paths where it did not run.
   */
  noteReturns(root: TsNode): void {
    // (the copied tree has no parent links: the innermost scope is carried down). The grammar
    // reads the braces of an `if`/`for`/`while` body as a closure (or the whole statement as a
    // call of `if` given one): that body is a block of the statement, no scope of its own.
    const stack: { n: TsNode; scopeEnd: number; block: boolean }[] = [{ n: root, scopeEnd: this.text.length, block: false }];
    while (stack.length > 0) {
      const { n, scopeEnd, block } = stack.pop()!;
      if (n.type === 'return_statement') this.returns.push({ from: n.endIndex, to: scopeEnd, line: this.line(n) });
      const inner = RETURN_SCOPES.has(n.type) && !(block && n.type === 'closure') ? n.endIndex : scopeEnd;
      const control = CONTROL_STATEMENTS.has(n.type) || ((n.type === 'method_invocation' || n.type === 'juxt_function_call') && CONTROL_WORDS.has(callName(n, this.text) ?? ''));
      const passes = control || (block && (n.type === 'expression_statement' || n.type === 'argument_list' || n.type === 'block'));
      for (const c of n.children) stack.push({ n: c, scopeEnd: inner, block: passes });
    }
  }

  /** How often `word` stands in the file as a whole word (in code, strings and comments alike: a GString's `$img` is no identifier node). */
  wordCount(word: string): number {
    if (!this.words) {
      this.words = new Map();
      const text = this.text;
      for (let i = 0; i < text.length; ) {
        if (!isWordChar(text.charCodeAt(i))) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
        const w = text.slice(i, j);
        this.words.set(w, (this.words.get(w) ?? 0) + 1);
        i = j;
      }
    }
    return this.words.get(word) ?? 0;
  }

  decode(n: TsNode): GroovyString | null {
    return decodeGroovyString(n, this.text, this.exprs, this.reading.spans);
  }

  src(n: TsNode): string {
    return this.text.slice(n.startIndex, n.endIndex);
  }

  line(n: TsNode): number {
    return this.lines.lineOf(n.startIndex);
  }

  newSequence(name: string): number {
    this.reading.sequences.push([]);
    this.reading.names.push(name);
    return this.reading.sequences.length - 1;
  }

  /**
   * A step not followed. It refuses a setup found in its sequence; shown on its own only when it
   * mentions docker (as a note otherwise: most pipelines have steps the tool does not know).
   */
  unread(ctx: Ctx, n: TsNode, why: string): void {
    if (ctx.seq < 0) ctx.seq = this.newSequence(`steps at line ${this.line(n)}`);
    this.reading.unread.push({
      sequence: ctx.seq,
      diagnostic: diag('SHELL_NOT_READ', this.src(n).includes('docker') ? 'warning' : 'info', `${this.file}:${this.line(n)}: ${why}; its commands were not followed`, { file: this.file, line: this.line(n), hint: 'Run the builder pattern\'s docker commands from plain `sh` steps (outside post, when, parallel and containers), or migrate this pipeline by hand.' }),
    });
  }

  /** The statements of a block (a closure's or the program's children). */
  body(node: TsNode, ctx: Ctx): void {
    for (const s of node.namedChildren) this.statement(s, ctx);
  }

  statement(s: TsNode, ctx: Ctx): void {
    switch (s.type) {
      case 'line_comment':
      case 'block_comment':
      case 'shebang':
      case 'import_declaration':
        return;
      case 'expression_statement': {
        const e = s.namedChildren[0];
        if (e && (e.type === 'method_invocation' || e.type === 'juxt_function_call')) this.call(e, s, ctx);
        else if (e) this.other(e, ctx);
        return;
      }
      case 'method_invocation':
      case 'juxt_function_call':
        this.call(s, s, ctx);
        return;
      case 'local_variable_declaration':
        this.declaration(s, ctx);
        return;
      case 'if_statement':
      case 'for_statement':
      case 'enhanced_for_statement':
      case 'while_statement':
      case 'do_statement':
      case 'try_statement':
      case 'switch_expression':
        this.blockedBody(s, { ...ctx, blocked: `a ${s.type.replace(/_(statement|expression)$/, '').replace(/_/g, ' ')} block runs its steps conditionally or repeatedly, which the tool does not follow` });
        return;
      default:
        this.other(s, ctx);
    }
  }

  /** A call as written up to its block (`withCredentials([string(…)])`), on one line. */
  head(n: TsNode): string {
    const closure = n.childForFieldName('body') ?? closureArg(n);
    return firstLine(this.text.slice(n.startIndex, closure ? closure.startIndex : n.endIndex).trim());
  }

  /**
   * Anything else (a `def`, an assignment, an expression): passed over unless it mentions docker
   * or calls what may read or write a file (passedOver). `env.NAME = …` changes the variable for
   * every later step (Reader.envAssigned).
   */
  other(n: TsNode, ctx: Ctx): void {
    if (this.src(n).includes('docker')) {
      this.unread(ctx, n, `\`${firstLine(this.src(n))}\` is Groovy the tool does not model`);
      return;
    }
    for (const a of [n, ...n.descendantsOfType('assignment_expression')]) {
      if (a.type !== 'assignment_expression') continue;
      const left = a.namedChildren[0];
      const m = left ? /^env\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(this.src(left)) : null;
      if (m) this.envAssigned.push({ name: m[1]!, at: a.startIndex });
    }
    this.passedOver(n, ctx);
  }

  /**
   * The calls in Groovy the reader passes over (an `echo` argument, a `def`, an expression): a
   * `sh` is read as a step (its output captured, as `$(…)`), string and collection methods are
   * pure; any other call (`readFile('out/VERSION')`, `fileExists`, `junit`) may read the
   * artifact, and is an unread step.
   */
  passedOver(n: TsNode, ctx: Ctx): void {
    const calls = n.descendantsOfType(['method_invocation', 'juxt_function_call']);
    if (n.type === 'method_invocation' || n.type === 'juxt_function_call') calls.unshift(n);
    for (const c of calls) {
      const name = this.src(c.childForFieldName('name') ?? c);
      if (callName(c, this.text) === 'sh') {
        this.sh(c, null, ctx);
        continue;
      }
      if (PURE_GROOVY.has(name) || (INERT.has(name) && c !== n)) continue;
      this.unread(ctx, c, `\`${firstLine(this.src(c))}\` calls \`${name}\`, which the tool does not model (it may read or write the artifact)`);
      return;
    }
    // A GString's interpolations are Groovy too (the grammar leaves them in the string's text).
    for (const lit of n.type === 'string_literal' ? [n, ...n.descendantsOfType('string_literal')] : n.descendantsOfType('string_literal')) {
      const spans: string[] = [];
      if (!this.src(lit).includes('$')) continue;
      const decoded = decodeGroovyString(lit, this.text, new Map(), spans);
      const impure = decoded === null ? 'an interpolation the tool cannot read' : spans.map(impureCall).find((x) => x !== null);
      if (impure) {
        this.unread(ctx, lit, decoded === null ? `\`${firstLine(this.src(lit))}\` holds an interpolation the tool cannot read (it may read or write the artifact)` : `\`${firstLine(this.src(lit))}\` calls ${impure}, which the tool does not model (it may read or write the artifact)`);
        return;
      }
    }
  }

  /** Steps under a condition or in a container: inert steps pass, anything else is unread. */
  blockedBody(n: TsNode, ctx: Ctx): void {
    const calls = n.descendantsOfType(['method_invocation', 'juxt_function_call']);
    if (n.type === 'method_invocation' || n.type === 'juxt_function_call') calls.unshift(n);
    for (const c of calls) {
      const name = callName(c, this.text);
      if (name !== null && (INERT.has(name) || DIRECTIVES.has(name) || WRAPPERS.has(name) || CONDITIONAL.has(name) || name === 'dir' || name === 'withEnv' || (ctx.post && POST_INERT.has(name)))) continue;
      if (name === null && !this.src(c).includes('docker')) continue;
      this.unread(ctx, c, `\`${firstLine(this.src(c))}\`: ${ctx.blocked}`);
      return;
    }
  }

  declaration(s: TsNode, ctx: Ctx): void {
    const declarators = s.childrenForFieldName('declarator');
    const value = declarators.length === 1 ? declarators[0]!.childForFieldName('value') : null;
    if (value && value.type === 'method_invocation' && this.isDockerBuild(value)) {
      const name = this.src(declarators[0]!.childForFieldName('name')!);
      // The statement can go with the build only when nothing else uses the image variable.
      this.dockerBuild(value, this.wordCount(name) === 1 ? s : null, ctx);
      return;
    }
    // `agent any` in a declarative pipeline reads as a declaration.
    this.other(s, ctx);
  }

  isDockerBuild(n: TsNode): boolean {
    const obj = n.childForFieldName('object');
    return obj !== null && obj.type === 'identifier' && this.src(obj) === 'docker' && this.src(n.childForFieldName('name')!) === 'build';
  }

  call(n: TsNode, stmt: TsNode, ctx: Ctx): void {
    const obj = n.childForFieldName('object');
    const name = this.src(n.childForFieldName('name') ?? n);
    const closure = n.childForFieldName('body') ?? closureArg(n);
    if (obj) {
      if (this.isDockerBuild(n)) {
        this.dockerBuild(n, stmt, ctx);
        return;
      }
      if (obj.type === 'identifier' && this.src(obj) === 'docker' && ['withRegistry', 'withServer', 'withTool'].includes(name) && closure) {
        this.body(closure, { ...ctx, vars: new Map(ctx.vars), wrappers: [...(ctx.wrappers ?? []), `${this.head(n)} (line ${this.line(n)})`] });
        return;
      }
      if (name === 'inside') {
        this.unread(ctx, n, `\`${firstLine(this.src(n))}\` runs its steps in a container, which the tool does not model`);
        return;
      }
      this.other(n, ctx);
      return;
    }
    switch (name) {
      case 'sh':
        this.sh(n, stmt, ctx);
        return;
      case 'bat':
      case 'powershell':
      case 'pwsh':
        if (this.src(n).includes('docker')) this.unread(ctx, n, `a \`${name}\` step runs a shell the tool does not read`);
        return;
      case 'dir':
        if (closure) this.body(closure, { ...ctx, vars: new Map(ctx.vars), cwd: this.dirOf(n, ctx) });
        return;
      case 'withEnv':
        if (closure) {
          // Names set that the reader does not know change what the steps see, as a wrapper's do.
          const { vars, unknown } = this.withEnv(n, ctx.vars);
          this.body(closure, { ...ctx, vars, ...(unknown ? { wrappers: [...(ctx.wrappers ?? []), `${this.head(n)} (line ${this.line(n)})`] } : {}) });
        }
        return;
      case 'environment':
        if (closure) this.environment(closure, ctx);
        return;
      case 'node': {
        if (closure) this.body(closure, { ...ctx, vars: new Map(ctx.vars), seq: this.newSequence(`node at line ${this.line(n)}`) });
        return;
      }
      case 'container':
        if (closure) this.blockedBody(closure, { ...ctx, blocked: 'it runs in a container, which the tool does not model' });
        return;
    }
    if ((name === 'pipeline' || name === 'stage') && closure) {
      this.block(n, name, closure, ctx);
      return;
    }
    if (WRAPPERS.has(name) && closure) {
      const around = `${this.head(n)} (line ${this.line(n)})`;
      this.body(closure, {
        ...ctx,
        vars: new Map(ctx.vars),
        ...(ENV_WRAPPERS.has(name) ? { wrappers: [...(ctx.wrappers ?? []), around] } : {}),
        ...(name === 'timeout' ? { timeouts: [...(ctx.timeouts ?? []), around] } : {}),
      });
      return;
    }
    if (name === 'post' && closure && !ctx.blocked) {
      this.post(closure, ctx);
      return;
    }
    if (CONDITIONAL.has(name)) {
      this.blockedBody(closure ?? n, { ...ctx, blocked: `\`${name}\` runs its steps conditionally, repeatedly or concurrently, which the tool does not follow`, post: ctx.post || name === 'post' });
      return;
    }
    if (INERT.has(name) && !closure) {
      // Its arguments may call what reads a file (`echo "${readFile('app').size()}"`).
      const args = n.childForFieldName('arguments') ?? n.childForFieldName('args');
      if (args) this.passedOver(args, ctx);
      return;
    }
    if (DIRECTIVES.has(name)) return;
    if (WORKSPACE_READERS.has(name) && !closure) {
      this.workspaceReader(n, name, ctx);
      return;
    }
    this.unread(ctx, n, `the step \`${name}\` is not modelled (it may use the builder's image or artifact)`);
  }

  /**
   * A declarative `post` section, which runs after the block's steps (and stages): a condition
   * that runs on every path (`always`, `cleanup`) or where the block succeeded (`success`) and
   * holds only steps that read the workspace (WORKSPACE_READERS) and inert ones is read as those
   * steps standing after the block's, those of `always`/`cleanup` running after a failed step
   * too; any other condition (`failure`, `changed`…), or a step of another kind, is not followed.
   */
  post(closure: TsNode, ctx: Ctx): void {
    const blocked = (name: string | null) =>
      name !== null && POST_READ.has(name) ? `\`post { ${name} }\` runs a step the tool does not follow there (only archiveArtifacts, stash and steps that touch no file are read in it)` : `\`post${name === null ? '' : ` { ${name} }`}\` runs its steps on some outcomes of the run only, which the tool does not follow`;
    for (const s of closure.namedChildren) {
      if (s.type === 'line_comment' || s.type === 'block_comment') continue;
      const c = (s.type === 'expression_statement' ? s.namedChildren[0] : s) ?? null;
      const name = c && (c.type === 'method_invocation' || c.type === 'juxt_function_call') && !c.childForFieldName('object') ? callName(c, this.text) : null;
      const body = c ? (c.childForFieldName('body') ?? closureArg(c)) : null;
      const steps = body ? this.readerSteps(body) : null;
      if (c === null || name === null || !POST_READ.has(name) || steps === null) {
        this.blockedBody(s, { ...ctx, blocked: blocked(name), post: true });
        continue;
      }
      for (const step of steps) {
        this.workspaceReader(step.call, step.name, ctx);
        const last = this.reading.snippets.at(-1);
        if (name !== 'success' && last && this.reading.readers?.has(this.reading.snippets.length - 1)) last.afterFailure = true;
      }
    }
  }

  /** The workspace readers a `post` condition's body runs, in order, when it holds nothing else but inert steps and comments; null otherwise. */
  readerSteps(body: TsNode): { call: TsNode; name: string }[] | null {
    const out: { call: TsNode; name: string }[] = [];
    for (const s of body.namedChildren) {
      if (s.type === 'line_comment' || s.type === 'block_comment') continue;
      const c = (s.type === 'expression_statement' ? s.namedChildren[0] : s) ?? null;
      if (!c || (c.type !== 'method_invocation' && c.type !== 'juxt_function_call') || c.childForFieldName('object') || c.childForFieldName('body') || closureArg(c)) return null;
      const name = callName(c, this.text);
      if (name !== null && WORKSPACE_READERS.has(name)) out.push({ call: c, name });
      else if (name === null || !(POST_INERT.has(name) || (INERT.has(name) && !this.src(c).includes('$')))) return null;
    }
    return out;
  }

  /** A declarative `pipeline` or `stage` block: its `agent` decides the machine, `when` makes it conditional. */
  block(n: TsNode, name: string, closure: TsNode, ctx: Ctx): void {
    // Declarative sections apply to the whole block in any order: its `environment {}` to every
    // step, even written after `steps {}`; its `options { timeout(…) }` and `retry(…)` likewise.
    const sections = closure.namedChildren;
    const environment = sections.filter((d) => /^environment\b/.test(this.src(d)));
    // (its `post` runs after its steps and stages, wherever it is written)
    const post = sections.filter((d) => /^post\b/.test(this.src(d)));
    const directives = [...environment, ...sections.filter((d) => !environment.includes(d) && !post.includes(d)), ...post];
    const agent = directives.find((d) => /^agent\b/.test(this.src(d)));
    const when = directives.find((d) => /^when\b/.test(this.src(d)));
    let inner: Ctx = { ...ctx, vars: new Map(ctx.vars) };
    if (agent) {
      const spec = this.src(agent);
      if (!/^agent\s+none\b/.test(spec)) {
        if (name === 'stage' || ctx.seq < 0) inner.seq = this.newSequence(`${name} at line ${this.line(n)}`);
        // A container agent is a `docker`, `dockerfile` or `kubernetes` section, not a label naming one (`label 'docker'`).
        if (agent.descendantsOfType(['method_invocation', 'juxt_function_call', 'identifier']).some((d) => ['docker', 'dockerfile', 'kubernetes'].includes(this.src(d.type === 'identifier' ? d : (d.childForFieldName('name') ?? d))))) inner.blocked = 'the agent runs its steps in a container, which the tool does not model';
      }
    }
    for (const o of directives.filter((d) => /^options\b/.test(this.src(d)))) {
      for (const c of o.descendantsOfType(['method_invocation', 'juxt_function_call'])) {
        const option = callName(c, this.text);
        const written = `${name} options ${firstLine(this.src(c))} (line ${this.line(c)})`;
        if (option === 'timeout') inner = { ...inner, timeouts: [...(inner.timeouts ?? []), written] };
        else if (option === 'retry') inner = { ...inner, wrappers: [...(inner.wrappers ?? []), written] };
      }
    }
    // `tools { dockerTool 'docker-19' }` puts another docker CLI (or compiler) on the PATH of the
    // block's steps: a compile moving into or out of it runs with other tools.
    for (const t of directives.filter((d) => /^tools\b/.test(this.src(d)))) {
      inner = { ...inner, wrappers: [...(inner.wrappers ?? []), `${firstLine(this.src(t))}`] };
    }
    if (name === 'pipeline' && inner.seq < 0 && !(agent && /^agent\s+none\b/.test(this.src(agent)))) inner.seq = this.newSequence(`pipeline at line ${this.line(n)}`);
    if (when) inner = { ...inner, blocked: '`when` runs the stage conditionally, which the tool does not follow' };
    for (const d of directives) {
      if (d === agent || d === when) continue;
      if (inner.blocked) this.blockedBody(d, inner);
      else this.statement(d, inner);
    }
  }

  dirOf(n: TsNode, ctx: Ctx): string | null {
    const arg = literalArgs(n)[0];
    const s = arg ? this.decode(arg) : null;
    if (!s || s.interpolated || ctx.cwd === null || s.value.startsWith('/')) return null;
    return resolveRel(ctx.cwd, s.value);
  }

  /**
   * `withEnv(['NAME=value', …])`: the names it sets, each known or (interpolated) not. A list
   * that is no list literal of `NAME=…` strings (`withEnv(legacy)`, `withEnv([flags])`,
   * `withEnv(['A=1'] + more)`) sets names the reader does not know (a `DOCKER_BUILDKIT`, a
   * `DOCKER_HOST`…): `unknown` says so.
   */
  withEnv(n: TsNode, vars: Map<string, string | null>): { vars: Map<string, string | null>; unknown: boolean } {
    const out = new Map(vars);
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'closure') ?? [];
    const list = args.length === 1 && args[0]!.type === 'array_literal' ? args[0]! : null;
    let unknown = list === null;
    for (const item of list?.namedChildren ?? []) {
      const s = this.decode(item);
      const eq = s ? s.value.indexOf('=') : -1;
      if (!s || eq <= 0) {
        unknown = true;
        continue;
      }
      out.set(s.value.slice(0, eq), s.interpolated ? null : s.value.slice(eq + 1));
      this.pathValue(s.value.slice(0, eq), { ...s, value: s.value.slice(eq + 1) }, item);
    }
    return { vars: out, unknown };
  }

  /**
   * `environment { NAME = 'value' }`: static values are known to the steps, others are not. A
   * value is Groovy Jenkins runs as the block starts, before its steps: a `sh(…)` there is a step
   * (`sh(script: 'sha256sum app', returnStdout: true)`), any other call but `credentials(…)`
   * (which reads Jenkins' store, not the workspace) may read the artifact (passedOver).
   */
  environment(closure: TsNode, ctx: Ctx): void {
    const vars = ctx.vars;
    for (const a of closure.descendantsOfType('assignment_expression')) {
      const [left, right] = [a.namedChildren[0], a.namedChildren[a.namedChildren.length - 1]];
      if (!left || left.type !== 'identifier' || !right) continue;
      const credentials = (right.type === 'method_invocation' || right.type === 'juxt_function_call') && callName(right, this.text) === 'credentials';
      if (!credentials) this.passedOver(right, ctx);
      const s = this.decode(right);
      vars.set(this.src(left), s && !s.interpolated ? s.value : null);
      if (s) this.pathValue(this.src(left), s, a);
    }
  }

  /**
   * A PATH (or withEnv's `PATH+NAME`) written with a variable: `${WORKSPACE}/tools` is only known
   * when Jenkins runs, so the steps' known PATH (a null value) gives the shadow check nothing;
   * its entries are kept for it here. A value without a `$` is known to the steps already.
   */
  pathValue(name: string, s: GroovyString, at: TsNode): void {
    if ((name !== 'PATH' && !name.startsWith('PATH+')) || !s.value.includes('$')) return;
    const written = s.value.replace(/\$\{__groovy_(\d+)\}/g, (m, i: string) => this.reading.spans[Number(i)] ?? m);
    const line = this.line(at);
    for (const entry of jenkinsPathEntries(written, line, s.interpolated)) this.reading.pathEntries.push({ entry, at: `${this.file}:${line}, a PATH the CI file sets` });
  }

  /** A `sh` step; `stmt` null for one inside an expression (`def v = sh(returnStdout: true, …)`), which cannot go. */
  sh(n: TsNode, stmt: TsNode | null, ctx: Ctx): void {
    let script: TsNode | null = null;
    const args = n.childForFieldName('arguments') ?? n.childForFieldName('args');
    for (const a of args?.namedChildren ?? []) {
      if (a.type === 'map_item') {
        const key = this.src(a.childForFieldName('key')!);
        const value = a.childForFieldName('value');
        if (key === 'script') script = value;
        else if (key === 'returnStatus' && value && this.src(value) !== 'false') return this.unread(ctx, n, 'a `sh` step with `returnStatus` lets the pipeline go on when it fails');
        else if (!['label', 'encoding', 'returnStdout'].includes(key)) return this.unread(ctx, n, `a \`sh\` step with \`${key}:\` is not modelled`);
      } else if (script === null) script = a;
      else return this.unread(ctx, n, 'a `sh` step with several arguments is not modelled');
    }
    const decoded = script ? this.decode(script) : null;
    if (!decoded) return this.unread(ctx, n, 'the text of this `sh` step cannot be decoded exactly (a computed string, or an escape the tool does not read)');
    const shebang = decoded.value.startsWith('#!') ? shebangShell(decoded.value.split('\n', 1)[0]!) : null;
    if (shebang === null && decoded.value.startsWith('#!')) return this.unread(ctx, n, 'this `sh` step names another interpreter');
    const quote = decoded.quote;
    this.add(ctx, n, decoded, {
      // Without a `#!` line Jenkins runs the text with `sh -xe`: a failing command stops the
      // step, and so the pipeline. A `#!` line picks the shell and its options instead, only as
      // the text's first two characters (`sh '''\n#!/bin/bash` runs with `sh -xe`, the line a
      // comment): one option word with `e` (`#!/bin/sh -e`, `#!/bin/bash -xe`) stops it as surely.
      ...(shebang === null || shebang.errexit ? { errexit: true } : {}),
      // Nor does `sh -xe` (or a `#!` line's shell without an `o` option) turn pipefail on: a build
      // piped into `tee` fails nothing.
      ...(shebang === null || !shebang.argv.slice(1).some((a) => /^-[a-zA-Z]*o/.test(a)) ? { pipefail: false } : {}),
      shellName: shebang !== null && /bash$/.test(shebang.argv[shebang.argv.length > 1 && /env$/.test(shebang.argv[0]!) ? 1 : 0]!) ? 'bash' : 'sh',
      shell: decoded.value,
      toFile: decoded.toFile,
      encode: groovyEncode(quote),
      cwd: ctx.cwd,
      vars: ctx.vars,
      remove: stmt ? this.removal(stmt) : null,
      label: `${this.file} sh step at line ${this.line(n)}`,
      insertWords: (cmd, after, words) => this.insertInto(quote, cmd.words[after]!.end, words),
      // Shell text in a Groovy string: a whole command written anew (the export build) is spelled for the shell, then through `encode`.
      shellText: decoded.interpolated ? { error: 'the step\'s text holds a Groovy interpolation, which only Jenkins fills in' } : true,
    }, stmt !== null);
  }

  /** A step of WORKSPACE_READERS, as the program `jenkins:NAME` run in its `dir()`; its arguments' Groovy is passed over as an `echo`'s is. */
  workspaceReader(n: TsNode, name: string, ctx: Ctx): void {
    const args = n.childForFieldName('arguments') ?? n.childForFieldName('args');
    const unread = this.reading.unread.length;
    if (args) this.passedOver(args, ctx);
    if (this.reading.unread.length > unread) return;
    const shell = `jenkins:${name}`;
    const toFile = Array.from({ length: shell.length + 1 }, () => n.startIndex);
    const snippet: Snippet = {
      shell,
      toFile,
      encode: groovyEncode("'"),
      cwd: ctx.cwd,
      vars: ctx.vars,
      // A failing step fails the pipeline, as a failing command of `sh -xe` does.
      errexit: true,
      remove: null,
      label: `${this.file} ${name} step at line ${this.line(n)}`,
      insertWords: () => ({ error: `the \`${name}\` step (line ${this.line(n)}) is no docker command` }),
      shellText: { error: `the \`${name}\` step is no shell text` },
    };
    this.add(ctx, n, { quote: "'", value: shell, toFile, interpolated: false }, snippet, false);
    (this.reading.readers ??= new Set()).add(this.reading.snippets.length - 1);
  }

  /** `docker.build(name[, args])`: the plugin runs `docker build -t ${name} ${args}` through `sh`. */
  dockerBuild(n: TsNode, stmt: TsNode | null, ctx: Ctx): void {
    const argNodes = literalArgs(n);
    const all = n.childForFieldName('arguments')?.namedChildren ?? [];
    const [name, args] = argNodes.map((a) => this.decode(a));
    if (all.length !== argNodes.length || argNodes.length === 0 || argNodes.length > 2 || !name || (argNodes.length === 2 && !args)) {
      this.unread(ctx, n, '`docker.build` with arguments that are not string literals is not modelled');
      return;
    }
    const close = n.childForFieldName('arguments')!.endIndex - 1;
    const prefix = 'docker build -t ';
    const rest: GroovyString = args ?? { quote: "'", value: '.', toFile: [close, close], interpolated: false };
    const shell = `${prefix}${name.value} ${rest.value}`;
    const toFile = [...Array.from({ length: prefix.length }, () => n.startIndex), ...name.toFile.slice(0, -1), name.toFile[name.toFile.length - 1]!, ...rest.toFile];
    const snippet: Snippet = {
      shell,
      toFile,
      encode: groovyEncode(rest.quote),
      cwd: ctx.cwd,
      vars: ctx.vars,
      remove: stmt ? this.removal(stmt) : null,
      label: `${this.file} docker.build at line ${this.line(n)}`,
      // The plugin puts `-t NAME` right after `build`: flags written into the second argument
      // would follow it, so the command would not read back as planned. Not guessed.
      insertWords: () => ({ error: `docker.build (line ${this.line(n)}) writes \`-t NAME\` first; add the builder build's flags to its second argument by hand` }),
    };
    this.add(ctx, n, { ...name, interpolated: name.interpolated || rest.interpolated }, snippet, stmt !== null);
  }

  flagText(words: readonly Word[]): string | { error: string } {
    if (words.some((w) => w.symbol.includes(INTERPOLATION_VAR) || w.raw.includes(INTERPOLATION_VAR))) return { error: 'a flag holds a Groovy interpolation, which cannot be written back exactly' };
    return words.map((w) => w.raw).join(' ');
  }

  /** Words added to a `sh` step's text, spelled for its quoting. */
  insertInto(quote: Quote, at: number, words: readonly Word[]): Edit[] | { error: string } {
    const flags = this.flagText(words);
    if (typeof flags !== 'string') return flags;
    return [{ start: at, end: at, text: encodeGroovyString(quote, ` ${flags}`) }];
  }

  /** `statement`: the step is a statement of its own (not a value in an expression). */
  add(ctx: Ctx, n: TsNode, decoded: GroovyString, snippet: Snippet, statement: boolean): void {
    if (ctx.seq < 0) ctx.seq = this.newSequence(`steps at line ${this.line(n)}`);
    if (ctx.wrappers && ctx.wrappers.length > 0) snippet.wrappedBy = ctx.wrappers.join(' in ');
    if (ctx.timeouts && ctx.timeouts.length > 0) snippet.timeout = ctx.timeouts.join(' in ');
    // `env.NAME = …` earlier in the file: a value the reader does not follow, from there on.
    const assigned = this.envAssigned.filter((a) => a.at < n.startIndex && snippet.vars.get(a.name) !== null);
    if (assigned.length > 0) {
      const vars = new Map(snippet.vars);
      for (const a of assigned) vars.set(a.name, null);
      snippet.vars = vars;
    }
    const ends = this.returns.filter((r) => n.startIndex >= r.from && n.startIndex < r.to);
    if (ends.length > 0) {
      snippet.branches = [...(snippet.branches ?? []), ...ends.map((r) => ({ id: `jenkins-return:${r.from}`, where: `after the \`return\` at line ${r.line}, which may end its block before it (with success)` }))];
    }
    const id = this.reading.snippets.length;
    this.reading.snippets.push(snippet);
    if (statement) this.snippetAt.set(n.startIndex, id);
    this.reading.sequences[ctx.seq]!.push(id);
    if (decoded.interpolated) this.reading.interpolated.add(id);
    const env = new Map<string, string>();
    for (const [k, v] of snippet.vars) if (v !== null) env.set(k, v);
    this.reading.env.push(env);
  }

  /** The statement's whole lines, when nothing else is on them. */
  removal(stmt: TsNode): Edit[] | null {
    const first = this.lines.lineOf(stmt.startIndex);
    const last = this.lines.lineOf(Math.max(stmt.startIndex, stmt.endIndex - 1));
    const start = this.lines.lineStart(first);
    const end = this.lines.lineEndWithTerminator(last);
    const before = this.text.slice(start, stmt.startIndex);
    const after = this.text.slice(stmt.endIndex, end);
    if (before.trim() !== '' || after.trim() !== '') return null;
    return [{ start, end, text: '' }];
  }
}

/** The first call in an interpolation (`${readFile('app').size()}`) that is no pure Groovy method, as `` `name` ``; null when none. */
function impureCall(span: string): string | null {
  // (the grammar wants a statement's line ended)
  const expr = `${span.replace(/^\$\{?|\}$/g, '')}\n`;
  const root = parseWith('tree-sitter-groovy', expr);
  if (root.hasError) return 'an interpolation the tool cannot read';
  for (const c of root.descendantsOfType(['method_invocation', 'juxt_function_call'])) {
    const name = c.childForFieldName('name');
    const text = name ? expr.slice(name.startIndex, name.endIndex) : expr.slice(c.startIndex, c.endIndex);
    if (!PURE_GROOVY.has(text)) return `\`${text}\``;
  }
  return null;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** A call's own name (`sh`, `stage`), or null for a method on an object. */
function callName(n: TsNode, text: string): string | null {
  if (n.childForFieldName('object')) return null;
  const name = n.childForFieldName('name');
  return name ? text.slice(name.startIndex, name.endIndex) : null;
}

function closureArg(n: TsNode): TsNode | null {
  const args = n.childForFieldName('arguments') ?? n.childForFieldName('args');
  const last = args?.namedChildren[args.namedChildren.length - 1];
  return last?.type === 'closure' ? last : null;
}

/** The string-literal arguments of a call, in order (others are left out). */
function literalArgs(n: TsNode): TsNode[] {
  const args = n.childForFieldName('arguments') ?? n.childForFieldName('args');
  return (args?.namedChildren ?? []).filter((a) => a.type === 'character_literal' || a.type === 'string_literal');
}

function firstLine(s: string): string {
  const l = s.split('\n', 1)[0]!;
  return l.length > 60 ? `${l.slice(0, 57)}...` : l;
}

/**
 * The first node of a Groovy tree that is a syntax error, or null. The grammar wants a `;` after
 * `return`, `break`, `continue` or `throw …` in a block written on one line (`if (env.CHANGE_ID)
 * { return }`), which Groovy does not: a statement ends at the `}` of its block. Such a missing
 * `;` right before a `}` is no error (the tree around it is the one a `;` there gives).
 */
function groovyError(root: TsNode, text: string): TsNode | null {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'ERROR') return n;
    if (n.isMissing && !(n.type === ';' && /^[ \t]*\}/.test(text.slice(n.endIndex)))) return n;
    for (let i = n.children.length - 1; i >= 0; i--) if (n.children[i]!.hasError) stack.push(n.children[i]!);
  }
  return null;
}

/** Reads a Jenkinsfile into its steps (for analysis and for running it), or why it cannot be read. */
export function readJenkinsfile(file: string, text: string): { reading: JenkinsReading | null; diagnostics: Diagnostic[] } {
  const root = parseWith('tree-sitter-groovy', text);
  const bad = groovyError(root, text);
  if (bad) {
    const line = new LineIndex(text).lineOf(bad.startIndex);
    return { reading: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as Groovy (line ${line}); it was not analysed`, { file, line, hint: 'Check the Jenkinsfile (Jenkins\' "Replay" or the declarative linter); `try`/`catch` around steps written without parentheses is not read by the Groovy grammar: write `sh(\'…\')` there.' })] };
  }
  const r = new Reader(file, text);
  r.noteReturns(root);
  r.body(root, { cwd: '', vars: new Map(), seq: -1, blocked: null, post: false });
  markStageHosts(root, { text, lineOf: (o) => r.lines.lineOf(o), snippetAt: r.snippetAt, snippets: r.reading.snippets, removal: (s) => r.removal(s) });
  // A declarative stage left with an empty `steps {}` is rejected by Jenkins.
  for (const c of root.descendantsOfType('method_invocation')) {
    const body = c.childForFieldName('body');
    if (callName(c, text) === 'steps' && body && body.namedChildren.every((s) => s.type === 'line_comment' || s.type === 'block_comment')) {
      r.diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${file}:${r.line(c)}: a \`steps\` block without a step, which Jenkins rejects`, { file, line: r.line(c), hint: 'Give the stage a step, or remove it.' }));
    }
  }
  return { reading: r.reading, diagnostics: r.diagnostics };
}

export function parseJenkinsfile(file: string, text: string): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const { reading, diagnostics } = readJenkinsfile(file, text);
  if (!reading) return { script: null, diagnostics };
  const composed = composeEmbedded(file, 'jenkinsfile', text, reading.snippets, reading.sequences);
  const script = composed.script;
  for (const c of script.commands) unknownInterpolations(c, reading.spans);
  script.entries = reading.names;
  script.unread = reading.unread;
  if (reading.pathEntries.length > 0) script.expressionPath = reading.pathEntries;
  return { script, diagnostics: [...diagnostics, ...composed.diagnostics] };
}

/**
 * An interpolated span is an unknown value wherever the shell puts it: inside shell single
 * quotes its placeholder would read as literal text, so a word holding one is never static.
 */
function unknownInterpolations(c: ScriptCommand, spans: readonly string[]): void {
  const marker = `\${${INTERPOLATION_VAR}`;
  const fix = (w: Word): Word => {
    if (!w.raw.includes(marker)) return w;
    // Shown as written in the Jenkinsfile; the symbol keeps the placeholder for comparing.
    const raw = w.raw.replace(/\$\{__groovy_(\d+)\}/g, (m, n: string) => spans[Number(n)] ?? m);
    if (w.value === null || !w.value.includes(marker)) return { ...w, raw };
    return { ...w, raw, value: null, staticPrefix: w.value.slice(0, w.value.indexOf(marker)) };
  };
  c.words = c.words.map(fix);
  c.redirects = c.redirects.map((r) => ({ ...r, target: fix(r.target) }));
}

