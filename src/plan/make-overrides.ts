/**
 * A Makefile's builder tag written with Make variables (`-t $(IMAGE):builder`, `IMAGE ?= app`) is
 * read with the values the file gives them, and searched for by that name in the other files
 * (./tag-mentions.ts). A `make` run given another value (`make image IMAGE=relay-ci`, or
 * `IMAGE=relay-ci make image` for a `?=` variable) builds the builder image under another name,
 * which whatever runs after it may use by that name (`docker run relay-ci:builder go test`):
 * the search by the file's value does not find that use.
 *
 * So a `make` anywhere in the scripts the tool reads that sets one of those variables (as an
 * argument or in its environment) keeps the builder build as written: it builds the same image
 * under the same name, whatever the caller sets. (The tool does not follow which Makefile a
 * `make` runs, so any such call counts, which errs towards keeping the build.)
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import { callerScript } from './caller-uses.js';
import { flagValues } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import { keepsBuilderImage, setupCommands, type Setup } from '../model/setup.js';
import { programAt } from '../model/wrappers.js';
import { diag } from '../model/diagnostics.js';
import type { Word } from '../model/script.js';
import { partHolding, type EmbeddedScript, type MakeScript } from '../analyze/embedded.js';
import { runnerFolder, runnerOf, runsFileFrom } from './runner-calls.js';
import { targetCalls } from '../analyze/callers.js';
import { includedBy, isMakeFile, makeTargets } from './make-includes.js';
import { resolveRel } from '../model/paths.js';
import { definedName, holdsIgnoreErrors } from '../analyze/hosts/make-flags.js';

/** A Make variable as the recipe's shell reads it (../analyze/hosts/makefile.ts writes `$(NAME)` as `${NAME}`). */
const MAKE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const MAKES = new Set(['make', 'gmake']);
/** Text that may give make `-i`: an option word holding `i`, `--ignore-errors`, or MAKEFLAGS. */
const IGNORE_ERRORS_TEXT = /\s-[A-Za-z]*i|--ignore-errors|MAKEFLAGS/;
/** Text that may give make a makefile of its own: `-f`, `--file`, `--makefile`, MAKEFILES. */
const MAKE_FILE_TEXT = /\s-f|--file|--makefile|MAKEFILES/;
/** Text that may give make an argument only known at run time (`make image $EXTRA`), which may be an assignment. */
const RUN_TIME_ARGUMENT_TEXT = /\bg?make\b[^\n]*[$`]/;

/** What a `make` command gives the Makefile: the names it sets (its `NAME=value` arguments, MAKEFLAGS's, and its environment, with `stepEnv`, the names its CI step starts with; `exported` those only exported by its shell; `any`: a MAKEFLAGS only known at run time, or a MAKEFILES, which may set any), and whether it runs with `-i`. */
function makeSets(cmd: ScriptCommand, stepEnv: readonly string[] = []): { names: Set<string>; args: Set<string>; exported: Set<string>; ignoreErrors: boolean; any: boolean } | null {
  const { at, known } = programAt(cmd.words);
  const prog = cmd.words[at]?.value;
  if (!known || prog == null || !MAKES.has(path.basename(prog))) return null;
  const names = new Set<string>([...(cmd.env?.keys() ?? []), ...stepEnv]);
  let flags: (string | null)[] = [];
  // (an argument: any assignment make reads, `BIN:=x`, `'BIN ?= x'`; before the program, the shell's `NAME=value`)
  const setting = (w: Word) => definedName(w.value ?? w.raw);
  for (const w of cmd.words.slice(0, at)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.value ?? '');
    if (m) names.add(m[1]!);
  }
  const args = new Set<string>();
  for (const w of cmd.words.slice(at + 1)) {
    const m = setting(w);
    if (m) args.add(m);
  }
  // MAKEFLAGS from its environment or an argument (`MAKEFLAGS=i make`, `make MAKEFLAGS=-i`): its words are options too.
  const makeflags = [cmd.env?.has('MAKEFLAGS') ? cmd.env.get('MAKEFLAGS') : cmd.exported?.includes('MAKEFLAGS') || stepEnv.includes('MAKEFLAGS') ? (cmd.vars.get('MAKEFLAGS') ?? null) : undefined, ...cmd.words.slice(0, at).concat(cmd.words.slice(at + 1)).filter((w) => setting(w) === 'MAKEFLAGS').map((w) => (w.value === null ? null : w.value.slice(w.value.indexOf('=') + 1)))];
  for (const v of makeflags) if (v !== undefined) flags = [...flags, ...(v === null ? [null] : v.split(/\s+/).filter((x) => x !== ''))];
  const ignoreErrors = holdsIgnoreErrors(cmd.words.slice(at + 1).map((w) => w.value), false) || holdsIgnoreErrors(flags, true);
  // MAKEFLAGS's assignments are make's too (`MAKEFLAGS='BIN=x' make image`); one only known at run time may set any name.
  for (const f of flags) {
    const m = f === null ? null : definedName(f);
    if (m !== null) args.add(m);
  }
  const exported = new Set((cmd.exported ?? []).filter((n) => !names.has(n) && !args.has(n)));
  // (MAKEFILES in its environment names make files make reads before the Makefile, which may set
  // any variable; so may an argument only known at run time, `make image $EXTRA`, an assignment)
  const any = flags.includes(null) || names.has('MAKEFILES') || exported.has('MAKEFILES') || cmd.words.slice(at + 1).some((w) => w.value === null);
  return { names: new Set([...names, ...args, ...exported]), args, exported, ignoreErrors, any };
}

/** The Make variables a word reads, with those their values name (MakeScript.variableMentions). */
function wordReads(w: Word, mentions: Readonly<Record<string, readonly string[]>>): Set<string> {
  const out = new Set<string>();
  const add = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const m of mentions[n] ?? []) add(m);
  };
  for (const m of w.raw.matchAll(MAKE_REFERENCE)) add(m[1]!);
  return out;
}

/**
 * The variables the setup's commands read whose value the plan takes as the file gives it (the
 * builder's Dockerfile, context and flags, the container's paths, the runtime build's
 * Dockerfile and context, the files cleaned up), each with the command reading it. Left out:
 * the builder tag (a run naming it otherwise keeps the build, above) and the words naming that
 * image again, the runtime build's tags and build arguments, which stay as written, and a
 * builder build argument the runtime build gives in the same text or not at all (carried as
 * written: both read the caller's value).
 */
function fixedReads(setup: Setup, mentions: Readonly<Record<string, readonly string[]>>, prefixReads: Readonly<Record<number, readonly string[]>>): Map<string, ScriptCommand> {
  const out = new Map<string, ScriptCommand>();
  const tagRaw = new Set(flagValues(setup.builder.inv, '--tag').map((w) => w.raw));
  const runtimeArgs = setup.runtime ? flagValues(setup.runtime.inv, '--build-arg') : [];
  const argName = (w: Word) => (w.value ?? w.raw).split('=', 1)[0]!;
  const skipped = new Set<Word>([...flagValues(setup.builder.inv, '--tag'), ...(setup.runtime ? [...flagValues(setup.runtime.inv, '--tag'), ...runtimeArgs] : [])]);
  for (const w of flagValues(setup.builder.inv, '--build-arg')) {
    const same = runtimeArgs.filter((r) => argName(r) === argName(w));
    if (same.length === 0 || same.every((r) => r.raw === w.raw)) skipped.add(w);
  }
  for (const cmd of [...setupCommands(setup), ...(setup.run ? [setup.run.at] : [])]) {

    for (const w of cmd.words) {
      if (skipped.has(w) || tagRaw.has(w.raw)) continue;
      for (const n of wordReads(w, mentions)) if (!out.has(n)) out.set(n, cmd);
    }
    // (a `$(Q)` Make read as the line's prefixes: a caller's `make Q=…` may give the line other text)
    for (const n of prefixReads[cmd.index] ?? []) if (!out.has(n)) out.set(n, cmd);
  }
  return out;
}

export function markMakeOverrides(analysis: Analysis, fs: RepoFs): void {
  const byName = new Map<string, Set<Setup>>();
  const fixed = new Map<Setup, Map<string, ScriptCommand>>();
  const makeSetups: Setup[] = [];
  for (const setup of analysis.setups) {
    const script = analysis.scripts.get(setup.script);
    if (script?.kind !== 'make') continue;
    makeSetups.push(setup);
    const mentions = (script as MakeScript).variableMentions ?? {};
    const reads = fixedReads(setup, mentions, (script as MakeScript).prefixReads ?? {});
    if (reads.size > 0) fixed.set(setup, reads);
    if (!setup.runtime || setup.builder.stock || keepsBuilderImage(setup)) continue;
    for (const w of flagValues(setup.builder.inv, '--tag')) {
      for (const n of wordReads(w, mentions)) byName.set(n, (byName.get(n) ?? new Set()).add(setup));
    }
  }
  if (makeSetups.length === 0) return;
  const names = [...new Set([...byName.keys(), ...[...fixed.values()].flatMap((m) => [...m.keys()])])];
  // (files that do not say docker too: `make image BIN=…` alone in a CI script)
  const files = [...new Set([...analysis.files, ...(analysis.quiet ?? []), ...(analysis.passedOver ?? [])])].sort();
  const callerOf = callerReader(analysis, fs);
  const inherited = callerEnvironments(fs, files, callerOf);
  for (const rel of files) {
    const text = fs.peekText?.(rel) ?? fs.readText(rel);
    if (text === null || !/make/i.test(text)) continue;
    const named = names.some((n) => text.includes(n)) || IGNORE_ERRORS_TEXT.test(text) || MAKE_FILE_TEXT.test(text) || RUN_TIME_ARGUMENT_TEXT.test(text);
    // (a script whose callers give it one of the names: `BIN=… ./ci.sh`, where ci.sh runs `make image`)
    if (!named && !/\bg?make\b/.test(text)) continue;
    const script = callerOf(rel, text);
    if (!script) continue;
    if (!named && !(CALLED.has(script.kind) && inherited(rel).some((n) => names.includes(n) || n === 'MAKEFLAGS' || n === 'MAKEFILES'))) continue;
    for (const cmd of script.commands) {
      const sets = makeSets(cmd, [...stepEnvironment(script, cmd), ...(CALLED.has(script.kind) ? inherited(script.file) : [])]);
      if (!sets) continue;
      if (script.kind === 'make') forSameFile(script as MakeScript, cmd, sets.exported, sets.names);
      // `make -f Makefile.ci`: a file the tool does not read as a make file, which may include a setup's Makefile.
      for (const other of makeFileOptions(cmd).filter((f) => !isMakeFile(f))) {
        for (const setup of makeSetups) {
          if (other === setup.script || setup.diagnostics.some((d) => d.code === 'MAKE_INCLUDE')) continue;
          const d = includedBy(setup.script, other, fs, setup.id, () => makeTargets(setup.script, fs), ` (which \`${shownCommand(cmd)}\` runs, ${cmd.file}:${cmd.line})`);
          if (d) setup.diagnostics.push(d);
        }
      }
      // `make -i`: every recipe goes on past a failing line, as under `.IGNORE:` (../analyze/hosts/make-flags.ts).
      // (The tool does not follow which Makefile a `make` runs: each one holding a setup counts.)
      if (sets.ignoreErrors) for (const setup of makeSetups) ignoreFailures(analysis.scripts.get(setup.script) as MakeScript);
      for (const name of names.filter((n) => sets.any || sets.names.has(n))) {
        for (const [setup, reads] of fixed) {
          const reader = reads.get(name);
          if (!reader || setup.diagnostics.some((d) => d.code === 'MAKE_VARIABLE_SET_BY_CALLER')) continue;
          setup.diagnostics.push(
            diag('MAKE_VARIABLE_SET_BY_CALLER', 'error', `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) gives the Makefile its own ${name}${sets.args.has(name) ? '' : sets.names.has(name) ? ' (in its environment)' : ' (it may: an argument or a MAKEFLAGS only known at run time, or make files MAKEFILES names, can set any)'}, which \`${shownCommand(reader)}\` reads: the migration would fix the value the file gives it (${reader.file}:${reader.line})`, {
              file: reader.file,
              line: reader.line,
              hint: `Write the value in the Makefile (or stop setting ${name} from outside), then run the tool again; or migrate this setup by hand.`,
            }),
          );
        }
        for (const setup of byName.get(name) ?? []) {
          if (keepsBuilderImage(setup)) continue;
          setup.builderTagUsedElsewhere = { file: cmd.file, line: cmd.line, text: shownCommand(cmd), via: `${name} set for the Makefile, which names the builder image otherwise than the file does` };
        }
      }
    }
  }
}

/**
 * A recipe's `$(MAKE) other` (no `-C`, `-f`) runs the same Makefile again: a variable the file
 * exports reaches it with the value that file gives it, unless the recipe's shell changed it,
 * so it gives the sub-make nothing new. Such names (of `exported`, those only the shell exports) are taken out of `names`.
 */
function forSameFile(script: MakeScript, cmd: ScriptCommand, exported: ReadonlySet<string>, names: Set<string>): void {
  const folder = runnerFolder(cmd, 'make');
  const held = partHolding(script, cmd);
  if (folder === null || !held || !runsFileFrom('make', folder, script.file)) return;
  const { exported: fileExports, vars } = held.part.snippet;
  for (const name of fileExports ?? []) {
    const own = vars.get(name);
    if (exported.has(name) && own != null && cmd.vars.get(name) === own) names.delete(name);
  }
}

/**
 * The files a make command reads as its makefiles by `-f FILE` (`-fFILE`, `--file=FILE`,
 * `--makefile FILE`), as repository paths: from its folder, after any `-C` before them. None
 * when a folder or name is only known at run time.
 */
function makeFileOptions(cmd: ScriptCommand): string[] {
  const { at } = programAt(cmd.words);
  let dir = cmd.cwd;
  const out: string[] = [];
  const words = cmd.words.slice(at + 1).map((w) => w.value);
  for (let k = 0; k < words.length && dir !== null; k++) {
    const w = words[k];
    if (w === null || w === undefined) return [];
    if (w === '--') break;
    const long = /^--(file|makefile|directory)(?:=(.*))?$/.exec(w);
    const short = /^-([fC])(.*)$/.exec(w);
    const [opt, inline] = long ? [long[1] === 'directory' ? 'C' : 'f', long[2]] : short ? [short[1]!, short[2] || undefined] : [null, undefined];
    if (opt === null) continue;
    const value = inline ?? words[++k];
    if (value === null || value === undefined) return [];
    if (opt === 'C') dir = resolveRel(dir, value);
    else out.push(resolveRel(dir, value));
  }
  return dir === null ? [] : out;
}

/** Kinds of scripts another file runs (by path, `./ci.sh`, `node tools/build.js`; `npm run img`), whose environment is their caller's. */
const CALLED: ReadonlySet<ScriptFile['kind']> = new Set(['shell', 'javascript', 'powershell', 'package-json']);
const NPMS: ReadonlySet<string> = new Set(['npm', 'yarn', 'pnpm']);
/** How deep callers of callers are followed. */
const CALLER_DEPTH = 3;

/** Each file read as a caller once (callerScript), whichever search asks first. */
function callerReader(analysis: Analysis, fs: RepoFs): (rel: string, text?: string | null) => ScriptFile | null {
  const callers = new Map<string, ScriptFile | null>();
  return (rel, known) => {
    if (!callers.has(rel)) {
      const text = known !== undefined ? known : (fs.peekText?.(rel) ?? fs.readText(rel));
      callers.set(rel, text === null ? null : callerScript(analysis, fs, rel, text));
    }
    return callers.get(rel)!;
  };
}

/**
 * The names in the environment each script starts with from the commands that run it
 * (`BIN=/out/app2 ./ci.sh`, after `export BIN`, a CI step's `env:`), and from their own
 * callers in turn (three deep): a `make` the script runs gets them too. Read once per script,
 * from the files whose text names it.
 */
function callerEnvironments(fs: RepoFs, files: readonly string[], callerOf: (rel: string) => ScriptFile | null): (script: string) => string[] {
  const known = new Map<string, string[]>();
  // Each file is searched once per word (a monorepo's packages share script names: a hundred
  // `ci.sh` would otherwise each search every file), and each caller is read once.
  const naming = new Map<string, string[]>();
  const filesNaming = (word: string, holds: (text: string) => boolean): string[] => {
    let list = naming.get(word);
    if (!list) {
      list = files.filter((rel) => {
        const text = fs.peekText?.(rel) ?? fs.readText(rel);
        return text !== null && holds(text);
      });
      naming.set(word, list);
    }
    return list;
  };
  const of = (target: string, depth: number): string[] => {
    const cached = known.get(target);
    if (cached) return cached;
    known.set(target, []);
    const out = new Set<string>();
    const named = new Map([[path.basename(target), [target]]]);
    // (a package.json's scripts are run by `npm run NAME`, also from its own scripts: any run of that package counts)
    const npm = path.basename(target) === 'package.json';
    const runs = (cmd: ScriptCommand, text: string) => {
      if (!npm) return targetCalls(cmd, new Set([target]), named, text).length > 0;
      const runner = runnerOf(cmd, NPMS);
      const folder = runner === null ? undefined : runnerFolder(cmd, runner);
      return runner !== null && (folder === null || runsFileFrom(runner, folder!, target));
    };
    const base = path.basename(target);
    const candidates = npm ? filesNaming('\0npm', (text) => /\b(?:npm|yarn|pnpm)\b/.test(text)) : filesNaming(base, (text) => text.includes(base));
    for (const rel of candidates) {
      if (rel === target && !npm) continue;
      const caller = callerOf(rel);
      if (!caller) continue;
      for (const cmd of caller.commands) {
        if (!runs(cmd, caller.text)) continue;
        const { at } = programAt(cmd.words);
        for (const w of cmd.words.slice(0, at)) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.value ?? '');
          if (m) out.add(m[1]!);
        }
        for (const n of [...(cmd.env?.keys() ?? []), ...(cmd.exported ?? []), ...stepEnvironment(caller, cmd)]) out.add(n);
        if (CALLED.has(caller.kind) && caller.file !== target && depth < CALLER_DEPTH) for (const n of of(caller.file, depth + 1)) out.add(n);
      }
    }
    const list = [...out];
    known.set(target, list);
    return list;
  };
  return (script) => of(script, 1);
}

/** Kinds whose snippets start from the environment their CI step or job gives (`env:`, `variables:`, `environment {}`). */
const STEP_ENVIRONMENT: ReadonlySet<ScriptFile['kind']> = new Set(['github-actions', 'gitlab-ci', 'travis-ci', 'circleci', 'azure-pipelines', 'bitbucket-pipelines', 'jenkinsfile']);

/**
 * The variables in the environment a CI step's command starts from: its step's, job's and
 * workflow's `env:` (GitLab `variables:`…), and what an earlier step wrote to `$GITHUB_ENV`
 * (../analyze/step-env-files.ts). The step's shell exports them to `make` whatever it assigns them since.
 */
function stepEnvironment(script: ScriptFile, cmd: ScriptCommand): string[] {
  if (!STEP_ENVIRONMENT.has(script.kind)) return [];
  const parts = (script as EmbeddedScript).parts ?? [];
  let k = parts.findIndex((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  // (a snippet that goes on in the shell of the one before, GitLab's script items, starts from its variables)
  while (k > 0 && parts[k]!.snippet.continues) k--;
  return [...(parts[k]?.snippet.vars.keys() ?? [])];
}

/** Every recipe line of the Makefile goes on past a failing line (Snippet.failureIgnored), as under `.IGNORE:`. */
function ignoreFailures(script: MakeScript | undefined): void {
  for (const p of script?.parts ?? []) p.snippet.failureIgnored = true;
}
