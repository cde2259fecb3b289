/**
 * CI files whose shell is a list of command strings, each list item a snippet (read with the
 * `yaml` Document API, comments and layout kept since only the shell text is edited): the
 * helpers Travis CI (./travis.ts) shares, and Bitbucket Pipelines (`bitbucket-pipelines.yml`:
 * each step's `script:` in one shell, then its `after-script:` in another from the clone, each
 * step its own machine).
 */
import type { Scalar, YAMLMap } from 'yaml';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { ScriptKind } from '../../model/script.js';
import { composeEmbedded, type EmbeddedScript, type Snippet, type UnreadStep } from '../embedded.js';
import { BITBUCKET_BUILDKIT_WHY, withHostBuildkit } from './host-buildkit.js';
import { decodeScalar, isMap, isScalar, isSeq, itemLines, resolveAlias, standInProgram } from './ci-yaml.js';
import { yaml } from './yaml-module.js';

export interface Reader {
  text: string;
  file: string;
  snippets: Snippet[];
  exprs: { n: number };
  /** The document's root, to follow YAML aliases (`- *relax`) to the text they stand for. */
  root?: YAMLMap;
}

/**
 * Adds each item of a list (or a lone string) as a snippet; returns their snippet indexes. An
 * item written as an alias (`- *relax`, or the whole list as one) is read where its anchor
 * writes it, as text the file reuses (never edited for one job: SHARED_CI_SCRIPT). An item that
 * is no command string the tool reads (an alias to a list, a number, text it cannot decode) is
 * never dropped silently: `unread` is told which and why. A map item that is a Bitbucket `pipe:`
 * stands as one program the tool does not model; another map item is not read.
 */
export function addList(r: Reader, list: unknown, vars: ReadonlyMap<string, string | null>, label: string, continues: boolean, unread?: (at: number, why: string) => void): number[] {
  const resolve = (n: unknown) => (yaml().isAlias(n) && r.root ? resolveAlias({ root: r.root }, n) : n);
  const target = resolve(list);
  const reusedList = target !== list;
  const items = isSeq(target) ? target.items : target !== undefined && target !== null ? [target] : [];
  const ids: number[] = [];
  const atOf = (n: unknown) => (n as { range?: number[] }).range?.[0] ?? 0;
  for (const it of items) {
    const node = resolve(it) as Scalar;
    const what = () => (yaml().isAlias(it) ? `the item \`*${it.source}\`` : 'an item');
    const reused = reusedList || node !== it;
    if (isMap(node)) {
      // A Bitbucket `pipe:` runs a container with the clone as its folder (an upload of
      // `LOCAL_PATH: relay`, a deploy): one program the tool does not model, run from the clone,
      // so the host checks keep what it may read there. Its `variables:` naming the builder
      // image are found as any text naming it is (src/plan/tag-mentions.ts).
      const pipe = node.get('pipe');
      if (pipe !== undefined && node.range) {
        ids.push(r.snippets.length);
        r.snippets.push({ ...standInProgram('bitbucket-pipe', node.range[0], '', vars, label, `${label} runs the pipe ${String(pipe)}, which the tool does not write`), continues: continues || ids.length > 1 });
      } else {
        unread?.(atOf(it), `${what()} is a map the tool does not read`);
      }
      continue;
    }
    if (isScalar(node) && node.value === null) continue;
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) {
      unread?.(atOf(it), `${what()} is ${node === undefined ? 'an alias whose anchor the tool does not find' : 'no command string'}`);
      continue;
    }
    const decoded = decodeScalar(r.text, node, r.exprs);
    if (!decoded) {
      unread?.(atOf(it), `${what()} is text the tool cannot decode exactly`);
      continue;
    }
    const remove = isSeq(target) && !reused ? [{ ...itemLines(r.text, node.range[0], node.range[1]), text: '' }] : null;
    ids.push(r.snippets.length);
    r.snippets.push({ ...decoded, cwd: '', vars, remove, label, continues: continues || ids.length > 1, ...(reused ? { shared: `${r.file}:${lineOf(r.text, node.range[0])}, text the YAML file writes once and reuses` } : {}) });
  }
  return ids;
}

/** Travis `env:` as `NAME=value` strings: static values from `global`, names only known per job elsewhere. */
export function travisEnv(env: unknown): Map<string, string | null> {
  const vars = new Map<string, string | null>();
  const global = isMap(env) ? env.get('global', true) : null;
  const each = (list: unknown, known: boolean) => {
    for (const it of isSeq(list) ? list.items : list ? [list] : []) {
      if (!isScalar(it) || typeof it.value !== 'string') continue;
      const one = /^([A-Za-z_]\w*)=([^\s'"$`\\]*)$/.exec(it.value);
      if (known && one) vars.set(one[1]!, one[2]!);
      else for (const m of it.value.matchAll(/(?:^|\s)([A-Za-z_]\w*)=/g)) vars.set(m[1]!, null);
    }
  };
  each(global, true);
  // `env: NAME=value` as one string is one row: the job's own variables.
  if (isScalar(env)) each(env, true);
  // A matrix (`env:` as a list, or `env: jobs:`) sets its names differently per job.
  each(isSeq(env) ? env : isMap(env) ? env.get('jobs', true) ?? env.get('matrix', true) : null, false);
  return vars;
}

export function parseDocument(file: string, text: string): { root: YAMLMap | null; diagnostics: Diagnostic[] } {
  const doc = yaml().parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    return { root: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as YAML (${doc.errors[0]!.message.split('\n')[0]}); it was not analysed`, { file, hint: 'Fix the YAML, then run the tool again.' })] };
  }
  return { root: isMap(doc.contents) ? doc.contents : null, diagnostics: [] };
}

/**
 * The first YAML merge key (`<<: *build`) or alias of a map (`- step: *build`, `- *job`) in
 * `scope`: Bitbucket and Travis apply them, so a step or job built that way runs the keys of
 * another (its `script:`, `after-script:`, `artifacts:`, `deploy:`) where the reader, which reads
 * each map as written, does not see them. Null when there is none. (An alias of a string or a
 * list of commands is read where its anchor writes it: ./ci-lists.ts addList.)
 */
export function sharedMapThrough(root: YAMLMap, scope: unknown, file: string, text: string, what: string, keys: string): Diagnostic | null {
  let found: { shown: string; at: number } | null = null;
  if (scope === undefined || scope === null) return null;
  yaml().visit(scope as YAMLMap, {
    Pair: (_k, pair) => {
      if (!isScalar(pair.key) || pair.key.value !== '<<') return undefined;
      const v = pair.value;
      found = { shown: `<<: ${yaml().isAlias(v) ? `*${v.source}` : '…'}`, at: (pair.key as Scalar).range?.[0] ?? 0 };
      return yaml().visit.BREAK;
    },
    Alias: (_k, n) => {
      if (!isMap(resolveAlias({ root }, n))) return undefined;
      found = { shown: `*${n.source}`, at: n.range?.[0] ?? 0 };
      return yaml().visit.BREAK;
    },
  });
  if (found === null) return null;
  const { shown, at } = found as { shown: string; at: number };
  const line = lineOf(text, at);
  return diag('SHELL_NOT_READ', 'warning', `${file} reuses a map through YAML (\`${shown}\`, line ${line}), which the tool does not follow: a ${what} built that way runs the keys of another (${keys}) where the tool does not see them, so no ${what} of the file was followed`, { file, line, hint: `Write the reused ${what} out in full where it is used again (aliases of single command strings are read), or migrate this file by hand.` });
}

/** Every `step` of a Bitbucket pipeline list, inside `parallel` and `stage` blocks too. */
function collectSteps(list: unknown, into: YAMLMap[]): void {
  if (!isSeq(list)) return;
  for (const entry of list.items) {
    if (!isMap(entry)) continue;
    const step = entry.get('step', true);
    if (isMap(step)) into.push(step);
    const parallel = entry.get('parallel', true);
    collectSteps(isMap(parallel) ? parallel.get('steps', true) : parallel, into);
    const stage = entry.get('stage', true);
    if (isMap(stage)) collectSteps(stage.get('steps', true), into);
  }
}

/**
 * Every step of every pipeline of `bitbucket-pipelines.yml`, once each (a step shared through a
 * YAML alias is one step), named `step N` in that order: the names --verify runs them by.
 */
export function bitbucketStepList(root: YAMLMap): { name: string; step: YAMLMap }[] {
  const pipelines = root.get('pipelines', true);
  if (!isMap(pipelines)) return [];
  const steps: YAMLMap[] = [];
  for (const p of pipelines.items) {
    if (isSeq(p.value)) collectSteps(p.value, steps);
    // `branches:`, `tags:`, `pull-requests:`, `custom:`: pipelines by name.
    else if (isMap(p.value)) for (const named of p.value.items) collectSteps(named.value, steps);
  }
  return [...new Set(steps)].map((step, k) => ({ name: `step ${k + 1}`, step }));
}

export function parseBitbucket(file: string, text: string): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const { root, diagnostics } = parseDocument(file, text);
  if (!root) return { script: null, diagnostics };
  const r: Reader = { text, file, snippets: [], exprs: { n: 0 }, root };
  if (!isMap(root.get('pipelines', true))) return { script: null, diagnostics };
  const steps = bitbucketStepList(root);
  const unread: UnreadStep[] = [];
  const groups = steps.map(({ step }, k) => {
    const name = step.get('name');
    const label = `${file} step ${typeof name === 'string' ? `"${name}"` : `at line ${lineOf(text, step.range?.[0] ?? 0)}`}`;
    // An item the tool cannot read may do anything among the commands it reads: the step's setups are refused.
    const notRead = (key: string) => (at: number, why: string) =>
      unread.push({ sequence: k, diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} ${key}: ${why}; the step runs it among the commands the tool reads, so they were not followed`, { file, line: lineOf(text, at), hint: 'Write the commands as plain strings (or aliases of strings), or migrate this step by hand.' }) });
    // The step's docker builds with the legacy builder unless DOCKER_BUILDKIT=1 is set (./host-buildkit.ts).
    const start = withHostBuildkit(new Map(), BITBUCKET_BUILDKIT_WHY);
    const script = addList(r, step.get('script', true), start.vars, label, false, notRead('script'));
    // Pipelines runs the script in bash started with `set -e`: a failing line stops the step,
    // in a multi-line item too. Not so on a Windows runner (`runs-on: windows`), whose shell is PowerShell.
    if (!runsOnWindows(step)) for (const id of script) r.snippets[id]!.errexit = true;
    // `after-script:` runs next, after a failed script too, in a shell of its own from the clone.
    const after = addList(r, step.get('after-script', true), start.vars, `${label} after-script`, false, notRead('after-script'));
    for (const id of after) r.snippets[id]!.afterFailure = true;
    if (start.notes) for (const id of [...script, ...after]) r.snippets[id]!.varNotes = start.notes;
    return [...script, ...after];
  });
  // A step merging another (`<<: *build`), or one given as an alias (`- step: *build`), shares its keys.
  const shared = sharedMapThrough(root, root.get('pipelines', true), file, text, 'step', 'its script, after-script, artifacts');
  if (shared) for (const k of groups.keys()) unread.push({ sequence: k, diagnostic: shared });
  const out = finish(file, 'bitbucket-pipelines', text, r, groups, steps.map((s) => s.name), diagnostics);
  if (unread.length > 0) out.script.unread = [...(out.script.unread ?? []), ...unread];
  return out;
}

/** A step for a Windows runner (`runs-on:` naming `windows`), or one whose labels are not all plain strings. */
function runsOnWindows(step: YAMLMap): boolean {
  const on = step.get('runs-on', true);
  if (on === undefined || on === null) return false;
  const labels = isSeq(on) ? on.items : [on];
  return labels.some((l) => !isScalar(l) || typeof l.value !== 'string' || /windows/i.test(l.value));
}

export function finish(file: string, kind: ScriptKind, text: string, r: Reader, groups: number[][], entries: string[], diagnostics: Diagnostic[]) {
  const { script, diagnostics: parsed } = composeEmbedded(file, kind, text, r.snippets, groups);
  script.entries = entries;
  return { script: script as EmbeddedScript, diagnostics: [...diagnostics, ...parsed] };
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') n++;
  return n;
}
