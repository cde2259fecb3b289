/**
 * `docker compose run|up|build SERVICE` (and `docker-compose …`) read as the docker commands
 * they stand for: the service's `build:` becomes a `docker build`, its container (with its
 * `volumes:`, `environment:`, `working_dir:`, `entrypoint:` and `command:`) a `docker run`.
 * The linker then finds setups in them exactly as in scripts that call docker directly. The
 * script keeps its own adapter; a compose command goes from the script when everything it
 * expanded to goes, and the service goes from the compose file (transforms/compose.ts).
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import { readComposeFile, type ComposeFile, type ComposeService } from './hosts/compose-file.js';
import { addTo } from '../model/multimap.js';

export interface ComposeOrigin {
  /** Repository-relative compose file and the service the command was made from. */
  file: string;
  service: string;
  role: 'build' | 'run';
}

/** A compose command as written in the script: which file it reads, which services it names. */
export interface ComposeCall {
  file: string | null;
  subcommand: string;
  /** Services the command names explicitly (it would fail once they are gone). */
  named: string[];
}

export interface ComposeExpansion {
  /** The script as its adapter read it. */
  base: ScriptFile;
  /** Per expanded command: the index of the command as written. */
  baseIndex: number[];
  /** Per expanded command: the service it was made from, or null for a command as written. */
  origin: (ComposeOrigin | null)[];
  /** Compose commands of the script as written, by index. */
  calls: Map<number, ComposeCall>;
  /** Per expanded command: why a setup using it must be refused. */
  problems: Map<number, Diagnostic[]>;
  files: Map<string, ComposeFile>;
}

export type ExpandedScript = ScriptFile & { compose: ComposeExpansion; sequences?: ScriptCommand[][] };

export function isExpanded(script: ScriptFile): script is ExpandedScript {
  return 'compose' in script;
}

/**
 * The names compose looks for in a folder, in compose-go's order of preference (`DefaultFileNames`),
 * and the override files it then merges from the same folder, whichever base name it took
 * (`DefaultOverrideFileNames`). docker-compose v1 and podman-compose prefer (or merge) others.
 */
const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** Index in `words` of the first argument after `docker compose` / `docker-compose`, or -1. */
function composeStart(cmd: ScriptCommand): number {
  const v = cmd.words.map((w) => w.value);
  const prog = v[0] ?? '';
  if (prog === 'docker-compose' || prog.endsWith('/docker-compose')) return 1;
  if ((prog === 'docker' || prog.endsWith('/docker')) && v[1] === 'compose') return 2;
  return -1;
}

interface Flags {
  valued: Set<string>;
  boolean: Set<string>;
  /** Flags whose effect cannot be reproduced: the command is refused when they appear. */
  refused: Set<string>;
}
const set = (s: string) => new Set(s.split(' '));
const GLOBAL: Flags = {
  valued: set('-f --file -p --project-name --ansi --progress --env-file --profile --parallel'),
  boolean: set('--no-ansi --verbose --compatibility --dry-run'),
  refused: set('--project-directory -H --host --context -c'),
};
const SUB: Record<string, Flags> = {
  run: {
    valued: set('-e --env -w --workdir --entrypoint --name -p --publish -l --label --pull'),
    boolean: set('--rm -T --no-TTY --no-deps --build --service-ports --use-aliases --quiet-pull --remove-orphans -i --interactive -t --tty'),
    refused: set('-d --detach -u --user -v --volume --cap-add --cap-drop'),
  },
  up: {
    valued: set('--exit-code-from -t --timeout --attach --no-attach --pull'),
    boolean: set('--build --no-build --abort-on-container-exit --no-deps --remove-orphans --force-recreate --no-recreate --no-color --quiet-pull --no-log-prefix --always-recreate-deps -V --renew-anon-volumes --attach-dependencies'),
    refused: set('-d --detach --wait --no-start --scale'),
  },
  build: {
    valued: set('--progress'),
    boolean: set('--no-cache --pull -q --quiet --parallel --compress --force-rm --no-rm'),
    refused: set('--build-arg --ssh -m --memory --push --builder'),
  },
};

/** Refused flags that take a value. */
const REFUSED_VALUED = set('--project-directory -H --host --context -c -u --user -v --volume --cap-add --cap-drop --scale --build-arg --ssh -m --memory --builder');

interface ReadFlags {
  /** Flag values; null when only known at run time. */
  values: Map<string, (string | null)[]>;
  next: number;
  /** A flag whose effect cannot be reproduced, or an unknown one. */
  problem: string | null;
  /** A word only known at run time where a flag could be: what follows cannot be read. */
  dynamic: string | null;
}

/** Reads flags from word `i` on; stops at the first operand. */
function readFlags(words: Word[], i: number, table: Flags): ReadFlags {
  const values = new Map<string, (string | null)[]>();
  let problem: string | null = null;
  const put = (k: string, v: string | null) => addTo(values, k, v);
  for (; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === null) {
      if (words[i]!.staticPrefix.startsWith('-')) return { values, next: i, problem, dynamic: `\`${words[i]!.raw}\` is only known at run time` };
      break;
    }
    if (!v.startsWith('-') || v === '-') break;
    const eq = v.indexOf('=');
    const name = v.startsWith('--') && eq > 0 ? v.slice(0, eq) : v;
    if (table.refused.has(name)) {
      // Read on past it (its value too), so the service is still found and the setup refused.
      problem ??= `\`${v}\` is not supported`;
      if (REFUSED_VALUED.has(name) && !(eq > 0 && v.startsWith('--'))) i++;
      continue;
    }
    if (table.valued.has(name)) {
      if (eq > 0 && v.startsWith('--')) put(name, v.slice(eq + 1));
      else {
        if (i + 1 >= words.length) return { values, next: i + 1, problem: problem ?? `\`${v}\` has no value`, dynamic: null };
        put(name, words[i + 1]!.value);
        i++;
      }
      continue;
    }
    if (table.boolean.has(name)) {
      put(name, '');
      continue;
    }
    return { values, next: i, problem: `\`${v}\` is not a flag the tool knows`, dynamic: null };
  }
  return { values, next: i, problem, dynamic: null };
}

/**
 * Replaces each compose command of `script` with the docker commands it stands for. Returns
 * the script itself when it has none.
 */
export function expandCompose(script: ScriptFile, fs: RepoFs, diagnostics: Diagnostic[]): ScriptFile {
  if (!script.commands.some((c) => composeStart(c) >= 0)) return script;
  const expansion: ComposeExpansion = { base: script, baseIndex: [], origin: [], calls: new Map(), problems: new Map(), files: new Map() };
  const commands: ScriptCommand[] = [];
  const replaced = new Map<ScriptCommand, ScriptCommand[]>();
  const built = new Set<string>();
  const load = (rel: string): ComposeFile | null => {
    if (!expansion.files.has(rel)) {
      const text = fs.readText(rel);
      if (text !== null) expansion.files.set(rel, readComposeFile(rel, text));
    }
    return expansion.files.get(rel) ?? null;
  };

  for (const cmd of script.commands) {
    const start = composeStart(cmd);
    if (start < 0) {
      const c = { ...cmd, index: commands.length };
      expansion.baseIndex.push(cmd.index);
      expansion.origin.push(null);
      commands.push(c);
      replaced.set(cmd, [c]);
      continue;
    }
    const made = expandOne(cmd, start, fs, load, built, diagnostics);
    if (made.call) expansion.calls.set(cmd.index, made.call);
    const mine: ScriptCommand[] = [];
    for (const m of made.commands) {
      const c = { ...m.cmd, index: commands.length };
      expansion.baseIndex.push(cmd.index);
      expansion.origin.push(m.origin);
      if (m.problems.length > 0) expansion.problems.set(c.index, m.problems);
      commands.push(c);
      mine.push(c);
    }
    if (made.commands.length === 0) {
      // Not expanded (another subcommand, or unreadable): it stays as written.
      const c = { ...cmd, index: commands.length };
      expansion.baseIndex.push(cmd.index);
      expansion.origin.push(null);
      commands.push(c);
      mine.push(c);
    }
    replaced.set(cmd, mine);
  }
  // The rest of the model points at commands by index: remap pipes.
  for (const c of commands) {
    if (c.stdout?.kind === 'pipe') c.stdout = { ...c.stdout, to: replaced.get(script.commands[c.stdout.to]!)?.[0]?.index ?? c.stdout.to };
    if (c.stdinFrom !== null) c.stdinFrom = replaced.get(script.commands[c.stdinFrom]!)?.at(-1)?.index ?? c.stdinFrom;
  }
  const out: ExpandedScript = { ...script, commands, compose: expansion };
  const seqs = (script as { sequences?: ScriptCommand[][] }).sequences;
  if (seqs) out.sequences = seqs.map((seq) => seq.flatMap((c) => replaced.get(c) ?? []));
  return out;
}

interface Made {
  call: ComposeCall | null;
  commands: { cmd: ScriptCommand; origin: ComposeOrigin; problems: Diagnostic[] }[];
}

function expandOne(cmd: ScriptCommand, start: number, fs: RepoFs, load: (rel: string) => ComposeFile | null, built: Set<string>, diagnostics: Diagnostic[]): Made {
  const words = cmd.words;
  const where = { file: cmd.file, line: cmd.line };
  const refuseAll: Diagnostic[] = [];
  const g = readFlags(words, start, GLOBAL);
  const none: Made = { call: null, commands: [] };
  const notAnalysed = (why: string, hint: string) => {
    diagnostics.push(diag('COMPOSE_DYNAMIC', 'warning', `\`${shownCommand(cmd)}\`: ${why}; it was not analysed`, { ...where, hint }));
    return none;
  };
  if (g.problem) refuseAll.push(diag('COMPOSE_UNSUPPORTED', 'error', `\`${shownCommand(cmd)}\`: ${g.problem}`, { ...where, hint: 'Migrate this setup by hand.' }));
  if (g.dynamic) return notAnalysed(g.dynamic, 'Write the compose flags literally.');
  const sub = words[g.next]?.value ?? null;
  // COMPOSE_FILE set by the script names the files as -f does.
  const fromEnv = cmd.vars.get('COMPOSE_FILE');
  if (fromEnv === null || [...g.values.values()].flat().some((v) => v === null)) return notAnalysed('the compose file or project is only known at run time', 'Name the compose file literally.');
  if (cmd.cwd === null) {
    diagnostics.push(diag('COMPOSE_DYNAMIC', 'warning', `\`${shownCommand(cmd)}\` runs in a folder only known at run time, so its compose file is unknown; it was not analysed`, { ...where, hint: 'Run compose from a folder the script states (cd to a literal path).' }));
    return none;
  }
  // The compose file: -f, else the first default name in the folder or the nearest folder above.
  const files = [...(g.values.get('-f') ?? []), ...(g.values.get('--file') ?? [])] as string[];
  if (files.length === 0 && fromEnv) files.push(...fromEnv.split(':'));
  let file: string | null = null;
  if (files.length > 1) refuseAll.push(diag('COMPOSE_UNSUPPORTED', 'error', `\`${shownCommand(cmd)}\` merges ${files.length} compose files`, { ...where, hint: 'Migrate this setup by hand.' }));
  if (files.length > 0) file = files[0] === '-' ? null : path.normalize(cmd.cwd === '' ? files[0]! : `${cmd.cwd}/${files[0]}`);
  else {
    for (let dir: string | null = cmd.cwd; dir !== null && file === null; dir = dir === '' ? null : path.dirname(dir) === '.' ? '' : path.dirname(dir)) {
      const inDir = (names: string[]) => names.map((n) => (dir === '' ? n : `${dir}/${n}`)).filter((p) => fs.kind(p) === 'file');
      const found = inDir(DEFAULT_FILES);
      if (found.length > 0) {
        file = found[0]!;
        // Which one runs depends on the compose (v2 takes the first, with a warning; v1 and podman-compose otherwise).
        if (found.length > 1) refuseAll.push(diag('COMPOSE_UNSUPPORTED', 'error', `\`${shownCommand(cmd)}\` finds ${found.join(' and ')}: which one compose reads (or whether it merges them) depends on its version`, { ...where, hint: `Keep one of them (docker compose v2 reads ${found[0]}), or name it with -f; or migrate this setup by hand.` }));
        const override = inDir(OVERRIDE_FILES)[0];
        if (override) refuseAll.push(diag('COMPOSE_UNSUPPORTED', 'error', `compose merges ${override} into ${file}, which the tool does not do`, { ...where, hint: 'Migrate this setup by hand.' }));
      }
    }
  }
  // Compose reads COMPOSE_* settings from the project's `.env` too (COMPOSE_FILE, COMPOSE_PROFILES…):
  // the files and services it then uses are not the ones read here.
  if (file !== null) {
    for (const dir of new Set([cmd.cwd, path.dirname(file) === '.' ? '' : path.dirname(file)])) {
      const envFile = dir === '' ? '.env' : `${dir}/.env`;
      const setting = fs.kind(envFile) === 'file' ? /^\s*(?:export\s+)?(COMPOSE_[A-Z_]+)\s*=/m.exec(fs.readText(envFile) ?? '') : null;
      if (setting) refuseAll.push(diag('COMPOSE_UNSUPPORTED', 'error', `\`${shownCommand(cmd)}\`: ${envFile} sets ${setting[1]}, which compose reads as its own setting (the files, profiles or project it uses)`, { ...where, hint: 'Set it in the script or with compose flags the tool reads, or migrate this setup by hand.' }));
    }
  }
  const compose = file === null ? null : load(file);
  if (sub === null || !compose) {
    if (sub === 'run' || sub === 'up' || sub === 'build') {
      diagnostics.push(diag('COMPOSE_DYNAMIC', 'warning', `\`${shownCommand(cmd)}\`: ${file === null ? 'no compose file is found for it' : `${file} cannot be read`}; it was not analysed`, { ...where, hint: 'Name the compose file with -f, or check it exists.' }));
    }
    return none;
  }
  const call: ComposeCall = { file: compose.path, subcommand: sub, named: [] };
  const table = SUB[sub];
  if (!table) {
    // Other subcommands (down, rm, logs, exec…) are not expanded; note which services they name.
    call.named = words.slice(g.next + 1).map((w) => w.value ?? '').filter((v) => compose.services.has(v) || compose.services.has(v.split(':')[0]!));
    call.named = call.named.map((v) => (compose.services.has(v) ? v : v.split(':')[0]!));
    return { call, commands: [] };
  }
  const f = readFlags(words, g.next + 1, table);
  if (f.problem) refuseAll.push(diag('COMPOSE_UNSUPPORTED', 'error', `\`${shownCommand(cmd)}\`: ${f.problem}`, { ...where, hint: 'Migrate this setup by hand.' }));
  if (f.dynamic) return notAnalysed(f.dynamic, 'Write the compose flags literally.');
  for (const [k, vs] of f.values) {
    for (const v of vs) {
      const passThrough = (k === '-e' || k === '--env') && v !== null && !v.includes('=');
      if (v === null || passThrough) refuseAll.push(diag('COMPOSE_DYNAMIC', 'error', `\`${shownCommand(cmd)}\`: the value of ${k} is only known at run time`, { ...where, hint: 'Give the value literally.' }));
    }
  }
  const operands = words.slice(f.next);
  if (operands.some((w) => w.value === null) && sub !== 'run') {
    diagnostics.push(diag('COMPOSE_DYNAMIC', 'warning', `\`${shownCommand(cmd)}\` names services only known at run time; it was not analysed`, { ...where, hint: 'Name the services literally.' }));
    return { call, commands: [] };
  }
  const serviceNames = sub === 'run' ? operands.slice(0, 1).map((w) => w.value) : operands.map((w) => w.value);
  if (serviceNames.some((s) => s === null)) {
    diagnostics.push(diag('COMPOSE_DYNAMIC', 'warning', `\`${shownCommand(cmd)}\` runs a service only known at run time; it was not analysed`, { ...where, hint: 'Name the service literally.' }));
    return { call, commands: [] };
  }
  call.named = serviceNames as string[];
  const services: ComposeService[] = [];
  for (const n of call.named) {
    const s = compose.services.get(n);
    if (!s) {
      diagnostics.push(diag('COMPOSE_UNSUPPORTED', 'warning', `\`${shownCommand(cmd)}\`: ${compose.path} has no service ${n}; it was not analysed`, { ...where, hint: 'Check the service name.' }));
      return { call, commands: [] };
    }
    services.push(s);
  }
  // `build` and `up` with no service name act on every service.
  if (call.named.length === 0 && sub !== 'run') services.push(...compose.services.values());

  const made: Made = { call, commands: [] };
  const base = (problems: Diagnostic[]) => [...compose.problems, ...refuseAll, ...problems];
  const synth = (s: ComposeService, role: 'build' | 'run', values: string[], problems: Diagnostic[]) => {
    made.commands.push({ cmd: synthetic(cmd, compose.dir, values), origin: { file: compose.path, service: s.name, role }, problems: base(problems) });
  };
  // Compose tags a service's build `<project>-<service>` (`_` in compose v1 and podman-compose); where
  // the project is the checkout's folder, its name is not known here (src/plan/tag-mentions.ts).
  const project = projectName(g.values, cmd, compose);
  const named = (s: ComposeService) => (project !== null && /^[a-z0-9][a-z0-9_.-]*$/.test(s.name) ? [`${project}-${s.name}`, `${project}_${s.name}`] : null);
  const image = (s: ComposeService) => s.image ?? named(s)?.[0] ?? `compose-service:${s.name}`;
  const needed = (s: ComposeService) =>
    s.neededBy.length > 0 ? [diag('COMPOSE_SERVICE_USED', 'error', `service ${s.name} is needed by ${s.neededBy.map((n) => `service ${n}`).join(', ')} in ${compose.path}`, { file: compose.path, line: s.line, hint: 'Only a builder service nothing else depends on can be folded into the Dockerfile; migrate by hand.' })] : [];
  const buildOf = (s: ComposeService) => {
    const b = s.build!;
    const rel = (p: string) => path.relative(compose.dir || '.', p || '.') || '.';
    const values = ['docker', 'build', '-t', image(s), ...(s.image === null && named(s) ? ['-t', named(s)![1]!] : []), '-f', rel(b.dockerfile)];
    if (b.target) values.push('--target', b.target);
    for (const [k, v] of b.args) values.push('--build-arg', `${k}=${v}`);
    if (sub === 'build' && f.values.has('--no-cache')) values.push('--no-cache');
    values.push(rel(b.context));
    built.add(`${compose.path}#${s.name}`);
    synth(s, 'build', values, [...s.buildProblems, ...needed(s)]);
  };
  for (const s of services) {
    // Compose builds an image that is missing (or with --build); a service without `build:` pulls its image.
    if (s.build && (sub === 'build' || f.values.has('--build') || !built.has(`${compose.path}#${s.name}`))) buildOf(s);
  }
  if (sub === 'build') return made;

  for (const s of services) {
    const values = ['docker', 'run'];
    // A container compose keeps by a known name can be copied from; otherwise nothing can reach it again.
    const keep = sub === 'up' && s.containerName !== null;
    if (keep) values.push('--name', s.containerName!);
    else values.push('--rm');
    for (const v of s.volumes) values.push('-v', v);
    const env = new Map(s.environment);
    for (const e of [...(f.values.get('-e') ?? []), ...(f.values.get('--env') ?? [])]) if (e?.includes('=')) env.set(e.split('=')[0]!, e.slice(e.indexOf('=') + 1));
    const problems = [...s.runProblems, ...needed(s)];
    for (const [k, v] of env) values.push('-e', `${k}=${v}`);
    const wd = f.values.get('-w')?.at(-1) ?? f.values.get('--workdir')?.at(-1) ?? s.workingDir;
    if (wd) values.push('-w', wd);
    const ep = f.values.get('--entrypoint')?.at(-1);
    const entrypoint = ep != null ? [ep] : s.entrypoint;
    if (entrypoint && entrypoint.length > 0) values.push('--entrypoint', entrypoint[0]!);
    values.push(image(s));
    if (entrypoint) values.push(...entrypoint.slice(1));
    const given = sub === 'run' ? operands.slice(1) : [];
    if (given.some((w) => w.value === null)) problems.push(diag('COMPOSE_DYNAMIC', 'error', `the command \`${shownCommand(cmd)}\` runs is only known at run time`, { ...where, hint: 'Write the command literally.' }));
    if (given.length > 0) values.push(...given.map((w) => w.value ?? ''));
    else if (s.command) values.push(...s.command);
    synth(s, 'run', values, problems);
  }
  return made;
}


/**
 * Compose's project name, as compose-go chooses it: `-p`, else COMPOSE_PROJECT_NAME, else the
 * file's `name:`, else the project folder's name, normalised (lower case, only `a-z0-9_-`, no
 * leading `_`/`-`). Null when it is only known at run time or is the checkout's own folder.
 */
function projectName(values: Map<string, (string | null)[]>, cmd: ScriptCommand, compose: ComposeFile): string | null {
  const given = values.get('-p')?.at(-1) ?? values.get('--project-name')?.at(-1);
  const env = cmd.vars.get('COMPOSE_PROJECT_NAME');
  const raw = given !== undefined ? given : env !== undefined && env !== '' ? env : compose.name !== null ? compose.name : compose.dir === '' ? null : path.basename(compose.dir);
  if (raw === null || raw === undefined) return null;
  const name = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
  return name === '' ? null : name;
}

/** A command made from a compose service: its words have the values compose gives them; it stands where the compose command stands. */
function synthetic(cmd: ScriptCommand, cwd: string, values: string[]): ScriptCommand {
  const word = (value: string): Word => ({ value, symbol: value, staticPrefix: value, raw: value, start: cmd.start, end: cmd.end });
  return { ...cmd, words: values.map(word), redirects: [], cwd, stdout: null, stdinFrom: null };
}

/**
 * Whether `name` is the image compose builds for the service a builder tag stands for
 * (`compose-service:builder`, src/analyze/compose.ts): compose names it after the project (the
 * folder, which both copies keep) and the service, `<project>-builder` (Compose v2) or
 * `<project>_builder` (Compose v1, podman-compose), tagged latest.
 */
export function composeServiceImage(tag: string, name: string): boolean {
  if (!tag.startsWith('compose-service:')) return false;
  const service = tag.slice('compose-service:'.length).toLowerCase();
  const bare = name.replace(/^(?:localhost|docker\.io)\//, '').replace(/:latest$/, '');
  return !bare.includes('/') && (bare.endsWith(`-${service}`) || bare.endsWith(`_${service}`)) && bare.length > service.length + 1;
}
