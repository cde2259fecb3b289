/**
 * Compose files as definitions: a service says how its image is built (`build:`) and how its
 * container runs (`command:`, `volumes:`, `working_dir:`, `environment:`, `entrypoint:`).
 * Read with the `yaml` Document API (failsafe schema: every scalar as written), so that
 * a `docker compose run|up|build SERVICE` can be read as the docker commands it stands for.
 * What a service does that plain docker commands cannot say exactly (env_file, extends,
 * profiles, named volumes, variables interpolated from the environment…) is recorded as a
 * problem, so a setup that uses the service is refused instead of guessed.
 */
import path from 'node:path/posix';
import type { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import { LineIndex } from '../../model/text.js';
import { resolveRel } from '../../model/paths.js';
import { yaml } from './yaml-module.js';

export interface ComposeBuild {
  /** Repository-relative context ('' is the root) and Dockerfile. */
  context: string;
  dockerfile: string;
  target: string | null;
  args: [string, string][];
}

export interface ComposeService {
  name: string;
  file: string;
  line: number;
  build: ComposeBuild | null;
  image: string | null;
  containerName: string | null;
  /** Bind mounts as `./HOST:CTR[:MODE]`, HOST relative to the project folder. */
  volumes: string[];
  command: string[] | null;
  entrypoint: string[] | null;
  workingDir: string | null;
  environment: [string, string][];
  /** Why the service's build cannot be read as a `docker build` (refuses a setup that builds it). */
  buildProblems: Diagnostic[];
  /** Why its container cannot be read as a `docker run` (refuses a setup that runs it). */
  runProblems: Diagnostic[];
  /** Other services that need this one (depends_on, extends, volumes_from, links, network_mode). */
  neededBy: string[];
  /** The service's own lines in the file: its key through its last value line, with the comment lines right above it. */
  lines: { first: number; last: number };
}

export interface ComposeFile {
  path: string;
  /** The project folder: relative paths in the file are read from here. */
  dir: string;
  text: string;
  services: Map<string, ComposeService>;
  /** Problems of the file as a whole (it cannot be parsed, `include:`…): every service inherits them. */
  problems: Diagnostic[];
  /** The top-level `name:` (compose's project name), null without one, undefined when it is not plain text (interpolated, a map). */
  name: string | null | undefined;
}

/** Keys of a service the tool reproduces exactly; any other key refuses a setup that runs the service. */
const RUN_KEYS = new Set(['build', 'image', 'container_name', 'volumes', 'command', 'entrypoint', 'working_dir', 'environment']);
const BUILD_KEYS = new Set(['context', 'dockerfile', 'target', 'args']);

const isMap = (n: unknown): n is YAMLMap => yaml().isMap(n);
const isSeq = (n: unknown): n is YAMLSeq => yaml().isSeq(n);
const isScalar = (n: unknown): n is Scalar => yaml().isScalar(n);

export function readComposeFile(file: string, text: string): ComposeFile {
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const out: ComposeFile = { path: file, dir, text, services: new Map(), problems: [], name: null };
  const lines = new LineIndex(text);
  const lineOf = (node: unknown) => {
    const r = (node as { range?: [number, number, number] } | null)?.range;
    return r ? lines.lineOf(r[0]) : 1;
  };
  const doc = yaml().parseDocument(text, { schema: 'failsafe', keepSourceTokens: true });
  if (doc.errors.length > 0) {
    out.problems.push(diag('COMPOSE_UNSUPPORTED', 'error', `cannot parse ${file} as YAML (${doc.errors[0]!.message.split('\n')[0]})`, { file, line: doc.errors[0]!.linePos?.[0]?.line ?? 1, hint: 'Fix the compose file, then run the tool again.' }));
    return out;
  }
  const root = doc.contents;
  if (!isMap(root)) return out;
  const name = root.get('name', true);
  const nameValue: unknown = isScalar(name) ? name.value : undefined;
  if (name !== undefined) out.name = typeof nameValue === 'string' && !nameValue.includes('$') ? nameValue : undefined;
  const include = root.items.find((p) => isScalar(p.key) && p.key.value === 'include');
  if (include) out.problems.push(diag('COMPOSE_UNSUPPORTED', 'error', `${file} includes other compose files, which the tool does not merge`, { file, line: lineOf(include.key), hint: 'Migrate this setup by hand.' }));
  const services = root.get('services', true);
  if (!isMap(services)) return out;

  for (const pair of services.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const svc = readService(file, dir, name, pair as Pair<Scalar, unknown>, lineOf);
    svc.lines = serviceLines(text, lines, pair as Pair<Scalar, unknown>);
    out.services.set(name, svc);
  }
  // Who needs whom: removing a service others depend on would break them.
  for (const pair of services.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const name = String(pair.key.value);
    const node = pair.value;
    const needs = new Set<string>();
    const dep = node.get('depends_on', true);
    if (isSeq(dep)) for (const it of dep.items) if (isScalar(it)) needs.add(String(it.value));
    if (isMap(dep)) for (const p of dep.items) if (isScalar(p.key)) needs.add(String(p.key.value));
    const ext = node.get('extends', true);
    if (isMap(ext)) {
      const s = ext.get('service');
      if (typeof s === 'string' && ext.get('file') === undefined) needs.add(s);
    }
    // (`extends: builder`, the string form: a service of the same file)
    if (isScalar(ext)) needs.add(String(ext.value));
    for (const key of ['volumes_from', 'links']) {
      const list = node.get(key, true);
      if (isSeq(list)) for (const it of list.items) if (isScalar(it) && !String(it.value).startsWith('container:')) needs.add(String(it.value).split(':')[0]!);
    }
    for (const key of ['network_mode', 'pid', 'ipc']) {
      const v = node.get(key);
      if (typeof v === 'string' && v.startsWith('service:')) needs.add(v.slice('service:'.length));
    }
    for (const n of needs) out.services.get(n)?.neededBy.push(name);
  }
  return out;
}

/**
 * The services of a compose file that build an image (`build:`), as readComposeFile reads them.
 * A service builds only under a key whose value is `build`, and a YAML key holds those letters
 * only as written in the text or through a double-quoted string's escapes (`"\x62uild"`): a
 * text with neither `build` nor a backslash has no such service, and is not parsed. (Every
 * compose file of a repository is asked, by ../../plan/runtime-rebuilds.ts; most build nothing.)
 */
export function composeBuilds(file: string, text: string): ComposeService[] {
  if (!text.includes('build') && !text.includes('\\')) return [];
  return [...readComposeFile(file, text).services.values()].filter((s) => s.build !== null);
}

function readService(file: string, dir: string, name: string, pair: Pair<Scalar, unknown>, lineOf: (n: unknown) => number): ComposeService {
  const svc: ComposeService = {
    name, file, line: lineOf(pair.key), build: null, image: null, containerName: null, volumes: [], command: null, entrypoint: null,
    workingDir: null, environment: [], buildProblems: [], runProblems: [], neededBy: [], lines: { first: 0, last: 0 },
  };
  const node = pair.value;
  const at = (n: unknown, hint: string) => ({ file, line: lineOf(n), hint });
  const unsupported = (n: unknown, what: string, problems: Diagnostic[] = svc.runProblems) =>
    problems.push(diag('COMPOSE_UNSUPPORTED', 'error', `service ${name}: ${what}, which the tool cannot reproduce exactly in a build stage`, at(n, 'Migrate this setup by hand, or remove the feature from the builder service.')));
  const fromHost = (n: unknown, k: string, problems: Diagnostic[]) =>
    problems.push(diag('COMPOSE_DYNAMIC', 'error', `service ${name}: \`${k}\` takes its value from the environment compose runs in, so it is only known at run time`, at(n, 'Write the value in the compose file, or migrate this setup by hand.')));
  if (!isMap(node)) {
    unsupported(pair.key, 'its definition is not a map', svc.buildProblems);
    return svc;
  }
  // Anchors and aliases tie this service's text to other places in the file.
  let shared = false;
  yaml().visit(node, {
    Alias: () => void (shared = true),
    Node: (_k, n) => void ((n as { anchor?: string }).anchor ? (shared = true) : undefined),
    Pair: (_k, p) => void (isScalar(p.key) && p.key.value === '<<' ? (shared = true) : undefined),
  });
  if (shared) {
    unsupported(pair.key, 'it uses or defines YAML anchors, aliases or merge keys', svc.buildProblems);
    unsupported(pair.key, 'it uses or defines YAML anchors, aliases or merge keys');
  }

  /** A scalar's value with compose's `$$` unescaped; null (and a problem) when it interpolates a variable. */
  const str = (n: unknown, problems: Diagnostic[] = svc.runProblems): string | null => {
    if (!isScalar(n)) {
      unsupported(n, 'a value that is not a plain string', problems);
      return null;
    }
    const v = String(n.value);
    // Compose reads the file with YAML's core schema: an unquoted `24.10` is the number 24.1,
    // `~` is null, `0x10` is 16. Read here as written (failsafe), such a value must be one whose
    // text compose gives back as written.
    const typed = n.type === 'PLAIN' ? coreValue(v) : null;
    if (typed !== null) {
      unsupported(n, `\`${v}\` is no string to compose (YAML reads it as ${typed}), so the value it passes is not the text written`, problems);
      return null;
    }
    if (/\$(?!\$)/.test(v.replace(/\$\$/g, ''))) {
      problems.push(diag('COMPOSE_DYNAMIC', 'error', `service ${name}: \`${v}\` is interpolated from the environment when compose runs, so its value is only known at run time`, at(n, 'Write the value literally (or escape $ as $$).')));
      return null;
    }
    return v.replace(/\$\$/g, '$');
  };
  const words = (n: unknown, problems: Diagnostic[]): string[] | null => {
    if (isSeq(n)) {
      const ws = n.items.map((it) => str(it, problems));
      return ws.every((w): w is string => w !== null) ? ws : null;
    }
    const s = str(n, problems);
    return s === null ? null : splitWords(s, () => unsupported(n, `\`${s}\` is not a list of plain words`, problems));
  };

  for (const p of node.items) {
    const key = isScalar(p.key) ? String(p.key.value) : '';
    const v = p.value;
    if (!RUN_KEYS.has(key)) unsupported(p.key, `\`${key}:\``);
    switch (key) {
      case 'build': {
        const problems = svc.buildProblems;
        const b: ComposeBuild = { context: '', dockerfile: '', target: null, args: [] };
        let ctx = '.';
        let dockerfile = 'Dockerfile';
        if (isMap(v)) {
          for (const bp of v.items) {
            const bk = isScalar(bp.key) ? String(bp.key.value) : '';
            if (!BUILD_KEYS.has(bk)) {
              unsupported(bp.key, `\`build: ${bk}:\``, problems);
              continue;
            }
            if (bk === 'args') {
              const args = keyValues(bp.value, str, problems, (n, what) => unsupported(n, what, problems), (n, k) => fromHost(n, k, problems));
              if (args) b.args = args;
              continue;
            }
            const s = str(bp.value, problems);
            if (s === null) continue;
            if (bk === 'context') ctx = s;
            else if (bk === 'dockerfile') dockerfile = s;
            else b.target = s;
          }
        } else {
          const s = str(v, problems);
          if (s !== null) ctx = s;
        }
        if (/^[a-z]+:\/\/|^git@|^\//.test(ctx) || /^\//.test(dockerfile)) unsupported(v, 'a build context or Dockerfile outside the repository', problems);
        b.context = resolveRel(dir, ctx);
        b.dockerfile = resolveRel(b.context, dockerfile);
        svc.build = b;
        break;
      }
      case 'image':
        svc.image = str(v, svc.buildProblems);
        break;
      case 'container_name':
        svc.containerName = str(v);
        break;
      case 'command':
        svc.command = words(v, svc.runProblems);
        break;
      case 'entrypoint':
        svc.entrypoint = words(v, svc.runProblems);
        break;
      case 'working_dir':
        svc.workingDir = str(v);
        break;
      case 'environment': {
        const env = keyValues(v, str, svc.runProblems, (n, what) => unsupported(n, what), (n, k) => fromHost(n, k, svc.runProblems));
        if (env) svc.environment = env;
        break;
      }
      case 'volumes':
        if (!isSeq(v)) {
          unsupported(v, '`volumes:` that is not a list');
          break;
        }
        for (const it of v.items) {
          const m = bindMount(it, str);
          if (typeof m === 'string') svc.volumes.push(m);
          else if (m) unsupported(it, m.why);
        }
        break;
    }
  }
  return svc;
}

/** `KEY: value` maps and `- KEY=value` lists (environment, build args); a KEY without a value comes from the host. */
function keyValues(
  n: unknown,
  str: (n: unknown, problems?: Diagnostic[]) => string | null,
  problems: Diagnostic[],
  unsupported: (n: unknown, what: string) => void,
  fromHost: (n: unknown, key: string) => void,
): [string, string][] | null {
  const out: [string, string][] = [];
  if (isMap(n)) {
    for (const p of n.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (p.value === null || (isScalar(p.value) && p.value.value === '' && !p.value.type?.startsWith('QUOTE'))) {
        fromHost(p.key, k);
        return null;
      }
      const v = str(p.value, problems);
      if (v === null) return null;
      out.push([k, v]);
    }
    return out;
  }
  if (isSeq(n)) {
    for (const it of n.items) {
      const s = str(it, problems);
      if (s === null) return null;
      if (!s.includes('=')) {
        fromHost(it, s);
        return null;
      }
      out.push([s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]);
    }
    return out;
  }
  unsupported(n, 'a list of values that is neither a map nor a list');
  return null;
}

/** A bind mount of a repository folder as `./HOST:CTR[:MODE]`; a reason when it is another kind of volume. */
function bindMount(it: unknown, str: (n: unknown) => string | null): string | { why: string } | null {
  let host: string | null = null;
  let ctr: string | null = null;
  let mode = '';
  if (isMap(it)) {
    const type = it.get('type');
    if (type !== 'bind') return { why: `a \`${String(type)}\` mount` };
    host = str(it.get('source', true));
    ctr = str(it.get('target', true));
    const ro = it.get('read_only');
    if (ro === 'true') mode = ':ro';
    for (const p of it.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (!['type', 'source', 'target', 'read_only'].includes(k)) return { why: `a mount with \`${k}:\`` };
    }
  } else {
    const s = str(it);
    if (s === null) return null;
    const parts = s.split(':');
    if (parts.length < 2 || parts.length > 3) return { why: `the volume \`${s}\`` };
    [host, ctr] = [parts[0]!, parts[1]!];
    if (parts[2]) mode = `:${parts[2]}`;
  }
  if (host === null || ctr === null) return null;
  if (!host.startsWith('.')) return { why: host.startsWith('/') || host.startsWith('~') ? `a mount of ${host}, outside the repository` : `the named volume \`${host}\`` };
  const rel = path.normalize(host);
  return `${rel.startsWith('..') ? rel : `./${rel === '.' ? '' : rel}`.replace(/\/$/, '') || '.'}:${ctr}${mode}`;
}

/**
 * A command string split into words as compose does (shell-like quoting, no shell):
 * only plain words and quotes are accepted; anything a shell would expand is refused.
 */
function splitWords(s: string, fail: () => void): string[] | null {
  const out: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      const body = close < 0 ? null : s.slice(i + 1, close);
      if (body === null || (c === '"' && /[\\$`]/.test(body))) {
        fail();
        return null;
      }
      cur = (cur ?? '') + body;
      i = close;
    } else if (/[\\$`|&;<>()*?[\]{}~]/.test(c)) {
      fail();
      return null;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== null) out.push(cur);
  return out;
}

/** Lines of a service entry: its key line through the end of its value, with the comment lines right above it at its indentation. */
function serviceLines(text: string, lines: LineIndex, pair: Pair<Scalar, unknown>): { first: number; last: number } {
  const keyStart = pair.key.range![0];
  let first = lines.lineOf(keyStart);
  const indent = keyStart - lines.lineStart(first);
  while (first > 1) {
    const prev = lines.lineText(first - 1);
    if (!/^\s*#/.test(prev) || prev.length - prev.trimStart().length !== indent) break;
    first--;
  }
  const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
  let end = valueRange ? valueRange[1] : pair.key.range![1];
  while (end > keyStart && /\s/.test(text[end - 1]!)) end--;
  return { first, last: lines.lineOf(Math.max(keyStart, end - 1)) };
}

/**
 * What YAML's core schema makes of a plain scalar's text when compose would not pass it on as
 * written (`the number 24.1` for `24.10`, `null` for `~`), or null when it would (a string, or a
 * number or boolean written as compose writes it back: `8080`, `true`).
 */
function coreValue(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = yaml().parse(text, { schema: 'core' });
  } catch {
    return null;
  }
  if (parsed === null) return 'null';
  if ((typeof parsed === 'number' || typeof parsed === 'boolean') && String(parsed) !== text) return `the ${typeof parsed} ${String(parsed)}`;
  return null;
}
