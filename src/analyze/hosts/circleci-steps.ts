/**
 * The steps a CircleCI job runs, as CircleCI expands them, for the reader (./circleci.ts) and
 * the workspace reads (../../plan/workspace-reads/circleci.ts):
 *
 * - YAML is applied first: a job's keys through `<<:` merges (its own keys first, then each
 *   merged map in order) and aliases (`steps: *steps`, `- run: *image`, `build-debug: *build`).
 *   A node an alias reaches is text the file writes once and several places run: a step there
 *   is marked `shared`, so the migration never edits it for one job (SHARED_CI_SCRIPT).
 * - A step naming a reusable command (`- keep-binary`, `- smoke: {bin: app}`) runs that
 *   command's `steps:` in its place (shared text too: every job invoking it runs it).
 * - `when:`/`unless:` steps run their `steps:` only on some pipelines: each is given a branch.
 * - A step naming an orb's command (`aws-s3/copy`, `docker/build`) runs the orb's code, which
 *   the tool does not read: `orb` is set, and its parameters are what it is given.
 */
import type { Node, YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq, resolveAlias } from './ci-yaml.js';
import { yaml } from './yaml-module.js';

/** The step kinds CircleCI runs itself. */
const BUILT_IN = new Set(['checkout', 'setup_remote_docker', 'save_cache', 'restore_cache', 'deploy', 'store_artifacts', 'store_test_results', 'persist_to_workspace', 'attach_workspace', 'add_ssh_keys', 'run', 'when', 'unless']);

export interface CircleStep {
  /** The step's kind: `run`, `store_artifacts`…, a command's or an orb's name. */
  kind: string;
  /** Its map of parameters (a `run:`'s value, a `store_artifacts:` map…), or null (`- checkout`). */
  body: unknown;
  /** The step item as written where it runs (for ranges; inside a command, the command's own item). */
  node: Node;
  /** The item of the job that leads to it (the command's invocation, the `when:` step), for lines and order. */
  top: Node;
  /** 1-based number of that item in the job's steps. */
  index: number;
  /** The `when:`/`unless:` steps it is inside, outermost first, each with its item's number and where it is written. */
  gates: { gate: 'when' | 'unless'; index: number; at: number }[];
  /** Why its text also runs elsewhere (an alias reaches it, or a reusable command holds it), or undefined. */
  shared?: string;
  /** A step of an orb's command (or a step CircleCI does not define and no command of the file names). */
  orb: boolean;
}

export interface CircleJob {
  name: string;
  job: YAMLMap;
  /** A key of the job as CircleCI sees it: its own, else through its `<<:` merges. */
  get(key: string): unknown;
}

/** Each job of the file, its keys read through aliases and merges. */
export function circleJobs(root: YAMLMap): CircleJob[] {
  const jobs = resolveAlias({ root }, root.get('jobs', true));
  if (!isMap(jobs)) return [];
  const out: CircleJob[] = [];
  for (const jp of jobs.items) {
    const job = resolveAlias({ root }, jp.value);
    if (!isMap(job)) continue;
    out.push({ name: String(isScalar(jp.key) ? jp.key.value : '?'), job, get: (key) => mergedGet(root, job, key, 0) });
  }
  return out;
}

/** A map's key through YAML merges: its own value, else the first merged map (in order) that has it; aliases resolved. */
export function mergedGet(root: YAMLMap, map: YAMLMap, key: string, depth: number): unknown {
  if (depth > 16) return undefined;
  for (const p of map.items) if (isScalar(p.key) && p.key.value === key) return resolveAlias({ root }, p.value);
  for (const p of map.items) {
    if (!isScalar(p.key) || p.key.value !== '<<') continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (const s of sources) {
      const m = resolveAlias({ root }, s);
      if (!isMap(m)) continue;
      const v = mergedGet(root, m, key, depth + 1);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** Every node an alias of the file reaches (the anchored node and all inside it). */
const aliasedOf = new WeakMap<YAMLMap, Set<unknown>>();
export function aliasedNodes(root: YAMLMap): Set<unknown> {
  const known = aliasedOf.get(root);
  if (known) return known;
  const out = new Set<unknown>();
  aliasedOf.set(root, out);
  yaml().visit(root, {
    Alias: (_k, n) => {
      const target = resolveAlias({ root }, n);
      if (target === undefined || out.has(target)) return;
      out.add(target);
      if (yaml().isNode(target)) yaml().visit(target as YAMLMap, { Node: (_k2, inner) => { out.add(inner); } });
    },
  });
  return out;
}

/** The steps a job runs, reusable commands expanded in place (not past `depth` 8: a command invoking itself). */
export function circleSteps(root: YAMLMap, job: CircleJob, file: string, lineOf: (at: number) => number): CircleStep[] {
  const aliased = aliasedNodes(root);
  const commands = resolveAlias({ root }, root.get('commands', true));
  const out: CircleStep[] = [];
  const at = (n: unknown) => (n as { range?: number[] }).range?.[0] ?? 0;
  const walk = (list: unknown, top: Node | null, index: number, gates: CircleStep['gates'], shared: string | undefined, depth: number) => {
    const seq = resolveAlias({ root }, list);
    if (!isSeq(seq) || depth > 8) return;
    const listShared = shared ?? (aliased.has(seq) ? `${file}:${lineOf(at(seq))}, steps the YAML file writes once and several jobs run` : undefined);
    seq.items.forEach((item, k) => {
      const node = resolveAlias({ root }, item) as Node;
      if (node === undefined || node === null) return;
      const here = top ?? (item as Node);
      const n = top === null ? k + 1 : index;
      let kind: string;
      let body: unknown = null;
      if (isScalar(node) && typeof node.value === 'string') kind = node.value;
      else if (isMap(node) && node.items.length > 0 && isScalar(node.items[0]!.key)) {
        kind = String(node.items[0]!.key.value);
        body = resolveAlias({ root }, node.items[0]!.value);
      } else return;
      // (`- run: *image`: the step's text is the anchored one, which another step runs too)
      const reused = [node, body, isMap(body) ? resolveAlias({ root }, body.get('command', true)) : undefined].find((x) => x !== undefined && x !== null && aliased.has(x));
      const mine = listShared ?? (reused !== undefined ? `${file}:${lineOf(at(reused))}, text the YAML file writes once and reuses` : undefined);
      if (kind === 'when' || kind === 'unless') {
        out.push({ kind, body, node, top: here, index: n, gates, ...(mine ? { shared: mine } : {}), orb: false });
        if (isMap(body)) walk(body.get('steps', true), here, n, [...gates, { gate: kind, index: n, at: at(node) }], mine, depth + 1);
        return;
      }
      const command = isMap(commands) && !BUILT_IN.has(kind) ? resolveAlias({ root }, commands.get(kind, true)) : undefined;
      if (isMap(command)) {
        const why = mine ?? `${file}:${lineOf(at(command))}, the reusable command \`${kind}\`, which every step naming it runs`;
        walk(command.get('steps', true), here, n, gates, why, depth + 1);
        return;
      }
      // (a reusable command's own `<< parameters.x >>` text is substituted by CircleCI; a run step holding it is not read as shell)
      out.push({ kind, body, node, top: here, index: n, gates, ...(mine ? { shared: mine } : {}), orb: !BUILT_IN.has(kind) });
    });
  };
  walk(job.get('steps'), null, 0, [], undefined, 0);
  return out;
}
