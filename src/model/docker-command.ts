/**
 * The docker-command model: a docker CLI invocation reduced to its verb, flags and
 * operands, independent of the script language it came from. The migration logic only
 * ever looks at these.
 */
import type { ScriptCommand, Word } from './script.js';
import { exactList } from './exact-list.js';
import { ASSIGNMENT, wrapperSpans } from './wrappers.js';

export type Verb = 'build' | 'create' | 'run' | 'start' | 'stop' | 'kill' | 'cp' | 'rm' | 'rmi' | 'tag' | 'push' | 'other';

export interface ParsedFlag {
  /** Canonical long name, e.g. `--tag` for `-t`. */
  name: string;
  /** The value word (null for boolean flags). For `--tag=x` a synthetic word covering `x`. */
  value: Word | null;
  /** Index of the first word of the flag in `cmd.words`, and how many words it spans. */
  wordIndex: number;
  wordCount: number;
}

export interface DockerInvocation {
  cmd: ScriptCommand;
  /** Index in cmd.words of the word `docker`: 0, or past the wrappers it runs through (`sudo docker …`: 1). */
  at?: number;
  verb: Verb;
  /** Index in cmd.words of the last word of the subcommand (`build` in `docker image build`). */
  verbIndex: number;
  flags: ParsedFlag[];
  /** Operands in order (context, image, container:path, …), with their word indexes. */
  operands: { word: Word; index: number }[];
  /** Flags that were not recognised (the invocation cannot be read safely past them). */
  unknownFlags: Word[];
}

interface FlagTable {
  /** Flags that take a value, short aliases mapped to canonical names. */
  valued: Record<string, string>;
  boolean: Record<string, string>;
  /** After the first operand, everything is operands (the command run in a container). */
  stopAtFirstOperand: boolean;
}

const long = (names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, n]));

const BUILD: FlagTable = {
  valued: {
    '-t': '--tag', '-f': '--file', '-o': '--output', '-m': '--memory', '-c': '--cpu-shares',
    ...long(['--tag', '--file', '--build-arg', '--target', '--platform', '--network', '--label',
      '--cache-from', '--cache-to', '--iidfile', '--secret', '--ssh', '--progress', '--output',
      '--build-context', '--add-host', '--shm-size', '--memory', '--memory-swap', '--cpu-shares',
      '--cpuset-cpus', '--cpuset-mems', '--cpu-period', '--cpu-quota', '--cgroup-parent',
      '--isolation', '--ulimit', '--security-opt', '--allow', '--attest', '--sbom', '--provenance',
      '--metadata-file', '--builder', '--annotation', '--call']),
  },
  boolean: {
    '-q': '--quiet',
    ...long(['--no-cache', '--pull', '--quiet', '--rm', '--force-rm', '--squash', '--compress',
      '--load', '--push', '--disable-content-trust', '--check']),
  },
  stopAtFirstOperand: false,
};

/** Every `docker build` flag the reader knows (canonical names), and whether it takes a value. */
export const BUILD_FLAG_NAMES: readonly { name: string; valued: boolean }[] = [
  ...new Set(Object.values(BUILD.valued)),
].map((name) => ({ name, valued: true })).concat([...new Set(Object.values(BUILD.boolean))].map((name) => ({ name, valued: false })));

const CONTAINER: FlagTable = {
  valued: {
    '-e': '--env', '-v': '--volume', '-w': '--workdir', '-u': '--user', '-p': '--publish',
    '-l': '--label', '-h': '--hostname', '-m': '--memory', '--net': '--network',
    ...long(['--name', '--env', '--env-file', '--volume', '--workdir', '--entrypoint', '--user',
      '--network', '--publish', '--mount', '--platform', '--label', '--hostname', '--add-host',
      '--memory', '--cpus', '--restart', '--log-driver', '--log-opt', '--tmpfs', '--device',
      '--cap-add', '--cap-drop', '--security-opt', '--ulimit', '--pull', '--expose', '--link',
      '--dns', '--ipc', '--pid', '--group-add', '--stop-signal', '--volumes-from', '--cidfile',
      '--shm-size', '--runtime', '--gpus', '--label-file', '--user-ns', '--userns', '--uts',
      '--health-cmd', '--stop-timeout', '--detach-keys', '--attach', '--mac-address', '--ip']),
  },
  boolean: {
    '-d': '--detach', '-i': '--interactive', '-t': '--tty', '-P': '--publish-all', '-q': '--quiet',
    ...long(['--rm', '--detach', '--interactive', '--tty', '--init', '--privileged', '--read-only',
      '--publish-all', '--no-healthcheck', '--quiet', '--sig-proxy', '--oom-kill-disable']),
  },
  stopAtFirstOperand: true,
};

const CP: FlagTable = {
  valued: {},
  boolean: { '-a': '--archive', '-L': '--follow-link', '-q': '--quiet', ...long(['--archive', '--follow-link', '--quiet']) },
  stopAtFirstOperand: false,
};

const RM: FlagTable = {
  valued: {},
  boolean: { '-f': '--force', '-v': '--volumes', '-l': '--link', ...long(['--force', '--volumes', '--link', '--no-prune']) },
  stopAtFirstOperand: false,
};

const PLAIN: FlagTable = { valued: {}, boolean: {}, stopAtFirstOperand: false };

const STOP: FlagTable = { valued: { '-t': '--time', '-s': '--signal', ...long(['--time', '--timeout', '--signal']) }, boolean: {}, stopAtFirstOperand: false };

const START: FlagTable = {
  valued: { ...long(['--detach-keys', '--checkpoint', '--checkpoint-dir']) },
  boolean: { '-a': '--attach', '-i': '--interactive', ...long(['--attach', '--interactive']) },
  stopAtFirstOperand: false,
};

/** docker subcommand spellings → verb and the flag table that reads them. */
const SUBCOMMANDS: Record<string, [Verb, FlagTable]> = {
  build: ['build', BUILD], 'image build': ['build', BUILD], 'buildx build': ['build', BUILD], 'builder build': ['build', BUILD],
  create: ['create', CONTAINER], 'container create': ['create', CONTAINER],
  run: ['run', CONTAINER], 'container run': ['run', CONTAINER],
  start: ['start', START], 'container start': ['start', START],
  stop: ['stop', STOP], 'container stop': ['stop', STOP],
  kill: ['kill', STOP], 'container kill': ['kill', STOP],
  cp: ['cp', CP], 'container cp': ['cp', CP],
  rm: ['rm', RM], 'container rm': ['rm', RM],
  rmi: ['rmi', RM], 'image rm': ['rmi', RM], 'image remove': ['rmi', RM],
  tag: ['tag', PLAIN], 'image tag': ['tag', PLAIN],
  push: ['push', PLAIN], 'image push': ['push', PLAIN],
};

/** True when the command's program is docker (or a path to it). */
export function isDockerProgram(word: Word | undefined): boolean {
  const v = word?.value;
  return v != null && (v === 'docker' || v.endsWith('/docker'));
}

/**
 * Wrappers the docker model reads through: they run docker as it is, only as another user
 * (`sudo`), at another priority (`nice`), with variables set (`env`), bypassing a shell
 * function named docker (`command`, `env`), within a time limit (`timeout`), timed (`time`, or
 * `time -p`: the shell's keyword and GNU time both print the times on standard error and exit
 * with docker's status), or in place of the shell (`exec`, first: nothing after it runs). Every
 * docker command of a setup must run through the same ones, but for those that only time it or
 * bypass a function (which COMMAND_SHADOWED already refuses), and `exec`, which only the final
 * build may have (src/plan/wrapped-docker.ts); the commands the migration keeps or writes keep
 * them. Others are not read through: `nohup`, `time` with GNU time's other options (bash's
 * keyword would run the option as the program), `exec` with options, and those whose options the
 * tool cannot read (./wrappers.ts).
 */
const READ_THROUGH = new Set(['sudo', 'nice', 'env', 'command', 'timeout', 'time', 'exec']);

/**
 * Whether the wrapper span is `env` with `NAME=value` words alone, all known before the run
 * (`env DOCKER_BUILDKIT=0 docker build …`): docker then runs with those variables set and
 * nothing else changed, exactly as `DOCKER_BUILDKIT=0 docker build …` would (the variables are
 * judged with the command's own assignments: dockerEnvironment).
 */
export function isEnvironmentSpan(words: readonly Word[], span: { name: string; start: number; end: number | null }): boolean {
  if (span.name !== 'env' || span.end === null || span.end === span.start + 1) return false;
  return words.slice(span.start + 1, span.end).every((w) => w.value !== null && ASSIGNMENT.test(w.value));
}

/**
 * Where docker starts in `words`: 0 when it is the program, the index past wrappers it is read
 * through (above), or null. Read through only when every wrapper word is static, `command` has
 * no option (`-v` looks docker up, `-p` may find another), `time` none but `-p`, and no variable set for docker by a
 * wrapper is one docker or the build reads itself (`sudo DOCKER_HOST=…`, `BUILDX_*`,
 * `BUILDKIT_*`, `env -u DOCKER_CONFIG`), but by an `env` of assignments alone, which the plan
 * judges as it does assignments written before the program (dockerEnvironment).
 */
export function dockerAt(words: readonly Word[]): number | null {
  if (isDockerProgram(words[0])) return 0;
  const spans = wrapperSpans(words);
  const at = spans[spans.length - 1]?.end;
  if (at == null || !isDockerProgram(words[at])) return null;
  for (const span of spans) {
    const { name, start, end } = span;
    if (!READ_THROUGH.has(name)) return null;
    // exec is the shell's own, so it comes first; `exec -a NAME`, `-c`, `-l` change docker's name or environment.
    if (name === 'exec' && (start !== 0 || end !== start + 1)) return null;
    if (isEnvironmentSpan(words, span)) continue;
    for (const w of words.slice(start + 1, end!)) {
      const v = w.value;
      if (v === null || (name === 'command' && v.startsWith('-')) || (name === 'time' && v !== '-p')) return null;
      // A variable docker or the build reads, set or unset for docker alone.
      if (/^(DOCKER|BUILDX|BUILDKIT)_/.test(v) || (name === 'env' && /^-(u|-unset)/.test(v))) return null;
    }
  }
  return at;
}

/** The variables an `env` of assignments alone sets for docker in `cmd` (a part of dockerEnvironment). */
export function wrapperEnvironment(cmd: ScriptCommand): ReadonlyMap<string, string> {
  const at = dockerInvocation(cmd)?.at ?? 0;
  if (at === 0) return EMPTY_ENV as ReadonlyMap<string, string>;
  const env = new Map<string, string>();
  for (const s of wrapperSpans(cmd.words.slice(0, at)).filter((x) => isEnvironmentSpan(cmd.words, x))) {
    for (const w of cmd.words.slice(s.start + 1, s.end!)) {
      const eq = w.value!.indexOf('=');
      env.set(w.value!.slice(0, eq), w.value!.slice(eq + 1));
    }
  }
  return env;
}

/**
 * The variables set for docker alone by `cmd`: its own assignments (`DOCKER_BUILDKIT=0 docker
 * build …`), then those of an `env` of assignments alone it runs docker through (`env
 * DOCKER_BUILDKIT=0 docker build …`), the later winning as env would have it. Script variables
 * are not in it (a command's `vars`).
 */
export function dockerEnvironment(cmd: ScriptCommand): ReadonlyMap<string, string | null> {
  const wrapped = wrapperEnvironment(cmd);
  if (wrapped.size === 0) return cmd.env ?? EMPTY_ENV;
  return new Map<string, string | null>([...(cmd.env ?? []), ...wrapped]);
}

/** The value docker sees of a variable in `cmd`: set for it alone (dockerEnvironment), else the script's (or step's) variable; undefined when unset, null when only known at run time. */
export function dockerVariable(cmd: ScriptCommand, name: string): string | null | undefined {
  const env = dockerEnvironment(cmd);
  if (env.has(name)) return env.get(name)!;
  return cmd.vars.has(name) ? cmd.vars.get(name)! : undefined;
}

const EMPTY_ENV: ReadonlyMap<string, string | null> = new Map();

const parsed = new WeakMap<ScriptCommand, DockerInvocation | null>();

/**
 * parseDockerCommand, read once per command: the linker reads every command of every sequence
 * it belongs to (a Makefile target and each target that depends on it), and the planner reads
 * them again. Invocations are never modified after parsing, so sharing them is safe.
 */
export function dockerInvocation(cmd: ScriptCommand): DockerInvocation | null {
  let inv = parsed.get(cmd);
  if (inv === undefined) {
    inv = parseDockerCommand(cmd);
    parsed.set(cmd, inv);
  }
  return inv;
}

/** The invocation read for `cmd` so far (undefined: not read yet), so a worker thread can send it with the command. */
export function cachedInvocation(cmd: ScriptCommand): DockerInvocation | null | undefined {
  return parsed.get(cmd);
}

/** Records what another thread read for `cmd` (src/analyze/transfer.ts), keeping the setups' invocations the ones the planner reads. */
export function primeInvocation(cmd: ScriptCommand, inv: DockerInvocation | null): void {
  parsed.set(cmd, inv);
}

/** Global docker flags that take the next word as their value (`docker -H tcp://host build`). */
const VALUED_GLOBAL = /^--(context|host|config|log-level|tlscacert|tlscert|tlskey)$|^-[Hcl]$/;

/** The index of the first word after the global flags that follow `docker` (at `at`). */
function globalFlagsEnd(words: readonly Word[], at: number): number {
  let i = at + 1;
  while (i < words.length && words[i]!.value?.startsWith('-')) i += VALUED_GLOBAL.test(words[i]!.value!) ? 2 : 1;
  return i;
}

/**
 * The global flags of an invocation (`docker --context ci build …`: `--context ci`), each as its
 * words' values joined by a space. A word only known at run time is its key for words that surely
 * expand alike (Word.same), or, without one, a text no other flag has.
 */
export function globalFlags(inv: DockerInvocation): string[] {
  const words = inv.cmd.words;
  const at = inv.at ?? 0;
  const end = globalFlagsEnd(words, at);
  const out: string[] = [];
  const show = (w: Word | undefined) => (w === undefined ? '' : (w.value ?? (typeof w.same === 'string' ? `\u0000${w.same}` : `\u0000${inv.cmd.file}:${w.start}`)));
  for (let i = at + 1; i < end; i++) {
    const name = words[i]!.value!;
    out.push(VALUED_GLOBAL.test(name) ? `${name} ${show(words[++i])}` : name);
  }
  return out;
}

/** Reads a script command as a docker invocation, or returns null when it is not one. */
export function parseDockerCommand(cmd: ScriptCommand): DockerInvocation | null {
  const words = cmd.words;
  const at = dockerAt(words);
  if (at === null) return null;
  // Global flags before the subcommand are rare in scripts; skip the common ones.
  let i = globalFlagsEnd(words, at);
  const first = words[i]?.value ?? null;
  const second = words[i + 1]?.value ?? null;
  let verb: Verb = 'other';
  let table: FlagTable = PLAIN;
  let verbIndex = i;
  const two = first !== null && second !== null ? SUBCOMMANDS[`${first} ${second}`] : undefined;
  const one = first !== null ? SUBCOMMANDS[first] : undefined;
  if (two) {
    [verb, table] = two;
    verbIndex = i + 1;
  } else if (one) {
    [verb, table] = one;
  }
  const inv: DockerInvocation = { cmd, verb, verbIndex, flags: [], operands: [], unknownFlags: [], ...(at > 0 ? { at } : {}) };
  if (verb === 'other') return inv;

  for (let k = verbIndex + 1; k < words.length; k++) {
    const w = words[k]!;
    const v = w.value;
    const isFlag = (v ?? w.staticPrefix).startsWith('-') && v !== '-' && (v ?? w.staticPrefix) !== '';
    if (!isFlag || (table.stopAtFirstOperand && inv.operands.length > 0)) {
      inv.operands.push({ word: w, index: k });
      continue;
    }
    if (v === '--') {
      for (let r = k + 1; r < words.length; r++) inv.operands.push({ word: words[r]!, index: r });
      break;
    }
    const text = v ?? w.staticPrefix;
    const eq = text.indexOf('=');
    if (text.startsWith('--') && eq > 0) {
      const name = text.slice(0, eq);
      const canonical = table.valued[name] ?? table.boolean[name];
      if (!canonical) inv.unknownFlags.push(w);
      inv.flags.push({ name: canonical ?? name, value: sliceWord(w, eq + 1), wordIndex: k, wordCount: 1 });
      continue;
    }
    if (table.valued[text]) {
      const next = words[k + 1];
      inv.flags.push({ name: table.valued[text]!, value: next ?? null, wordIndex: k, wordCount: next ? 2 : 1 });
      k++;
      continue;
    }
    if (table.boolean[text]) {
      inv.flags.push({ name: table.boolean[text]!, value: null, wordIndex: k, wordCount: 1 });
      continue;
    }
    // Short forms: attached value (-tapp:1) or bundled booleans (-it).
    if (/^-[A-Za-z]/.test(text) && !text.startsWith('--')) {
      const short = text.slice(0, 2);
      if (table.valued[short]) {
        inv.flags.push({ name: table.valued[short]!, value: sliceWord(w, 2), wordIndex: k, wordCount: 1 });
        continue;
      }
      const letters = text.slice(1).split('');
      if (letters.every((l) => table.boolean[`-${l}`])) {
        for (const l of letters) inv.flags.push({ name: table.boolean[`-${l}`]!, value: null, wordIndex: k, wordCount: 1 });
        continue;
      }
    }
    inv.unknownFlags.push(w);
    inv.flags.push({ name: text, value: null, wordIndex: k, wordCount: 1 });
  }
  // Each list at its length: pushing leaves room for 17 elements, and a sweep keeps every
  // setup's invocations until the plan is made.
  inv.flags = exactList(inv.flags);
  inv.operands = exactList(inv.operands);
  inv.unknownFlags = exactList(inv.unknownFlags);
  return inv;
}

/**
 * A word for the part of `w` after `offset` characters of its static text (`--tag=x` → `x`).
 * Its raw text is only exact when the flag was written unquoted; callers that re-emit
 * source text use the whole flag's words instead.
 */
function sliceWord(w: Word, offset: number): Word {
  const head = w.staticPrefix.slice(0, offset);
  const quote = w.raw.startsWith(head) ? 0 : 1;
  const rawOffset = Math.min(w.raw.length, quote + offset);
  return {
    value: w.value === null ? null : w.value.slice(offset),
    symbol: w.symbol.slice(offset),
    staticPrefix: w.staticPrefix.slice(offset),
    raw: w.raw.slice(rawOffset),
    start: w.start + rawOffset,
    end: w.end,
  };
}

export function flagValues(inv: DockerInvocation, name: string): Word[] {
  return inv.flags.filter((f) => f.name === name && f.value).map((f) => f.value!);
}

export function hasFlag(inv: DockerInvocation, name: string): boolean {
  return inv.flags.some((f) => f.name === name);
}
