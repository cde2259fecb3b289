/**
 * Which assignment a shell variable's value comes from at each point of the walk, so two words
 * whose value is only known at run time can still be proven to expand to the same text: the
 * same variables, read at the same assignments, with the same static text around them
 * (`docker build -t "$TAG"` and `docker create "$TAG"` with no assignment to TAG between).
 *
 * Every assignment the walk follows gives the variable a new version. Whatever may assign
 * variables the walk does not follow (`read`, `eval`, `source`, a call of a function of the
 * script, `declare -n`, an arithmetic command, a `DEBUG`/`ERR`/`RETURN` trap…) gives every
 * variable a new version: no word read before it is then the same as one read after it.
 *
 * Each variable also carries its *fallback*: the value it has when the environment sets none
 * of the variables the script did not assign itself (`TAG=${TAG:-app-build}` falls back to
 * `app-build`), or null when not known; that is the name a literal word would have to spell to
 * name the same image.
 */

/**
 * Version ids are `<seed>.<n>`: a reading's seed names it (a snippet of a CI file is seeded by
 * its file and place, so reading it again gives the same ids), or is unique in the process;
 * either way two separate readings never share an id.
 */
let readings = 0;
export const newSeed = () => `r${++readings}`;

export interface VarVersion {
  id: string;
  fallback: string | null;
  /** The fallback '' is the variable unset (inherited, never assigned), not set empty: `${NAME-default}` then gives the default. */
  unset?: true;
  /**
   * PATH only, for a value that begins with the one before it, folders only appended after it
   * (`export PATH="$PATH:/opt/bin"`, or `export PATH` alone): this version's id, then those
   * (pathChain).
   */
  chain?: readonly string[];
}

export interface Versions {
  of: Map<string, VarVersion>;
  /** The version of every variable not in `of`: those the script inherited. */
  base: string;
  /** Whether an inherited variable falls back to unset (false after a step that may assign anything). */
  baseUnset: boolean;
  /** Variables the script exports itself (`export NAME`, `declare -x NAME`): programs it runs see them. */
  exported: Set<string>;
  /** Names the first reading started with (a CI `env:`, a Makefile's variables): exported, and not unset. */
  inherited: ReadonlySet<string>;
  /** `set -a` (`set -o allexport`) is in effect: every variable assigned from here on is exported. */
  allExport?: boolean;
  seed: string;
  /** Shared by the copies of one reading, so its ids never repeat (and the PATH chains of its base versions, pathChain). */
  counter: { n: number; chains?: Map<string, readonly string[]> };
}

const fresh = (v: Versions) => `${v.seed}.${++v.counter.n}`;

/** The names a reading that starts with no variables inherits (never added to: `inherited` is read only). */
const NO_NAMES: ReadonlySet<string> = new Set();

export function newVersions(inherited: Iterable<string>, seed: string = newSeed()): Versions {
  const names = Array.isArray(inherited) && inherited.length === 0 ? NO_NAMES : new Set(inherited);
  return { of: new Map(), base: `${seed}.0`, baseUnset: true, exported: new Set(), inherited: names, seed, counter: { n: 0 } };
}

/** A copy for a subshell, a function body or a loop pass: what it assigns or exports stays there. */
export function copyVersions(v: Versions): Versions {
  return { ...v, of: new Map(v.of), exported: new Set(v.exported) };
}

/** Where the next snippet of one shell starts (a GitLab item after the one before): a reading of its own. */
export function continueVersions(v: Versions, seed: string): Versions {
  return { ...copyVersions(v), seed, counter: { n: 0 } };
}

export function versionOf(v: Versions, name: string): VarVersion {
  const own = v.of.get(name);
  if (own) return own;
  return v.baseUnset && !v.inherited.has(name) ? { id: v.base, fallback: '', unset: true } : { id: v.base, fallback: null };
}

/** `appends`: PATH's value begins with the one before, folders only appended after it (VarVersion.chain). */
export function assigned(v: Versions, name: string, fallback: string | null, appends = false): void {
  const id = fresh(v);
  v.of.set(name, appends ? { id, fallback, chain: [id, ...pathChain(v)] } : { id, fallback });
}

/**
 * The PATH the shell searches at this point as versions: its own first, then those whose value
 * it begins with, folders only appended after them (VarVersion.chain). A command found in
 * the PATH of any of them is found in the same folder with this one: the folders appended come
 * after those searched first.
 */
export function pathChain(v: Versions): readonly string[] {
  const own = versionOf(v, 'PATH');
  if (own.chain) return own.chain;
  const chains = (v.counter.chains ??= new Map());
  let chain = chains.get(own.id);
  if (!chain) chains.set(own.id, (chain = [own.id]));
  return chain;
}

/** A step that may assign any variable. */
export function havoc(v: Versions): void {
  v.of.clear();
  v.base = fresh(v);
  v.baseUnset = false;
}

/**
 * Variables whose value changes without an assignment (`$RANDOM`, `$SECONDS`, `$LINENO`…),
 * or that builtins set as they run: a word reading one is never the same twice.
 */
export const VOLATILE = new Set([
  'RANDOM', 'SRANDOM', 'SECONDS', 'LINENO', 'BASHPID', 'EPOCHSECONDS', 'EPOCHREALTIME', 'BASH_COMMAND', 'HISTCMD',
  'PIPESTATUS', 'FUNCNAME', 'BASH_LINENO', 'BASH_SOURCE', 'BASH_ARGC', 'BASH_ARGV', 'BASH_SUBSHELL', 'BASH_REMATCH',
  'OPTIND', 'OPTARG', 'OPTERR', 'REPLY', 'MAPFILE', 'PWD', 'OLDPWD', 'DIRSTACK', 'COLUMNS', 'LINES', 'IFS', '_',
]);

/** Builtins that may assign variables the walk does not follow. */
export const ASSIGNING_BUILTINS = new Set(['read', 'eval', 'source', '.', 'getopts', 'mapfile', 'readarray', 'let', 'declare', 'typeset', 'local', 'export', 'readonly', 'builtin', 'enable']);

/** Signals whose trap runs between the script's own commands (EXIT and the like run when it ends). */
export const MID_SCRIPT_TRAPS = new Set(['DEBUG', 'ERR', 'RETURN']);

/** What opens and closes a variable's part in a word's `same` key: no shell text holds these. */
export const OPEN = '\u0001';
export const CLOSE = '\u0002';

/** The key part of a variable read as `${NAME<op><default>}`, or null when the read may differ each time. */
export function variableKey(v: Versions, name: string, op: string, dflt: string | null): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || VOLATILE.has(name) || dflt === null) return null;
  // `!`: the programs the script runs see the variable (it exports it, or a CI `env:` set it).
  const exported = v.exported.has(name) || v.inherited.has(name) ? EXPORTED : '';
  return `${OPEN}${name}${exported}${ID}${versionOf(v, name).id}${ID}${op}${dflt}${CLOSE}`;
}

export const EXPORTED = '!';
/** Around the version id in a variable's part (ids hold a file's path). */
export const ID = '\u0003';

/** The value `${NAME<op>…}` falls back to (see Versions), given the variable's and the default's. */
export function fallbackOf(own: string | null, op: string, dflt: string | null, unset = false): string | null {
  if (own === null) return null;
  if (op === '') return own;
  // `:-`/`:=`: unset and empty both take the default; `-`/`=`: only unset does, and a fallback '' may be set-but-empty unless it is the variable unset.
  if (op === ':-' || op === ':=') return own === '' ? dflt : own;
  if (op === '-' || op === '=') return own === '' ? (unset ? dflt : null) : own;
  return own === '' ? null : own;
}

/** The variables a key reads, each with the version id it reads (`TAG` at `<id>` of `\u0001TAG\u0003<id>\u0003\u0002`). */
export function keyVersions(key: string): { name: string; id: string }[] {
  const out: { name: string; id: string }[] = [];
  for (let i = key.indexOf(OPEN); i >= 0; i = key.indexOf(OPEN, i + 1)) {
    const m = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*)${EXPORTED}?${ID}([^${ID}]*)${ID}`).exec(key.slice(i + 1));
    if (m) out.push({ name: m[1]!, id: m[2]! });
  }
  return out;
}

/** The variables a key reads (`TAG` of `\u0001TAG\u0003<id>\u0003\u0002`), defaults included, and whether each is exported. */
export function keyVariables(key: string): { name: string; exported: boolean }[] {
  const out: { name: string; exported: boolean }[] = [];
  for (let i = key.indexOf(OPEN); i >= 0; i = key.indexOf(OPEN, i + 1)) {
    const m = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*)(${EXPORTED}?)${ID}`).exec(key.slice(i + 1));
    if (m) out.push({ name: m[1]!, exported: m[2] === EXPORTED });
  }
  return out;
}
