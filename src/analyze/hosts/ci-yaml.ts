/**
 * CI YAML hosts (the `yaml` package, comments and layout kept since only the shell text is
 * edited): GitHub Actions `run:` steps (each its own shell, from the repository root or its
 * `working-directory`, with `env:` values known) and GitLab CI `script:` items (one shell per
 * job, so a `cd` carries over to the next item). A job's steps are one sequence.
 */
import type { RepoFs } from '../../model/fs.js';
import type { Scalar, YAMLMap } from 'yaml';
import { yaml } from './yaml-module.js';
import { findsEarlierFiles } from './gitlab-git-strategy.js';
import { checkoutAtWorkspace, underWorkspace, withWorkspace } from './github-workspace.js';
import { cleansFirst, mayKeepFolder, windowsJobNotRead, windowsRunner } from './github-runners.js';
import { expressionValues, runConstantName, runConstantVersions, stepEnvStable, type ReadExpression } from './github-expressions.js';
import { stepEnvVersions } from './run-constants.js';
import type { Versions } from '../shell/versions.js';
import { gitlabJobImage, gitlabJobServices, imageBuildkit, serviceBuildkit } from './gitlab-docker-image.js';

export const isMap = (n: unknown): n is YAMLMap => yaml().isMap(n);
export const isScalar = (n: unknown): n is Scalar => yaml().isScalar(n);
export const isSeq = (n: unknown): n is import('yaml').YAMLSeq => yaml().isSeq(n);
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { ScriptKind } from '../../model/script.js';
import { LineIndex } from '../../model/text.js';
import { composeEmbedded, type DotenvReport, type EmbeddedScript, type Snippet, type UnreadStep } from '../embedded.js';
import type { PsSnippet } from './powershell.js';
import { finishPowerShell, powerShellStep } from './powershell-steps.js';
import { githubStepIf } from './step-conditions.js';
import { parseShell } from '../shell.js';
import { githubEnvNames, scriptsWriteStepEnv, textOf } from '../step-env-files.js';
import { revivable } from '../../model/revivable.js';

/** How shell text is written back into a scalar of each style (functions that can cross threads: model/revivable.ts). */
const scalarEncode = revivable('ci-yaml.encode', (style: 'plain' | 'single' | 'double' | 'block', pad: string = '') => (s: string): string => {
  if (style === 'single') return s.replace(/'/g, "''");
  if (style === 'double') return JSON.stringify(s).slice(1, -1);
  if (style === 'block') return s.replace(/\n/g, `\n${pad}`);
  return s;
});

/**
 * GitLab's global keywords (`default`, `include`, `stages`, `variables`, `workflow`; `image`,
 * `services`, `cache`, `before_script` and `after_script` too, deprecated at the top level but
 * still read there): any other top-level map that is no hidden `.key` is a job. `pages` is a job
 * (GitLab Pages deploys the `public` artifact of the job of that name), not a keyword.
 */
const GITLAB_GLOBAL_KEYWORDS: ReadonlySet<string> = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);

export interface Decoded {
  shell: string;
  toFile: number[];
  encode: (s: string) => string;
}

/** Decodes a scalar's source into the shell text it holds, with a map back to the file. */
/**
 * A step whose shell text is written in a YAML style decodeScalar does not decode exactly (a
 * folded `>` block, a plain or quoted scalar over several lines): its commands are not read, so
 * a setup in its job is refused (SHELL_NOT_READ), as an unread step of another shell is. Null for
 * no text.
 */
export function undecodableStep(node: unknown, file: string, line: number, label: string): Diagnostic | null {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') return null;
  return diag('SHELL_NOT_READ', node.value.includes('docker') ? 'warning' : 'info', `${label} writes its commands as a ${node.type === 'BLOCK_FOLDED' ? 'folded (`>`) block' : 'scalar over several lines'}, which the tool does not read exactly; its commands were not followed`, {
    file,
    line,
    hint: 'Write the step as a literal block (`run: |`) or on one line, then run the tool again; or migrate this job by hand.',
  });
}

/**
 * The count of `${{ }}` expressions read so far in a file, each read as `${__ci_expression_N}`.
 * With `read` (GitHub Actions): each expression's name and text are added to it, for the host
 * to give the ones it knows a value (./github-expressions.ts).
 */
export interface CiExpressions {
  n: number;
  read?: ReadExpression[];
  /** GitHub Actions: the `id`s of the job's steps before the one read (their outputs are fixed by then). */
  ran?: Set<string>;
}

export function decodeScalar(text: string, node: Scalar, exprs: CiExpressions): Decoded | null {
  const [start, end] = node.range!;
  const src = text.slice(start, end);
  let shell = '';
  const toFile: number[] = [];
  const push = (s: string, at: number) => {
    for (const ch of s) {
      shell += ch;
      toFile.push(at);
    }
  };
  switch (node.type) {
    case 'PLAIN':
      if (src.includes('\n')) return null;
      for (let i = 0; i < src.length; i++) push(src[i]!, start + i);
      toFile.push(end);
      return withExpressions({ shell, toFile, encode: scalarEncode('plain') }, exprs);
    case 'QUOTE_SINGLE': {
      if (src.includes('\n')) return null;
      for (let i = 1; i < src.length - 1; i++) {
        push(src[i]!, start + i);
        if (src[i] === "'" && src[i + 1] === "'") i++;
      }
      toFile.push(end - 1);
      return withExpressions({ shell, toFile, encode: scalarEncode('single') }, exprs);
    }
    case 'QUOTE_DOUBLE': {
      if (src.includes('\n')) return null;
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };
      for (let i = 1; i < src.length - 1; i++) {
        if (src[i] === '\\') {
          const v = simple[src[i + 1]!];
          if (v === undefined) return null;
          push(v, start + i);
          i++;
        } else push(src[i]!, start + i);
      }
      toFile.push(end - 1);
      return withExpressions({ shell, toFile, encode: scalarEncode('double') }, exprs);
    }
    case 'BLOCK_LITERAL': {
      const headerEnd = src.indexOf('\n');
      if (headerEnd < 0) return null;
      const explicit = /\|[+-]?(\d)|\|(\d)[+-]?/.exec(src.slice(0, headerEnd));
      const lines = src.slice(headerEnd + 1).split('\n');
      const firstContent = lines.find((l) => l.trim() !== '');
      if (!firstContent) return null;
      const base = lineIndent(text, start);
      const indent = explicit ? base + Number(explicit[1] ?? explicit[2]) : firstContent.length - firstContent.trimStart().length;
      let at = start + headerEnd + 1;
      for (const l of lines) {
        const cut = Math.min(indent, l.length - l.trimStart().length, l.length);
        for (let i = cut; i < l.length; i++) push(l[i]!, at + i);
        if (at + l.length < end) push('\n', at + l.length);
        at += l.length + 1;
      }
      toFile.push(end);
      const pad = ' '.repeat(indent);
      return withExpressions({ shell, toFile, encode: scalarEncode('block', pad) }, exprs);
    }
    default:
      // Folded scalars (`>`) join lines with spaces: their shell text cannot be edited line by line.
      return null;
  }
}

function lineIndent(text: string, offset: number): number {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n') s--;
  let i = s;
  while (text[i] === ' ') i++;
  return i - s;
}

/**
 * `${{ expr }}` is substituted by GitHub before the shell runs: read it as a variable nothing in
 * the text assigns, an unknown value unless the host gives it one (./github-expressions.ts).
 */
function withExpressions(d: Decoded, exprs: CiExpressions): Decoded {
  return substituteSpans(d, (shell, i) => {
    if (!shell.startsWith('${{', i)) return null;
    const close = shell.indexOf('}}', i);
    if (close < 0) return null;
    const written = shell.slice(i, close + 2);
    // (a property of the run GitHub gives every step alike is read by one name wherever it stands: ./github-expressions.ts)
    const constant = exprs.read ? runConstantName(written, exprs.ran) : null;
    const name = constant ?? `__ci_expression_${exprs.n++}`;
    exprs.read?.push({ name, text: written });
    return { end: close + 2, text: `\${${name}}` };
  });
}

/**
 * Replaces the spans `match` finds in decoded shell text (a CI system's own substitutions) with
 * other shell text, every character of which maps back to the span's start in the file.
 */
export function substituteSpans(d: Decoded, match: (shell: string, i: number) => { end: number; text: string } | null): Decoded {
  let shell = '';
  const toFile: number[] = [];
  for (let i = 0; i < d.shell.length; ) {
    const m = match(d.shell, i);
    if (m) {
      for (const ch of m.text) {
        shell += ch;
        toFile.push(d.toFile[i]!);
      }
      i = m.end;
      continue;
    }
    shell += d.shell[i];
    toFile.push(d.toFile[i]!);
    i++;
  }
  toFile.push(d.toFile[d.shell.length]!);
  return { shell, toFile, encode: d.encode };
}

/**
 * Lines from the `- ` that starts a sequence item through the end of the item, with the
 * comment lines right above it at the same indentation (they describe the item).
 */
export function itemLines(text: string, itemStart: number, itemEnd: number): { start: number; end: number } {
  let start = itemStart;
  while (start > 0 && text[start - 1] !== '\n') start--;
  const indent = lineIndent(text, start);
  for (;;) {
    if (start === 0) break;
    let prev = start - 1;
    while (prev > 0 && text[prev - 1] !== '\n') prev--;
    const line = text.slice(prev, start - 1);
    if (!/^\s*#/.test(line) || line.length - line.trimStart().length !== indent) break;
    start = prev;
  }
  let end = itemEnd;
  while (end > itemStart && /\s/.test(text[end - 1]!)) end--;
  while (end < text.length && text[end] !== '\n') end++;
  if (end < text.length) end++;
  return { start, end };
}

/**
 * A snippet standing for a step the tool reads as one program it does not model (`program`, one
 * shell word), run from `cwd`, written at offset `at`: the host checks judge it as any such program
 * (it may read what is in its folder, or write there). It is never edited: `why` says so.
 */
export function standInProgram(program: string, at: number, cwd: string | null, vars: ReadonlyMap<string, string | null>, label: string, why: string): Snippet {
  const notShell = { error: why };
  return {
    shell: program,
    toFile: Array.from({ length: program.length + 1 }, () => at),
    encode: () => { throw new Error(`internal error: ${why}`); },
    cwd,
    vars,
    remove: null,
    label,
    shellText: notShell,
    insertWords: () => notShell,
    replaceCommand: () => notShell,
    replaceWord: () => notShell,
  };
}

/** Whether a PowerShell step's reading gave nothing because tree-sitter-powershell could not parse it. */
export function unparsedPowerShell(r: { ids: readonly number[]; diagnostics: readonly Diagnostic[] }): boolean {
  return r.ids.length === 0 && r.diagnostics.some((d) => d.code === 'SHELL_PARSE_ERROR');
}

/** The names a GitHub step's `run:` text writes to $GITHUB_ENV for the later steps (read as shell, with tree-sitter). */
function githubEnvWritten(file: string, text: string, run: unknown): string[] {
  if (!isScalar(run) || typeof run.value !== 'string' || !run.value.includes('GITHUB_ENV')) return [];
  const decoded = decodeScalar(text, run, { n: 0 });
  const script = decoded ? parseShell(file, decoded.shell).script : null;
  return script ? githubEnvNames(script.commands) : [];
}

/** Whether a GitHub step's `run:` text runs or sources a repository script that writes (or may write) $GITHUB_ENV (../step-env-files.ts). */
function runsEnvScript(file: string, text: string, run: unknown, cwd: string | null, fs: RepoFs | undefined): boolean {
  if (!fs || !isScalar(run) || typeof run.value !== 'string') return false;
  const decoded = decodeScalar(text, run, { n: 0 });
  const script = decoded ? parseShell(file, decoded.shell, { cwd }).script : null;
  return script !== null && scriptsWriteStepEnv(script.commands, textOf(fs));
}

/** Actions that write no variable for the later steps (`core.exportVariable`). */
const NO_ENV_ACTION = /^actions\/(checkout|upload-artifact|download-artifact|cache(\/save|\/restore)?)(@|$)/;

/**
 * Whether a GitHub step may give the later steps of its job other values of the job's variables:
 * a bash or sh step whose text names `$GITHUB_ENV` (the names it writes are followed too), a step
 * in another shell, an action but a few that export none.
 */
function mayWriteJobEnv(step: YAMLMap, shell: string): boolean {
  const uses = step.get('uses');
  if (typeof uses === 'string') return !NO_ENV_ACTION.test(uses);
  const run = step.get('run');
  return typeof run === 'string' && (shell !== 'sh' || run.includes('GITHUB_ENV'));
}

/** `sh` for a step bash or sh runs, else the name of the shell that runs it (or why it is not known). */
function stepShell(step: YAMLMap, job: YAMLMap, root: YAMLMap): string {
  const named = step.get('shell', true) ?? job.getIn(['defaults', 'run', 'shell'], true) ?? root.getIn(['defaults', 'run', 'shell'], true);
  if (named !== undefined && named !== null) {
    const value = isScalar(named) ? String(named.value) : '';
    if (value.includes('${{')) return 'a shell only known at run time';
    return /^(bash|sh)\b/.test(value) ? 'sh' : value.split(/\s/)[0] || 'an unknown shell';
  }
  // No shell named: bash on Linux and macOS runners, PowerShell on Windows runners.
  return windowsRunner(job) !== null ? 'pwsh (the default shell of Windows runners)' : 'sh';
}

/** A GitHub Actions step's `shell:` as written (the step's, else the job's or the workflow's `defaults: run:`), '' for one that is no string, null for none (the default `bash -e {0}`). */
function namedShell(step: YAMLMap, job: YAMLMap, root: YAMLMap): string | null {
  const named = step.get('shell', true) ?? job.getIn(['defaults', 'run', 'shell'], true) ?? root.getIn(['defaults', 'run', 'shell'], true);
  if (named === undefined || named === null) return null;
  return isScalar(named) ? String(named.value).trim() : '';
}

/**
 * Whether a GitHub Actions step's shell starts with errexit on: the default (`bash -e {0}`),
 * `shell: bash` (`bash --noprofile --norc -eo pipefail {0}`) and `shell: sh` (`sh -e {0}`) do; a
 * template of its own does when it passes `-e` (`bash --noprofile -eo pipefail {0}`).
 */
function stepErrexit(step: YAMLMap, job: YAMLMap, root: YAMLMap): boolean {
  const value = namedShell(step, job, root);
  if (value === null) return true;
  return value === 'bash' || value === 'sh' || (value.includes('{0}') && /(^|\s)-[a-zA-Z]*e[a-zA-Z]*(\s|$)/.test(value.slice(0, value.indexOf('{0}'))));
}

/**
 * Whether a GitHub Actions step's shell starts with pipefail on: `shell: bash` (`bash --noprofile
 * --norc -eo pipefail {0}`) and a template of its own naming `pipefail` do; the default
 * (`bash -e {0}`) and `shell: sh` do not, so a pipeline's status is its last command's.
 */
function stepPipefail(step: YAMLMap, job: YAMLMap, root: YAMLMap): boolean {
  const value = namedShell(step, job, root);
  if (value === null) return false;
  return value === 'bash' || (value.includes('{0}') && /-[a-zA-Z]*o\s+pipefail|-o\s*pipefail/.test(value));
}

/**
 * Whether the job may go on after a GitHub Actions step fails: its `continue-on-error` is true or
 * an expression only known when the workflow runs (`${{ matrix.experimental }}`); absent or a
 * literal false, a failing step stops the job.
 */
export function stepContinuesOnError(step: YAMLMap, key = 'continue-on-error'): boolean {
  const node = step.get(key, true);
  if (node === undefined || node === null) return false;
  const value = isScalar(node) ? node.value : undefined;
  return value !== false && value !== null;
}

/** A step's time limit under `key`, as written (an expression too), or null when it sets none. */
export function stepTimeout(step: YAMLMap | null, key: string): string | null {
  const node = step?.get(key, true);
  if (node === undefined || node === null) return null;
  return isScalar(node) ? String(node.value) : '(not a scalar)';
}

/** GitLab runs a job's script in the runner's shell: PowerShell on Windows runners (tagged `windows`). */
function gitlabShell(job: YAMLMap): string {
  const tags = job.get('tags', true);
  const items = isSeq(tags) ? tags.items : [];
  return items.some((t) => isScalar(t) && /windows/i.test(String(t.value))) ? 'PowerShell (a job for a Windows runner)' : 'sh';
}

export function staticEnv(node: unknown, into: Map<string, string | null>): Map<string, string | null> {
  const out = new Map(into);
  if (isMap(node)) {
    for (const p of node.items) {
      const k = isScalar(p.key) ? String(p.key.value) : null;
      if (!k) continue;
      const v = isScalar(p.value) ? String(p.value.value) : null;
      out.set(k, v !== null && !v.includes('${{') && !v.includes('$') ? v : null);
    }
  }
  return out;
}

export function parseCiYaml(kind: ScriptKind, file: string, text: string, fs?: RepoFs): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const doc = yaml().parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as YAML (${doc.errors[0]!.message.split('\n')[0]}); it was not analysed`, { file, hint: 'Fix the YAML, then run the tool again.' })] };
  }
  const diagnostics: Diagnostic[] = [];
  const snippets: Snippet[] = [];
  const groups: number[][] = [];
  const jobNames: string[] = [];
  const dotenv: DotenvReport[] = [];
  const exprs: CiExpressions = kind === 'github-actions' ? { n: 0, read: [] } : { n: 0 };
  const root = doc.contents;
  if (!isMap(root)) return { script: null, diagnostics };
  const psRead: PsSnippet[] = [];
  // (GitHub jobs that may run in one folder on a self-hosted runner: EmbeddedScript.sharedWorkspace)
  let shared: { folder: boolean[]; cleaned: boolean[] } | undefined;

  // Steps another shell runs (PowerShell, cmd, Python): never read as sh. A setup found in
  // the same job is refused when such a step mentions docker (see linkSequences).
  const unread: UnreadStep[] = [];
  const lines = new LineIndex(text);
  const unreadStep = (node: unknown, at: number, label: string, shell: string, steps = false) => {
    const body = isScalar(node) && typeof node.value === 'string' ? node.value : '';
    if (!body.includes('docker')) {
      // A step of a job whose other steps are read (GitHub's `shell: python`) runs a program the
      // tool does not model: after a builder build it may read the artifact by a name of its own,
      // or write a file the builder reads.
      if (steps && body.trim() !== '') {
        unread.push({
          sequence: groups.length,
          after: at,
          diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} runs in ${shell}, a shell the tool does not read, after the builder build: it may read the extracted files (by names of its own) or write files the builder reads`, {
            file,
            line: lines.lineOf(at),
            hint: 'Run the program from a bash step (`run: python3 tools/checksum.py`), which the tool reads as a program that may use the files and keeps them on the host, or migrate this setup by hand.',
          }),
        });
      }
      return;
    }
    unread.push({
      sequence: groups.length,
      diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} runs docker in ${shell}, a shell the tool does not read; its commands were not followed`, {
        file,
        line: lines.lineOf(at),
        hint: 'Run the docker commands of the builder pattern from a bash or sh step, or migrate this step by hand.',
      }),
    });
  };

  /**
   * A GitHub step in a shell the tool does not read (`shell: python`) whose text never says
   * docker stands in its job as one program the tool does not model, run from the step's folder
   * (`shell:python`, as a JavaScript call stands as `js:fs.chmodSync`): the host checks then judge
   * it as they judge `python3 tools/checksum.py` in a bash step (after the runtime build it may
   * read the artifact by a name of its own, which keeps it on the host; before, it may change the
   * artifact or what the builder reads, which refuses). Nothing is ever written into it. Null
   * when the step mentions docker (its commands are then not followed: SHELL_NOT_READ) or is empty.
   */
  const unreadProgram = (node: unknown, at: number, shell: string, cwd: string | null, vars: Map<string, string | null>, label: string): Snippet | null => {
    const body = isScalar(node) && typeof node.value === 'string' ? node.value : '';
    if (body.includes('docker') || body.trim() === '' || !/^[\w.+-]+$/.test(shell)) return null;
    return standInProgram(`shell:${shell}`, at, cwd, vars, label, `${label} runs in ${shell}, which the tool does not write`);
  };

  const undecodable = (node: unknown, at: number, label: string) => {
    const d = undecodableStep(node, file, lines.lineOf(at), label);
    if (d) unread.push({ sequence: groups.length, diagnostic: d });
  };

  const add = (node: unknown, item: { start: number; end: number } | null, cwd: string | null, vars: Map<string, string | null>, label: string, continues: boolean, github?: { env: ReadonlyMap<string, string | null>; atWorkspace: boolean; job: string; jobEnv: ReadonlyMap<string, string>; stepEnv: (versions: Versions, vars: ReadonlyMap<string, string | null>) => void }): boolean => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return false;
    const decoded = decodeScalar(text, node, exprs);
    // (a GitHub expression the runner substitutes with a value the tool knows reads as that value)
    const read = exprs.read?.splice(0) ?? [];
    if (!decoded) return false;
    const known = github ? expressionValues(read, github.env, github.atWorkspace) : [];
    if (known.length > 0) vars = new Map([...vars, ...known]);
    // Any other expression the runner substitutes when this step starts (`${{ steps.meta.outputs.v }}`
    // of a step not run yet, `${{ hashFiles(…) }}`), but those every step reads alike until a step
    // that may write the job's environment (`env.NAME`, `secrets.NAME`: stepEnvStable): a value only
    // known at run time in this step's shell, and one its name stands for nowhere else, so a flag
    // carried into a later step's text would read another value (../../plan/build-flags.ts).
    const stepOnly = github ? read.filter((e) => /^__ci_expression_\d+$/.test(e.name) && !known.some(([n]) => n === e.name) && !stepEnvStable(e.text)) : [];
    if (stepOnly.length > 0) vars = new Map([...vars, ...stepOnly.map((e): [string, null] => [e.name, null])]);
    const versions = github && node.range ? { versions: runConstantVersions(`${file}#step@${node.range[0]}`, `${file}#job:${github.job}`, vars, read, github.jobEnv) } : {};
    if (github && versions.versions) github.stepEnv(versions.versions, vars);
    snippets.push({ ...decoded, cwd, vars, ...versions, remove: item ? [{ ...item, text: '' }] : null, label, continues });
    return true;
  };

  if (kind === 'github-actions') {
    const workflowEnv = staticEnv(root.get('env', true), new Map());
    const jobs = root.get('jobs', true);
    if (!isMap(jobs)) return { script: null, diagnostics };
    // YAML anchors and aliases (`- *compile`, `env: *common`, `defaults: *svc`, `<<:`), which
    // Actions reads since 2025: a step or setting the reader does not follow through them may
    // run in another job, folder or environment. Every job's setups are refused.
    const aliases: { source: string; at: number }[] = [];
    yaml().visit(doc, { Alias: (_k, n) => { aliases.push({ source: n.source, at: n.range?.[0] ?? 0 }); return yaml().visit.BREAK; } });
    const alias = aliases[0];
    const aliasUnread = alias ? diag('SHELL_NOT_READ', 'warning', `${file} reuses YAML through an alias (\`*${alias.source}\`, line ${lines.lineOf(alias.at)}), which the tool does not follow in a workflow: a step, \`env:\` or \`defaults:\` given through it may run elsewhere or change what a job runs; its jobs were not followed`, { file, line: lines.lineOf(alias.at), hint: 'Write the reused steps and settings out in each job, or migrate this workflow by hand.' }) : null;
    const keptFolder: boolean[] = [];
    const cleaned: boolean[] = [];
    for (const jp of jobs.items) {
      const job = jp.value as YAMLMap;
      if (!isMap(job)) continue;
      const jobEnv = staticEnv(job.get('env', true), workflowEnv);
      const defaults = job.getIn(['defaults', 'run', 'working-directory'], true) ?? root.getIn(['defaults', 'run', 'working-directory'], true);
      const steps = job.get('steps', true);
      if (!isSeq(steps)) continue;
      if (aliasUnread) unread.push({ sequence: groups.length, diagnostic: aliasUnread });
      const group: number[] = [];
      const jobKey = String(isScalar(jp.key) ? jp.key.value : '?');
      const setsEnv = text.slice(job.range?.[0] ?? 0, job.range?.[1] ?? text.length).includes('GITHUB_ENV');
      // The environment a step starts from: the job's, less the names an earlier step wrote to
      // $GITHUB_ENV, whose value the runner gives the later steps over it (../step-env-files.ts).
      let envBefore = jobEnv;
      const repositoryAtWorkspace = checkoutAtWorkspace(steps);
      // (a self-hosted runner keeps the job's folder for the next job: ./github-runners.ts)
      keptFolder.push(mayKeepFolder(job));
      cleaned.push(cleansFirst(steps));
      // (on a Windows runner every setup of the job, or of a script it runs, is refused: windowsJobNotRead)
      const windows = windowsRunner(job);
      if (windows !== null && job.range) unread.push({ sequence: groups.length, after: job.range[1], diagnostic: windowsJobNotRead(file, jobKey, windows, lines.lineOf((job.get('runs-on', true) as { range?: number[] } | undefined)?.range?.[0] ?? job.range[0])) });
      // The job's and the workflow's `env:` values only known at run time (an expression, which
      // GitHub evaluates once, before the job's first step) are one value in every step, until a
      // step that may write the job's environment for the later ones (../step-env-files.ts:
      // `$GITHUB_ENV`, an action's `core.exportVariable`, a shell the tool does not read) starts
      // another epoch; a name the step's own `env:` sets, or an earlier step wrote, is its own.
      let envEpoch = 0;
      const rewritten = new Set<string>();
      const jobConstantEnv = (step: YAMLMap): Map<string, string> => {
        const own = staticEnv(step.get('env', true), new Map());
        return new Map([...jobEnv].filter(([name, v]) => v === null && !own.has(name) && !rewritten.has(name)).map(([name]) => [name, `env${envEpoch}`]));
      };
      /** The folder a step runs in, from the repository's root (null: not known). */
      const stepCwd = (step: YAMLMap): string | null => {
        const wd = step.get('working-directory', true) ?? defaults;
        // (`${{ github.workspace }}` is the folder a relative working-directory starts from: ./github-workspace.ts)
        const wdText = isScalar(wd) && typeof wd.value === 'string' ? underWorkspace(wd.value) : null;
        return wd === undefined || wd === null ? '' : wdText !== null && !wdText.includes('${{') ? wdText.replace(/^\.\/?/, '').replace(/\/$/, '') : null;
      };
      const readStep = (step: YAMLMap, k: number): void => {
        if (!step.range) return;
        const cwd = stepCwd(step);
        const shell = stepShell(step, job, root);
        const run = step.get('run', true);
        if ((shell === 'pwsh' || shell === 'powershell') && isScalar(run) && typeof run.value === 'string') {
          const decoded = decodeScalar(text, run, exprs);
          // (PowerShell reads every expression as an unknown value still)
          exprs.read?.splice(0);
          const label = `${file} job ${String(isScalar(jp.key) ? jp.key.value : '?')} step ${k + 1}`;
          if (decoded) {
            const r = powerShellStep(file, text, { decoded, cwd, vars: staticEnv(step.get('env', true), envBefore), label, remove: [{ ...itemLines(text, step.range[0], step.range[1]), text: '' }] }, snippets, psRead, fs);
            diagnostics.push(...r.diagnostics);
            if (!unparsedPowerShell(r)) {
              group.push(...r.ids);
              return;
            }
            // PowerShell the grammar cannot read (`Compress-Archive -Path app, README.md …`) still
            // runs: it stands in the job as a step in a shell the tool does not read.
          }
        }
        if (shell !== 'sh') {
          const label = `${file} job ${String(isScalar(jp.key) ? jp.key.value : '?')} step ${k + 1}`;
          const standIn = unreadProgram(run, step.range[0], shell, cwd, staticEnv(step.get('env', true), envBefore), label);
          if (standIn) {
            group.push(snippets.length);
            snippets.push(standIn);
          } else unreadStep(run, step.range[0], label, shell, true);
          return;
        }
        const id = snippets.length;
        const label = `${file} job ${String(isScalar(jp.key) ? jp.key.value : '?')} step ${k + 1}`;
        const env = staticEnv(step.get('env', true), envBefore);
        // (`${{ env.NAME }}` of a name the step's own `env:` sets is left unknown: ./github-expressions.ts)
        const exprEnv = new Map([...envBefore, ...[...env.keys()].filter((k) => env.get(k) !== envBefore.get(k) || !envBefore.has(k)).map((k): [string, null] => [k, null])]);
        // (in a job's `container:`, `${{ github.workspace }}` is the runner's path, not the container's)
        // (a build-environment variable the step's own `env:` sets to a value only known at run
        // time is one value in the steps that give it the same text, if that text reads the same
        // in each: ./run-constants.ts)
        const epoch = envEpoch;
        const stepEnv = (versions: Versions, vars: ReadonlyMap<string, string | null>) => stepEnvVersions(versions, step.get('env', true), vars, (t) => (stepEnvStable(t) ? `${file}#job:${jobKey}.step-env@${epoch}` : null));
        if (add(run, itemLines(text, step.range[0], step.range[1]), cwd, withWorkspace(env, repositoryAtWorkspace), label, false, { env: exprEnv, atWorkspace: repositoryAtWorkspace && !job.has('container'), job: jobKey, jobEnv: jobConstantEnv(step), stepEnv })) {
          group.push(id);
          if (stepErrexit(step, job, root)) for (const sn of snippets.slice(id)) sn.errexit = true;
          for (const sn of snippets.slice(id)) sn.pipefail = stepPipefail(step, job, root);
        } else undecodable(run, step.range[0], label);
      };
      exprs.ran = new Set();
      steps.items.forEach((step, k) => {
        if (!isMap(step) || !step.range) return;
        const first = snippets.length;
        readStep(step, k);
        const stepId = step.get('id');
        if (typeof stepId === 'string') exprs.ran!.add(stepId);
        if (setsEnv) {
          const written = githubEnvWritten(file, text, step.get('run', true));
          if (written.length > 0) envBefore = new Map([...envBefore, ...written.map((n): [string, null] => [n, null])]);
          for (const n of written) rewritten.add(n);
        }
        if (mayWriteJobEnv(step, stepShell(step, job, root))) envEpoch++;
        // (a repository script the step runs may write $GITHUB_ENV too: `${{ env.NAME }}` in a later step's `env:` may read another value)
        else if (runsEnvScript(file, text, step.get('run', true), stepCwd(step), fs)) envEpoch++;
        const branches = githubStepIf(step, jobKey, k + 1, setsEnv);
        if (branches) for (const sn of snippets.slice(first)) sn.branches = branches;
        // `if: always()` (or another status check but success()) runs the step after a failed one too.
        const cond = step.get('if');
        if (typeof cond === 'string' && /\b(always|failure|cancelled)\s*\(/.test(cond)) for (const sn of snippets.slice(first)) sn.afterFailure = true;
        if (typeof cond === 'string' && /\bfailure\s*\(/.test(cond) && !/\b(always|success)\s*\(/.test(cond)) for (const sn of snippets.slice(first)) sn.onlyAfterFailure = true;
        // `continue-on-error: true` lets the job go on to its next steps when this one fails; an
        // expression (`${{ … }}`) may.
        if (stepContinuesOnError(step)) for (const sn of snippets.slice(first)) sn.goesOnAfterFailure = true;
        const limit = stepTimeout(step, 'timeout-minutes');
        if (limit !== null) for (const sn of snippets.slice(first)) sn.timeout = `timeout-minutes: ${limit}`;
      });
      groups.push(group);
      jobNames.push(String(isScalar(jp.key) ? jp.key.value : ''));
    }
    if (keptFolder.some((x) => x)) shared = { folder: keptFolder, cleaned };
  } else {
    const globalVars = staticEnv(root.get('variables', true), new Map());
    // Every job that runs the default before_script (it has none of its own, through `extends:`
    // or `<<:` either, and `inherit: default:` keeps it): its text is theirs in common.
    const isJob = (jp: (typeof root.items)[number]) => { const n = isScalar(jp.key) ? String(jp.key.value) : ''; return n !== '' && !n.startsWith('.') && !GITLAB_GLOBAL_KEYWORDS.has(n) && isMap(jp.value); };
    const sharing = root.items.filter((jp) => isJob(jp) && gitlabJobList(root, jp.value as YAMLMap, 'before_script').items.some((i) => i.from === 'default')).map((jp) => String((jp.key as Scalar).value));
    const defaultBefore = (root.getIn(['default', 'before_script'], true) ?? root.get('before_script', true)) as { range?: number[] } | undefined;
    const defaultWhere = root.getIn(['default', 'before_script'], true) ? '`default: before_script`' : 'the top-level `before_script`';
    const afterJobs = root.items.filter((jp) => isJob(jp) && gitlabAfterScript(root, jp.value as YAMLMap).items.some((i) => i.from === 'default')).map((jp) => String((jp.key as Scalar).value));
    const defaultAfter = (root.getIn(['default', 'after_script'], true) ?? root.get('after_script', true)) as { range?: number[] } | undefined;
    const sharedAfter = afterJobs.length > 1 ? `${root.getIn(['default', 'after_script'], true) ? '`default: after_script`' : 'the top-level `after_script`'} (${file}:${lines.lineOf(defaultAfter?.range?.[0] ?? 0)}), which the jobs ${afterJobs.join(', ')} all run` : undefined;
    const afterNotRead = (at: unknown, message: string) =>
      diag('SHELL_NOT_READ', 'warning', `${message}; it runs after the job's script, so it may use the extracted files, the builder image or the container the migration removes`, {
        file,
        line: lines.lineOf((at as { range?: number[] }).range?.[0] ?? 0),
        hint: 'Write the job\'s after_script as plain command strings in this file, or migrate this job by hand.',
      });
    // A before_script or script item the tool cannot read may do anything between the commands it reads.
    const scriptNotRead = (at: unknown, message: string) =>
      diag('SHELL_NOT_READ', 'warning', `${message}; the job runs it among the commands the tool reads, so they were not followed`, {
        file,
        line: lines.lineOf((at as { range?: number[] }).range?.[0] ?? 0),
        hint: 'Write the commands as plain strings (or `!reference` tags and anchors to lists of strings in this file), or migrate this job by hand.',
      });
    const mayDotenv = text.includes('dotenv');
    const keepsFolder: boolean[] = [];
    const sharedBefore = sharing.length > 1 ? `${defaultWhere} (${file}:${lines.lineOf(defaultBefore?.range?.[0] ?? 0)}), which the jobs ${sharing.join(', ')} all run` : undefined;
    for (const jp of root.items) {
      const name = isScalar(jp.key) ? String(jp.key.value) : '';
      if (!name || name.startsWith('.') || GITLAB_GLOBAL_KEYWORDS.has(name) || !isMap(jp.value)) continue;
      const job = jp.value;
      const resolved = gitlabJobVars(root, job);
      const vars = 'unknown' in resolved ? staticEnv(job.get('variables', true), globalVars) : resolved.vars;
      // (a job that may run in a folder an earlier job left, with its files: ./gitlab-git-strategy.ts)
      keepsFolder[groups.length] = findsEarlierFiles(vars);
      // (a docker CLI before 23 builds with the legacy builder unless told otherwise: ./gitlab-docker-image.ts;
      // the image a template gives through `extends:` or a `<<:` merge too; one an included file's
      // `default:` may give is not known)
      const ownImage = jobKey({ root }, job, 'image', new Set());
      const imageNode = 'node' in ownImage && ownImage.node !== undefined ? resolveAlias({ root }, ownImage.node) : undefined;
      const varNotes = new Map<string, string>();
      if (!vars.has('DOCKER_BUILDKIT')) {
        const image = gitlabJobImage(root, job, imageNode);
        const client = image === null ? (includesOthers(root) ? { value: null, why: 'in an image an included file\'s `default: image` may choose, whose docker CLI may build with the legacy builder' } : undefined) : imageBuildkit(image, vars);
        // (the daemon of a Docker-in-Docker service decides the default as well: the older one wins)
        const ownServices = jobKey({ root }, job, 'services', new Set());
        const servicesNode = 'unknown' in ownServices ? null : ownServices.node !== undefined ? resolveAlias({ root }, ownServices.node) : undefined;
        // (with no services of its own or of this file's, those an included file's `default:` may give it)
        const includedServices = servicesNode === undefined && root.getIn(['default', 'services'], true) === undefined && root.get('services', true) === undefined && includesOthers(root);
        const daemon =
          servicesNode === null ? { value: null, why: 'on services the tool cannot read (a template it does not hold), which may be a Docker-in-Docker daemon before 23' }
          : includedServices ? { value: null, why: "on services an included file's `default: services` may give the job, which may be a Docker-in-Docker daemon before 23 (give the job its own `services:`)" }
          : serviceBuildkit(gitlabJobServices(root, servicesNode), vars);
        const given = client?.value === '0' ? client : daemon?.value === '0' ? daemon : client ?? daemon;
        if (given) {
          vars.set('DOCKER_BUILDKIT', given.value);
          varNotes.set('DOCKER_BUILDKIT', given.why);
        }
      }
      const group: number[] = [];
      const shell = gitlabShell(job);
      const lists = (['before_script', 'script'] as const).map((key) => ({ key, ...gitlabJobList(root, job, key) }));
      for (const list of lists) if (list.unknown) unread.push({ sequence: groups.length, diagnostic: scriptNotRead(list.at ?? job, `${file} job ${name} ${list.unknown}`) });
      // What the job runs with but the tool cannot read (told once, where nothing above told it):
      // its variables, or a before_script (a `cd`) an included file's `default:` may give it.
      if (!unread.some((u) => u.sequence === groups.length)) {
        const why = 'unknown' in resolved ? `its variables are not known: it ${resolved.unknown.replace(/, so its variables is not known$/, '')}` : includesOthers(root) && !hasOwnKey(root, job, 'before_script') ? 'has no before_script of its own, and the file includes others, whose `default:` may give it one' : null;
        if (why) unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${file} job ${name} ${why}; its commands were not followed`, { file, line: lines.lineOf(job.range?.[0] ?? 0), hint: 'Give the job its own `variables:` and `before_script:` (an empty list will do) in this file, or migrate this job by hand.' }) });
      }
      if (shell !== 'sh') {
        for (const list of lists) for (const it of list.items) unreadStep(it.node, it.node.range?.[0] ?? job.range?.[0] ?? 0, `${file} job ${name}`, shell);
        groups.push(group);
        jobNames.push(name);
        continue;
      }
      const after = gitlabAfterScript(root, job);
      for (const list of lists) {
        for (const it of list.items) {
          const id = snippets.length;
          const range = it.own && it.listed ? itemLines(text, it.node.range![0], it.node.range![1]) : null;
          if (!add(it.node, range, '', vars, `${file} job ${name}`, group.length > 0)) {
            unread.push({ sequence: groups.length, diagnostic: scriptNotRead(it.node, `${file} job ${name} ${list.key} item at line ${lines.lineOf(it.node.range?.[0] ?? 0)} is not shell text the tool reads`) });
            continue;
          }
          const where = it.from === 'default' ? sharedBefore : it.own ? undefined : `${file}:${lines.lineOf(it.node.range![0])}, text the YAML file writes once and reuses`;
          if (where) snippets[id]!.shared = where;
          group.push(id);
          // The runner's bash or sh starts the script it writes for before_script and script
          // with `set -o errexit` (and pipefail where the shell has it): a failing line stops
          // the job, in a multi-line item too.
          for (const sn of snippets.slice(id)) sn.errexit = true;
        }
      }
      // `after_script` runs next, after a failed script too, in a shell of its own: from the
      // project folder again, with the job's variables and none the script set.
      let opened = false;
      for (const it of after.items) {
        const id = snippets.length;
        const range = it.own && it.listed ? itemLines(text, it.node.range![0], it.node.range![1]) : null;
        if (!add(it.node, range, '', vars, `${file} job ${name} after_script`, opened)) {
          unread.push({ sequence: groups.length, diagnostic: afterNotRead(it.node, `${file} job ${name} after_script item at line ${lines.lineOf(it.node.range?.[0] ?? 0)} is not shell text the tool reads`) });
          continue;
        }
        opened = true;
        // It runs after a failed script too: nothing that stopped the script stops it.
        for (const sn of snippets.slice(id)) sn.afterFailure = true;
        const where = it.from === 'default' ? sharedAfter : it.own ? undefined : `${file}:${lines.lineOf(it.node.range![0])}, text the YAML file writes once and reuses`;
        if (where) snippets[id]!.shared = where;
        group.push(id);
      }
      if (varNotes.size > 0) for (const id of group) snippets[id]!.varNotes = varNotes;
      if (after.unknown) unread.push({ sequence: groups.length, diagnostic: afterNotRead(after.at ?? job, `${file} job ${name} ${after.unknown}`) });
      // (a dotenv report passes variables to later jobs: ../gitlab-dotenv.ts; read only where the file names one)
      if (mayDotenv) {
        const report = gitlabDotenv(root, job);
        if ('unknown' in report || report.paths.length > 0) dotenv.push({ sequence: groups.length, job: name, line: lines.lineOf(jp.value.range?.[0] ?? 0), ...('unknown' in report ? { unknown: report.unknown } : { paths: report.paths }) });
      }
      groups.push(group);
      jobNames.push(name);
    }
    // Every job leaves its folder to the next job of the runner; one that does not clean it first finds those files.
    if (keepsFolder.some((x) => x)) shared = { folder: groups.map(() => true), cleaned: groups.map((_, k) => keepsFolder[k] !== true) };
  }
  const { script, diagnostics: parsed } = composeEmbedded(file, kind, text, snippets, groups);
  if (shared) {
    script.sharedWorkspace = shared.folder;
    script.cleanedFirst = shared.cleaned;
  }
  finishPowerShell(script, psRead);
  script.entries = jobNames;
  if (dotenv.length > 0) script.dotenv = dotenv;
  diagnostics.push(...parsed);
  if (unread.length > 0) script.unread = unread;
  return { script, diagnostics };
}

/** Where a GitLab job's `before_script`, `script` or `after_script` item comes from: the job's own list, `default:` (or the top level), or text the YAML reuses (an anchor, a template the job extends, a `!reference`). */
export interface AfterItem {
  node: Scalar;
  /** The item is written in the job's own list (or, for `before_script`, in the `default:` list itself): editing it changes this job alone. */
  own: boolean;
  from: 'job' | 'default' | 'reused';
  /** The item is a list item (a lone string has no item lines to remove). */
  listed: boolean;
}

export type GitlabListKey = 'before_script' | 'script' | 'after_script';

/**
 * The `after_script` a GitLab job runs, item by item: its own (through `<<:` merges and the
 * templates it `extends:` in this file, the later one winning), else the `default:` or top-level
 * one unless `inherit: default:` turns it off. `unknown` says why some of it cannot be known
 * (a template or `!reference` not in this file, an item that is not a string).
 */
export function gitlabAfterScript(root: YAMLMap, job: YAMLMap): { items: AfterItem[]; unknown?: string; at?: unknown } {
  return gitlabJobList(root, job, 'after_script');
}

/**
 * A list of commands a GitLab job runs (`before_script`, `script`, `after_script`), item by item,
 * as GitLab resolves it: the job's own key, else one `<<:` merges in, else the one of the
 * templates it `extends:` (the last one first; arrays are replaced, never merged), else for
 * `before_script` and `after_script` the `default:` or top-level one unless `inherit: default:`
 * (`false`, or a list without the key) turns it off. Items are flattened through anchors,
 * nested lists and `!reference` tags to this file's keys. `unknown` says why some of it cannot
 * be known: a template or `!reference` not in this file (an `include:` may give it), an item
 * that is no command string, a tag the tool does not read.
 */
export function gitlabJobList(root: YAMLMap, job: YAMLMap, key: GitlabListKey): { items: AfterItem[]; unknown?: string; at?: unknown } {
  const doc = { root };
  const found = jobKey(doc, job, key, new Set());
  if ('unknown' in found) return { items: [], unknown: found.unknown, at: found.at };
  if (found.node !== undefined) return flatten(doc, found.node, found.own ? 'job' : 'reused', found.own, key);
  if (key === 'script') return { items: [] };
  const inherit = jobKey(doc, job, 'inherit', new Set());
  const inheritDefault: unknown = 'node' in inherit && isMap(inherit.node) ? inherit.node.get('default', true) : undefined;
  const listed = isSeq(inheritDefault) ? inheritDefault.items.some((i) => isScalar(i) && i.value === key) : true;
  const off = (isScalar(inheritDefault) && inheritDefault.value === false) || !listed;
  if (off) return { items: [] };
  const def = root.getIn(['default', key], true) ?? root.get(key, true);
  // An after_script an included file's `default:` may give the job runs after its script, where
  // it may read what the migration removes. (A before_script so given is told where the job is read.)
  if ((def === undefined || def === null) && key === 'after_script' && includesOthers(root)) return { items: [], unknown: 'has no after_script of its own, and the file includes others, whose `default:` may give it one', at: job };
  // A `default: before_script` item is edited where it is written (SHARED_CI_SCRIPT guards the jobs that share it).
  return def === undefined || def === null ? { items: [] } : flatten(doc, def, 'default', key === 'before_script', key);
}

/**
 * A GitLab job's `variables:` as GitLab merges them: the file's (unless `inherit: variables:`
 * turns them off or lists others), then each template's it `extends:` (in that order, each with
 * its own templates first), then the job's own (or a `<<:` merge's). A value written as a map
 * gives its `value:`. A template the file does not hold makes them not known.
 */
export function gitlabVariables(root: YAMLMap, job: YAMLMap): { vars: Record<string, string> } | { unknown: string } {
  const layers = variableLayers(root, job);
  return 'unknown' in layers ? layers : { vars: { ...layers.kept, ...layers.own } };
}

/** The file's variables a job keeps (`inherit: variables:`), and its own (ownVariables), which win. */
function variableLayers(root: YAMLMap, job: YAMLMap): { kept: Record<string, string>; own: Record<string, string> } | { unknown: string } {
  const doc = { root };
  const inherit = jobKey(doc, job, 'inherit', new Set());
  const setting: unknown = 'node' in inherit && isMap(inherit.node) ? inherit.node.get('variables', true) : undefined;
  const global = variableValues(resolveAlias(doc, root.get('variables', true)), doc);
  const kept = isScalar(setting) && setting.value === false ? {} : isSeq(setting) ? Object.fromEntries(Object.entries(global).filter(([k]) => setting.items.some((i) => isScalar(i) && i.value === k))) : global;
  const mine = ownVariables(doc, job, new Set());
  return 'unknown' in mine ? mine : { kept, own: mine.vars };
}

/** A job's (or template's) own variables: those of the templates it extends, then its own (through `<<:` merges and aliases). */
function ownVariables(doc: { root: YAMLMap }, map: YAMLMap, seen: Set<YAMLMap>): { vars: Record<string, string> } | { unknown: string } {
  if (seen.has(map)) return { vars: {} };
  seen.add(map);
  const templates = extendsOf(doc, map);
  if ('unknown' in templates) return templates;
  let vars: Record<string, string> = {};
  for (const t of templates) {
    if (!t.template) return { unknown: notHeld(t.name, 'variables') };
    const inner = ownVariables(doc, t.template, seen);
    if ('unknown' in inner) return inner;
    vars = { ...vars, ...inner.vars };
  }
  const found = mergedKey(doc, map, 'variables', new Set());
  if ('unknown' in found) return { unknown: found.unknown };
  return { vars: { ...vars, ...variableValues(resolveAlias(doc, found.node), doc) } };
}

/** Whether the job (through its templates and merges) writes `key` itself, even as an empty list. */
function hasOwnKey(root: YAMLMap, job: YAMLMap, key: string): boolean {
  const found = jobKey({ root }, job, key, new Set());
  return 'node' in found && found.node !== undefined;
}

/** Whether the file includes others GitLab merges in (`include:` of a local, project, remote file or a component; GitLab's own `template:`s set no job's variables or defaults). */
export function includesOthers(root: YAMLMap): boolean {
  const inc = root.get('include', true);
  if (inc === undefined || inc === null) return false;
  const entries = isSeq(inc) ? inc.items : [inc];
  return entries.some((e) => !(isMap(e) && e.items.length === 1 && e.has('template')));
}

function variableValues(node: unknown, doc?: { root: YAMLMap }, depth = 0): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node) || depth > 16) return out;
  // `<<: *common` merges a map's variables in; the map's own keys win.
  for (const pair of node.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<' || !doc) continue;
    for (const m of isSeq(pair.value) ? pair.value.items : [pair.value]) Object.assign(out, { ...variableValues(resolveAlias(doc, m), doc, depth + 1), ...out });
  }
  for (const pair of node.items) {
    if (!isScalar(pair.key) || pair.key.value === '<<') continue;
    const v = isMap(pair.value) ? pair.value.get('value', true) : pair.value;
    if (isScalar(v) && v.value !== null) out[String(pair.key.value)] = String(v.value);
  }
  return out;
}

/**
 * A GitLab job's variables as the analysis reads them: gitlabVariables (the file's, the
 * templates' it extends, its own, `<<:` merges and aliases followed), a value holding `$` not
 * known (GitLab expands it); then not known, as something the file does not write decides them:
 * a name a `parallel: matrix:` entry, a `rules:` item or `workflow: rules:` sets, a name the
 * file's `variables:` offers in the Run-pipeline form (chosenAtRunTime), and, in a file that
 * includes others, every name the job does not set itself (an included file may set
 * it, globally or in a job of the same name, which GitLab merges in).
 */
export function gitlabJobVars(root: YAMLMap, job: YAMLMap): { vars: Map<string, string | null> } | { unknown: string } {
  const layers = variableLayers(root, job);
  if ('unknown' in layers) return layers;
  const vars = new Map<string, string | null>(Object.entries({ ...layers.kept, ...layers.own }).map(([k, v]) => [k, v.includes('$') ? null : v]));
  const doc = { root };
  // (every name the map gives, whatever its value: a matrix entry's is a list)
  const unknownNames = (node: unknown, depth = 0): void => {
    const target = resolveAlias(doc, node);
    if (!isMap(target) || depth > 16) return;
    for (const pair of target.items) {
      if (!isScalar(pair.key)) continue;
      if (pair.key.value === '<<') for (const m of isSeq(pair.value) ? pair.value.items : [pair.value]) unknownNames(m, depth + 1);
      else vars.set(String(pair.key.value), null);
    }
  };
  const keyOf = (key: string) => {
    const found = jobKey(doc, job, key, new Set());
    return 'node' in found ? resolveAlias(doc, found.node) : undefined;
  };
  const parallel = keyOf('parallel');
  const matrix = isMap(parallel) ? parallel.get('matrix', true) : undefined;
  if (isSeq(matrix)) for (const entry of matrix.items) unknownNames(entry);
  const rules = keyOf('rules');
  const workflowRules = root.getIn(['workflow', 'rules'], true);
  const ruleItems = [...(isSeq(rules) ? rules.items : []), ...(isSeq(workflowRules) ? workflowRules.items : [])];
  for (const r of ruleItems) {
    const item = resolveAlias(doc, r);
    if (isMap(item)) unknownNames(item.get('variables', true));
  }
  if (includesOthers(root)) for (const k of vars.keys()) if (!(k in layers.own)) vars.set(k, null);
  // A pipeline variable (the Run-pipeline form's) wins over every variable the YAML gives a job.
  for (const k of chosenAtRunTime(doc, root.get('variables', true))) vars.set(k, null);
  return { vars };
}

/**
 * The file's variables GitLab offers in the Run-pipeline form, so that who runs the pipeline
 * chooses their value (`description:`, which prefills the form, `options:`, a choice there):
 * the YAML `value:` is only the default.
 */
function chosenAtRunTime(doc: { root: YAMLMap }, node: unknown, depth = 0): string[] {
  const target = resolveAlias(doc, node);
  if (!isMap(target) || depth > 16) return [];
  return target.items.flatMap((pair) => {
    if (!isScalar(pair.key)) return [];
    if (pair.key.value === '<<') return (isSeq(pair.value) ? pair.value.items : [pair.value]).flatMap((m) => chosenAtRunTime(doc, m, depth + 1));
    const value = resolveAlias(doc, pair.value);
    return isMap(value) && (value.has('description') || value.has('options')) ? [String(pair.key.value)] : [];
  });
}

type KeyFound = { node: unknown; own: boolean } | { unknown: string; at: unknown };

/**
 * A key of a GitLab job as GitLab merges it: the job's own or one its `<<:` merges give (YAML
 * merges first, the job's own key winning, then the first merged map that has it), else the one
 * of the templates it `extends:` (the `extends:` it has or merges in; the last template first).
 */
function jobKey(doc: { root: YAMLMap }, job: YAMLMap, key: string, seen: Set<YAMLMap>): KeyFound {
  if (seen.has(job)) return { node: undefined, own: false };
  seen.add(job);
  const first = seen.size === 1;
  const own = mergedKey(doc, job, key, new Set());
  if ('unknown' in own) return own;
  if (own.node !== undefined) return { node: own.node, own: first && own.own };
  const templates = extendsOf(doc, job);
  if ('unknown' in templates) return templates;
  for (const t of [...templates].reverse()) {
    if (!t.template) return { unknown: notHeld(t.name, key), at: t.at };
    const inner = jobKey(doc, t.template, key, seen);
    if ('unknown' in inner || inner.node !== undefined) return 'unknown' in inner ? inner : { node: inner.node, own: false };
  }
  return { node: undefined, own: false };
}

/**
 * The dotenv reports a GitLab job declares (`artifacts: reports: dotenv: build.env`, a path or a
 * list of them): GitLab reads each file when the job ends and gives its variables to the later
 * jobs. Looked for in the job's own `artifacts:` (or one a `<<:` merge gives), in each template
 * it `extends:` (GitLab merges hashes deeply there) and in `default:`; `unknown` says why they
 * cannot be known (a template not in this file, a value that is no path).
 */
export function gitlabDotenv(root: YAMLMap, job: YAMLMap): { paths: string[] } | { unknown: string } {
  const doc = { root };
  const paths: string[] = [];
  const visit = (map: YAMLMap, seen: Set<YAMLMap>): string | null => {
    if (seen.has(map)) return null;
    seen.add(map);
    const artifacts = mergedKey(doc, map, 'artifacts', new Set());
    if ('unknown' in artifacts) return artifacts.unknown;
    const reports = (n: unknown) => (isMap(n) ? resolveAlias(doc, n.get('reports', true)) : undefined);
    const dotenv = (n: unknown) => (isMap(n) ? resolveAlias(doc, n.get('dotenv', true)) : undefined);
    const value = dotenv(reports(resolveAlias(doc, artifacts.node)));
    for (const item of isSeq(value) ? value.items : value === undefined || value === null ? [] : [value]) {
      const v = resolveAlias(doc, item);
      if (!isScalar(v) || typeof v.value !== 'string') return 'declares a dotenv report that is not written as a path';
      paths.push(v.value);
    }
    const templates = extendsOf(doc, map);
    if ('unknown' in templates) return templates.unknown;
    for (const t of templates) {
      if (!t.template) return notHeld(t.name, 'artifacts');
      const why = visit(t.template, seen);
      if (why !== null) return why;
    }
    return null;
  };
  const def = root.get('default', true);
  const why = visit(job, new Set()) ?? (isMap(def) ? visit(def, new Set()) : null);
  return why !== null ? { unknown: why } : { paths };
}

/** The templates a GitLab job (or template) `extends:`, in the order written; `template` null for one the file does not hold. */
function extendsOf(doc: { root: YAMLMap }, map: YAMLMap): { name: string | null; template: YAMLMap | null; at: unknown }[] | { unknown: string; at: unknown } {
  const ext = mergedKey(doc, map, 'extends', new Set());
  if ('unknown' in ext) return ext;
  const names = isSeq(ext.node) ? ext.node.items : ext.node === undefined || ext.node === null ? [] : [ext.node];
  return names.map((n) => {
    const name = isScalar(n) ? String(n.value) : null;
    const template = name === null ? null : doc.root.get(name, true);
    return { name, template: isMap(template) ? template : null, at: n };
  });
}

/** Why a key of a job is not known: it extends a template the file does not hold. */
const notHeld = (name: string | null, key: string) => `extends ${name === null ? 'a template' : `\`${name}\``}, which is not in this file (an \`include:\` may give it), so its ${key} is not known`;

/** A key of a YAML map with its `<<:` merge keys applied: its own, else the first merged map's (merges nest). */
function mergedKey(doc: { root: YAMLMap }, map: YAMLMap, key: string, seen: Set<YAMLMap>): KeyFound {
  if (seen.has(map)) return { node: undefined, own: false };
  seen.add(map);
  if (map.has(key)) return { node: map.get(key, true), own: true };
  for (const pair of map.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
    const merged = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const m of merged) {
      const target = resolveAlias(doc, m);
      if (!isMap(target)) return { unknown: `merges in (\`<<:\`) something that is no map, so its ${key} is not known`, at: m };
      const inner = mergedKey(doc, target, key, seen);
      if ('unknown' in inner || inner.node !== undefined) return 'unknown' in inner ? inner : { node: inner.node, own: false };
    }
  }
  return { node: undefined, own: false };
}

export function resolveAlias(doc: { root: YAMLMap }, n: unknown): unknown {
  if (!yaml().isAlias(n)) return n;
  // The anchor's node: the alias's source names it, and anchors are unique enough in CI files.
  let target: unknown;
  yaml().visit(doc.root, { Node: (_k, node) => { if ((node as { anchor?: string }).anchor === n.source && target === undefined) target = node; } });
  return target;
}

/** The items of a `before_script`, `script` or `after_script` value: a string, a list, lists nested through anchors, `!reference` tags to this file's keys (nested up to 10 deep, as GitLab allows). */
function flatten(doc: { root: YAMLMap }, node: unknown, from: AfterItem['from'], own: boolean, key: GitlabListKey, depth = 0, refs = 0): { items: AfterItem[]; unknown?: string; at?: unknown } {
  const items: AfterItem[] = [];
  if (depth > 64) return { items, unknown: `nests its ${key} too deep to follow`, at: node };
  if (node === undefined || node === null) return { items };
  if (yaml().isAlias(node)) {
    const target = resolveAlias(doc, node);
    if (target === undefined) return { items, unknown: `has a ${key} item \`*${node.source}\` whose anchor is not in this file`, at: node };
    return flatten(doc, target, 'reused', false, key, depth + 1, refs);
  }
  const tag = (node as { tag?: string }).tag;
  if (isScalar(node)) {
    if (tag !== undefined && !tag.startsWith('tag:yaml.org,2002:')) return { items, unknown: `has a ${key} item tagged \`${tag}\`, which the tool does not read`, at: node };
    if (node.value === null) return { items };
    if (typeof node.value !== 'string' || !node.range) return { items, unknown: `has a ${key} item that is no command string`, at: node };
    return { items: [{ node, own, from, listed: depth > 0 }] };
  }
  if (isSeq(node)) {
    if (tag === '!reference') {
      const path = node.items.map((i) => (isScalar(i) ? String(i.value) : null));
      if (refs >= 10) return { items, unknown: `nests \`!reference\` tags in its ${key} deeper than the 10 levels GitLab follows`, at: node };
      const target = path.includes(null) ? undefined : doc.root.getIn(path as string[], true);
      if (target === undefined) return { items, unknown: `has a \`!reference [${path.join(', ')}]\` in its ${key} that is not in this file (an \`include:\` may give it), so those commands are not known`, at: node };
      return flatten(doc, target, 'reused', false, key, depth + 1, refs + 1);
    }
    if (tag !== undefined && !tag.startsWith('tag:yaml.org,2002:')) return { items, unknown: `has a ${key} item tagged \`${tag}\`, which the tool does not read`, at: node };
    // The items after one the tool cannot know are still read (the job's setups are then found, and refused for it).
    let first: { unknown: string; at: unknown } | undefined;
    for (const it of node.items) {
      // An item nested in a list is written elsewhere (an anchor's list): not the job's own.
      const inner = isScalar(it) ? flatten(doc, it, from, own, key, depth + 1, refs) : flatten(doc, it, 'reused', false, key, depth + 1, refs);
      items.push(...inner.items);
      if (inner.unknown && !first) first = { unknown: inner.unknown, at: inner.at };
    }
    return first ? { items, ...first } : { items };
  }
  return { items, unknown: `has a ${key} that is neither a command nor a list of commands`, at: node };
}
