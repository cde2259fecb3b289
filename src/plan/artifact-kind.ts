/**
 * Whether an artifact is a file or a folder, where the Dockerfiles prove it. `docker cp
 * x:/out/app ./gateway` then `COPY gateway /usr/local/bin/` lands a file as
 * /usr/local/bin/gateway but a folder's contents in /usr/local/bin/: the merged COPY can only
 * be written once the kind is known.
 *
 * A file: the builder stage compiles to exactly that path (`go build -o P`, `gcc … -o P`) and
 * nothing else in it names P or a path under P, other than a command that keeps a file a file
 * (`chmod`, `chown`, `ls`, `test`…); or the runtime stage runs the landed file
 * (its ENTRYPOINT or CMD program is the path the file lands at) and nothing in the builder
 * names a path under P. A folder: the builder stage creates something under P (an `-o`, a
 * `mkdir`, a COPY destination or a WORKDIR) and no command in it names P itself other than to
 * make it or change its mode or owner.
 */
import path from 'node:path/posix';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import '../analyze/dockerfile-arguments.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { execFormArgs, joinContinuations } from '../analyze/exec-form.js';
import { parseShell } from '../analyze/shell.js';
import { trimTrailingSlashes } from '../model/text.js';
import { StageVariables } from './stage-variables.js';
import type { PassedArgs } from '../analyze/copy-variables.js';
import { applyChmod } from '../analyze/chmod-mode.js';
import { SCRIPT_SHELLS as SHELLS } from '../model/shells.js';
import { IMAGE_FOLDERS } from '../model/image-folders.js';

export type ArtifactKind = 'file' | 'folder' | null;

/** `cc`-like compilers whose `-o NAME` is the output file. */
const C_COMPILERS = new Set(['cc', 'gcc', 'c++', 'g++', 'clang', 'clang++', 'musl-gcc', 'tcc']);
/** Commands that name a path without changing whether it is a file or a folder. */
const KIND_KEEPING = new Set(['mkdir', 'chmod', 'chown', 'chgrp', 'ls', 'test', '[', 'stat', 'touch']);
/** Folders on the PATH of every stock image: a bare program name run from one is that file. */
const STANDARD_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** A path written in a stage, made absolute against the working directory (null when unknown). */
function absolute(p: string, cwd: string | null): string | null {
  if (p.startsWith('/')) return path.normalize(p);
  if (cwd === null) return null;
  return path.normalize(path.join(cwd, p));
}

const under = (p: string, dir: string) => p.startsWith(dir === '/' ? '/' : `${dir}/`) && p !== dir;

/** One command a RUN of the stage runs: its words (null where only known at run time) and working directory. */
interface StageCommand {
  words: (string | null)[];
  cwd: string | null;
}

/** What the instructions of the builder stage (and the stages it starts from) do with paths. */
interface StageActions {
  commands: StageCommand[];
  /** Folders a COPY/ADD destination or a WORKDIR makes. */
  madeDirs: string[];
  /** Paths a COPY/ADD destination writes, made absolute (null: unknown). */
  copyDests: (string | null)[];
  /** Instructions that read a static variable: their text as written and with the values in. */
  substituted: { before: string; after: string }[];
}

/** The stages `index` starts from (FROM <earlier stage>), itself last. */
function chainOf(facts: DockerfileFacts, index: number): Set<number> {
  const out = new Set<number>();
  let cur = facts.stages[index];
  while (cur && !out.has(cur.index)) {
    out.add(cur.index);
    const parent = cur.image.toLowerCase();
    cur = facts.stages.find((s) => s.index < cur!.index && s.name?.toLowerCase() === parent);
  }
  return out;
}

function argText(text: string, ins: Instruction, lineStart: (p: { line: number; character: number }) => number): string {
  const r = ins.getArgumentsRange();
  return r ? text.slice(lineStart(r.start), lineStart(r.end)) : '';
}

/** Reads the stage's instructions (with `appended` added at its end, as the merge writes them). */
function stageActions(facts: DockerfileFacts, stageIndex: number, appended: readonly string[], buildArgs: PassedArgs): StageActions | { unread: string } | null {
  const stage = facts.stages[stageIndex];
  if (!stage) return null;
  const eol = '\n';
  const text = appended.length > 0 ? facts.text.slice(0, stage.end) + appended.map((l) => eol + l).join('') + facts.text.slice(stage.end) : facts.text;
  const ast = DockerfileParser.parse(text);
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  const chain = chainOf(facts, stageIndex);
  const escape = ast.getEscapeCharacter();
  const out: StageActions = { commands: [], madeDirs: [], copyDests: [], substituted: [] };
  // A --build-arg given a value in the script is read as that value (the merged build passes it too, or bakes it in).
  const vars = new StageVariables(escape, buildArgs === null ? null : new Set(buildArgs.keys()), facts.globalArgs, buildArgs ?? undefined);
  let current = -1;
  let cwd: string | null = null;
  for (const ins of ast.getInstructions()) {
    const kw = ins.getKeyword();
    if (kw === 'FROM') {
      current++;
      // A stage starting from an image begins in that image's WORKDIR, unknown here.
      const parent = facts.stages.find((s) => s.index < current && s.name?.toLowerCase() === facts.stages[current]?.image.toLowerCase());
      if (!parent) cwd = null;
      vars.enter(current, parent?.index ?? null);
      continue;
    }
    if (!chain.has(current)) continue;
    // (a CMD or ENTRYPOINT does not run when a later stage copies from the stage)
    if (kw === 'CMD' || kw === 'ENTRYPOINT') continue;
    const after = vars.substituted(ins, text, offset);
    if (after !== null) out.substituted.push({ before: text.slice(offset(ins.getRange().start), offset(ins.getRange().end)), after });
    if (kw === 'ENV' || kw === 'ARG') {
      vars.read(ins);
      continue;
    }
    if (kw === 'WORKDIR') {
      const v = ins.getArguments().map((a) => a.getValue()).join(' ');
      cwd = /\$/.test(v) || v === '' ? null : absolute(v, cwd ?? (v.startsWith('/') ? '/' : null));
      if (cwd !== null) out.madeDirs.push(cwd);
      continue;
    }
    if (kw === 'COPY' || kw === 'ADD') {
      const args = ins.getArguments().map((a) => a.getValue());
      const dest = args[args.length - 1];
      const json = execFormArgs(argText(text, ins, offset), escape);
      const d = json ? json[json.length - 1] : dest;
      const abs = d === undefined || /\$/.test(d) ? null : absolute(d, cwd);
      out.copyDests.push(abs);
      if (abs !== null && d!.endsWith('/')) out.madeDirs.push(abs);
      continue;
    }
    if (kw !== 'RUN') continue;
    const raw = argText(text, ins, offset).replace(/^(?:\s*--\S+)+\s*/, '');
    const exec = execFormArgs(raw, escape);
    // `["sh", "-c", "go build -o /out/app ."]` (a build the container ran, appended): the script is shell.
    const script = exec && exec.length === 3 && SHELLS.has(path.basename(exec[0]!)) && exec[1] === '-c' ? exec[2]! : null;
    if (exec && script === null) {
      out.commands.push({ words: exec, cwd });
      continue;
    }
    const shell = script ?? joinContinuations(raw, escape);
    const parsed = parseShell('RUN', shell, { cwd: cwd === null ? null : cwd.replace(/^\//, ''), vars: vars.values() });
    // A RUN the shell reader cannot follow may do anything with the path: nothing is proven.
    if (!parsed.script) return { unread: shell.split('\n')[0]!.trim() };
    for (const c of parsed.script.commands) {
      out.commands.push({ words: c.words.map((w) => w.value), cwd: c.cwd === null ? null : `/${c.cwd}` });
    }
  }
  return out;
}

/** The output path an `-o` of a compiler command names, as written, or null. */
function compilerOutput(words: (string | null)[]): { value: string; index: number } | null {
  const prog = words[0] ? path.basename(words[0]) : null;
  const go = prog === 'go' && words[1] === 'build';
  if (!go && !(prog !== null && C_COMPILERS.has(prog))) return null;
  for (let i = go ? 2 : 1; i < words.length; i++) {
    const w = words[i];
    if (w === null || w === undefined) continue;
    if ((w === '-o' || (go && w === '--o')) && typeof words[i + 1] === 'string') return { value: words[i + 1]!, index: i + 1 };
    const eq = /^--?o=(.+)$/.exec(w);
    if (go && eq) return { value: eq[1]!, index: i };
    if (!go && /^-o./.test(w)) return { value: w.slice(2), index: i };
  }
  return null;
}

/** Every path-like word of a command, made absolute, with whether it is the compiler's `-o`. */
function pathWords(c: StageCommand): { abs: string; output: boolean; raw: string }[] {
  const out = compilerOutput(c.words);
  const found: { abs: string; output: boolean; raw: string }[] = [];
  c.words.forEach((w, i) => {
    if (w === null || i === 0) return;
    const value = out && i === out.index ? out.value : w.replace(/^-[-\w]*=/, '');
    if (value === '' || (value.startsWith('-') && !(out && i === out.index))) return;
    const abs = absolute(value, c.cwd);
    if (abs !== null) found.push({ abs, output: out !== null && i === out.index, raw: value });
  });
  return found;
}

/** How often `p` occurs in `text` as a whole path (not as the start of a longer name). */
function occurrences(text: string, p: string): number {
  let n = 0;
  for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) {
    const next = text[i + p.length];
    if (next === undefined || !/[\w.-]/.test(next)) n++;
  }
  return n;
}

export interface KindQuery {
  /** The artifact's path in the builder stage. */
  stagePath: string;
  builder: DockerfileFacts;
  builderStage: number;
  /** Instructions the merge appends to the builder stage (a build that used to happen at run time). */
  appended: readonly string[];
  runtime: DockerfileFacts;
  /** The runtime COPY that reads the artifact, and the name the artifact had on the host. */
  copy: number;
  hostBase: string;
  /** The names the builder build passes with `--build-arg` (their ARGs are not static); null: unknown (no ARG is). */
  buildArgs: PassedArgs;
}

export function artifactKind(q: KindQuery): ArtifactKind {
  return explainedKind(q).kind;
}

/** The kind, and when it is unproven, why (for the refusal's message). */
export function explainedKind(q: KindQuery): { kind: ArtifactKind; why: string } {
  const p = trimTrailingSlashes(q.stagePath) || '/';
  const acts = stageActions(q.builder, q.builderStage, q.appended, q.buildArgs);
  const unproven = (why: string) => ({ kind: null, why });
  if (!acts) return unproven(`the builder stage of ${q.builder.path} is not known`);
  if ('unread' in acts) return unproven(`the tool cannot read \`RUN ${acts.unread}\` in ${q.builder.path}, which may do anything with ${p}`);
  const words = acts.commands.flatMap((c) => pathWords(c).map((w) => ({ ...w, prog: c.words[0] ? path.basename(c.words[0]) : null })));
  const inside = [
    ...words.filter((w) => under(w.abs, p) && (w.output || w.prog === 'mkdir')).map((w) => w.abs),
    ...acts.madeDirs.filter((d) => d === p || under(d, p)),
    ...acts.copyDests.filter((d): d is string => d !== null && under(d, p)),
  ];
  const atP = words.filter((w) => w.abs === p);
  // `go build -o /out/app/` writes into the folder /out/app.
  const intoP = (w: (typeof words)[number]) => w.output && w.raw.endsWith('/');
  const madeAtP = atP.filter((w) => w.prog === 'mkdir' || intoP(w)).length + acts.madeDirs.filter((d) => d === p).length;
  if (inside.length > 0 || madeAtP > 0) {
    // A folder, unless a command other than mkdir/chmod/chown names the path itself.
    const other = atP.find((w) => !(intoP(w) || (w.prog !== null && KIND_KEEPING.has(w.prog) && !w.output)));
    return other ? unproven(`${q.builder.path} makes something inside ${p}, yet \`${other.prog ?? '…'}\` names ${p} itself`) : { kind: 'folder', why: '' };
  }
  const chain = chainOf(q.builder, q.builderStage);
  // The stage's CMD and ENTRYPOINT do not run when a later stage copies from it: what they name does not count.
  const unrun = q.builder.instructions.filter((i) => ['CMD', 'ENTRYPOINT'].includes(i.getKeyword())).map((i) => [q.builder.lines.offsetAt(i.getRange().start), q.builder.lines.offsetAt(i.getRange().end)] as const);
  const ran = (from: number, to: number) => unrun.filter(([a, b]) => a >= from && b <= to).reduceRight((t, [a, b]) => t.slice(0, a - from) + ' '.repeat(b - a) + t.slice(b - from), q.builder.text.slice(from, to));
  const text = [...q.builder.stages.filter((st) => chain.has(st.index)).map((st) => ran(st.from.start, st.end)), ...q.appended].join('\n');
  // Nothing else may name the path: the only mentions are compiler outputs, and commands that
  // keep a file a file (`chmod 0750 /out/app`, `ls /out/app`; mkdir was ruled out above).
  const outputs = atP.filter((w) => w.output);
  const keeping = atP.filter((w) => !w.output && w.prog !== null && KIND_KEEPING.has(w.prog));
  // (a variable with a static value counts as its value: `-o ${OUT_DIR}/app` names /out/app)
  const named = occurrences(text, p) + acts.substituted.reduce((n, s) => n + occurrences(s.after, p) - occurrences(s.before, p), 0);
  const written = [...outputs, ...keeping].filter((w) => w.raw.startsWith('/')).length;
  const quiet = atP.length === outputs.length + keeping.length && !acts.copyDests.some((d) => d === null || d === p) && named === written;
  if (!quiet) {
    const other = atP.find((w) => !w.output && !keeping.includes(w));
    if (other) return unproven(`\`${other.prog ?? '…'}\` in ${q.builder.path} names ${p}, and only a compiler output, chmod, chown, ls or test keep it provably a file`);
    if (acts.copyDests.some((d) => d === null || d === p)) return unproven(`a COPY or ADD of ${q.builder.path} writes ${p} or a path only known at build time`);
    return unproven(`${q.builder.path} names ${p} where the tool cannot tell how it is used (a string, a variable, a VOLUME…)`);
  }
  // (`go build -o /go/bin` writes into the folder the golang image holds there: a folder base images hold is no new file)
  if (outputs.length > 0 && IMAGE_FOLDERS.has(p)) return unproven(`${p} is a folder base images commonly hold, and \`${outputs[0]!.prog ?? 'go'} … -o ${outputs[0]!.raw}\` writes into a folder that exists`);
  if (outputs.length > 0 && outputs.every((w) => !w.raw.endsWith('/'))) return { kind: 'file', why: '' };
  // Without an output, only the runtime's program proves it, and a folder can be chmod-ed too.
  if (keeping.length === 0 && runsLanded(q)) return { kind: 'file', why: '' };
  return unproven(`no \`go build -o\` or \`cc -o\` of ${q.builder.path} writes ${p}${keeping.length === 0 ? ', and the runtime stage\'s ENTRYPOINT or CMD does not run it where it lands' : ''}`);
}

/** The runtime stage's ENTRYPOINT (or CMD) runs the file where the COPY lands it. */
function runsLanded(q: KindQuery): boolean {
  const copy = q.runtime.copies[q.copy];
  const dest = copy?.dest?.value;
  if (!copy || dest === undefined || !dest.startsWith('/')) return false;
  const landed = path.join(dest, q.hostBase);
  const stage = q.runtime.stages[copy.stage]!;
  const form = stage.entrypoint ?? stage.cmd;
  let program: string | null = null;
  if (Array.isArray(form)) program = form[0] ?? null;
  else if (typeof form === 'string') program = parseShell('CMD', form).script?.commands[0]?.words[0]?.value ?? null;
  if (program === null) return false;
  if (program.startsWith('/')) return path.normalize(program) === landed;
  return program === q.hostBase && STANDARD_PATH.includes(trimTrailingSlashes(dest)) && !q.runtime.instructions.some((i) => i.getKeyword() === 'ENV' && /\bPATH\b/.test(i.getRawArgumentsContent() ?? ''));
}

/** The kind of a renamed artifact (its host name differs from its name in the stage); null otherwise or when unproven. */
export function renamedKind(c: { copy: number; stagePath: string; hostSource: string }, builder: DockerfileFacts, builderStage: number, appended: readonly string[], runtime: DockerfileFacts, buildArgs: PassedArgs): { kind: ArtifactKind; why: string } {
  const hostBase = trimTrailingSlashes(c.hostSource).split('/').pop() ?? '';
  if (hostBase === (trimTrailingSlashes(c.stagePath).split('/').pop() ?? '')) return { kind: null, why: '' };
  if (builderStage < 0) return { kind: null, why: 'the builder stage is not known' };
  return explainedKind({ stagePath: c.stagePath, builder, builderStage, appended, runtime, copy: c.copy, hostBase, buildArgs });
}

/** Top folders of base images whose files and folders may carry any mode (`/go` is 1777 in golang, `/tmp` 1777). */
const BASE_IMAGE_DIRS = new Set(['bin', 'boot', 'dev', 'etc', 'go', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var']);
/** Programs that write where a word tells them: one with a word only known at build time may write the path. */
const WRITE_WHERE_TOLD = new Set(['cp', 'mv', 'install', 'tar', 'chmod', 'chown', 'ln', 'rsync', 'unzip', 'dd', 'tee', 'curl', 'wget', 'git', 'cpio', 'bsdtar']);
/** Programs that make or leave files with the RUN's umask (022) and no special bit, whatever paths they name. */
const UMASK_MADE = new Set(['mkdir', 'touch', 'rm', 'rmdir', 'ls', 'test', '[', 'stat', 'strip', 'echo', 'printf', 'true', ':']);

/** Whether an octal or symbolic chmod mode can give group or other write, or a setuid, setgid or sticky bit. */
function widens(mode: string | null): boolean {
  if (mode === null) return true;
  if (/^[0-7]{1,4}$/.test(mode)) return (parseInt(mode, 8) & 0o7022) !== 0;
  // `+x`, `u+rwx`, `go-w`, `a+r`: removing anything, or adding r/x, or w for the owner alone.
  return !mode.split(',').every((clause) => /^[ugoa]*-[rwxXst]+$/.test(clause) || /^[ugoa]*\+[rxX]+$/.test(clause) || /^u\+[rwxX]+$/.test(clause));
}

/**
 * Why `cp` without `-p` in a container of the builder image (`docker run -v "$PWD/out:/out" IMG
 * cp /out/app /out/`) may hand on another mode than the stage holds, or null when it cannot:
 * cp makes its copies with the source's mode less the umask (022) and without setuid, setgid or
 * sticky bits, where `COPY --from` keeps the stage's mode. Proven when everything at `stagePath`
 * was made in the stage with the RUN's umask: a compiler's output, or a fresh folder (not under
 * a base image's own folders) whose files only such commands make; no COPY or ADD writes there
 * (the context's files keep the host's modes), no `umask`, and a chmod only to a mode without
 * group or other write or a special bit.
 */
export function plainCopyChangesModes(stagePath: string, builder: DockerfileFacts, builderStage: number, appended: readonly string[], buildArgs: PassedArgs): string | null {
  const p = trimTrailingSlashes(stagePath) || '/';
  const acts = stageActions(builder, builderStage, appended, buildArgs);
  if (!acts) return `the builder stage of ${builder.path} is not known`;
  if ('unread' in acts) return `the tool cannot read \`RUN ${acts.unread}\` in ${builder.path}, which may give ${p} any mode`;
  const near = (abs: string) => abs === p || under(abs, p) || under(p, abs);
  const named = acts.commands.map((c) => ({ c, words: pathWords(c) }));
  // A compiler output at the path itself is a new file, whatever a COPY put in the folder above it
  // (`WORKDIR /src`, `COPY . .`, `go build -o /src/app`); files in a folder may come from a COPY.
  // (`go build -o /go/bin/` writes into a folder: that folder is no new file.)
  const compiled = named.some(({ words }) => words.some((w) => w.output && w.abs === p && !w.raw.endsWith('/')));
  const copied = acts.copyDests.find((d) => d === null || d === p || under(d, p) || (!compiled && under(p, d)));
  if (copied !== undefined) return `a COPY or ADD of ${builder.path} writes ${copied ?? 'a path only known at build time'}, and its files keep the modes they had in the context`;
  for (const { c, words } of named) {
    const prog = c.words[0] ? path.basename(c.words[0]) : null;
    if (prog === 'umask') return `\`umask\` in ${builder.path} changes the modes its RUNs give`;
    const unknownWord = c.words.some((w) => w === null) && (prog === null || WRITE_WHERE_TOLD.has(prog));
    if (!words.some((w) => near(w.abs)) && !unknownWord) continue;
    // A compiler writes its `-o` alone (with the RUN's umask); its other words are what it reads.
    if (compilerOutput(c.words) !== null) continue;
    if (prog === 'mkdir' && !c.words.some((w) => w === null || /^(-m|--mode)/.test(w) || /^-[a-z]*m/.test(w))) continue;
    if (prog !== null && UMASK_MADE.has(prog) && prog !== 'mkdir' && !c.words.some((w) => w === null)) continue;
    if (prog === 'chmod') {
      const args = c.words.slice(1).filter((w) => w === null || !w.startsWith('-'));
      if (!widens(args[0] ?? null) && !args.some((w) => w === null)) continue;
    }
    if (prog === 'cp' && !c.words.some((w) => w === null || /^-[a-zA-Z]*[ap]/.test(w) || /^--(preserve|archive)/.test(w))) continue;
    return `\`${c.words.map((w) => w ?? '…').join(' ')}\` in ${builder.path} may give ${p}, or a file in it, a mode with group or other write or a special bit`;
  }
  if (compiled) return null;
  const top = p.split('/')[1] ?? '';
  const made = acts.madeDirs.some((d) => d === p || under(p, d) || under(d, p)) || named.some(({ c, words }) => words.some((w) => (w.output || c.words[0] === 'mkdir') && (w.abs === p || under(w.abs, p))));
  if (p === '/' || BASE_IMAGE_DIRS.has(top)) return `${p} lies in a folder the base image may already hold, with modes of its own`;
  if (!made) return `nothing in ${builder.path} makes ${p}`;
  return null;
}

/**
 * The modes a file may have in the builder stage when a compiler made it there and nothing else
 * touched it: `go build -o P` and `cc -o P` create their output with 0777 (an executable) or 0666
 * (a non-main package's archive, an object file) less the RUN's umask, 022 (Docker's and
 * podman's default): 0755 or 0644. Proven when the stage proves P a file by that output
 * (explainedKind), no other command names P (a `chmod` would change the mode), and no `umask`
 * runs in the stage. Otherwise why not, for a refusal's message.
 */
export function compiledFileModes(q: KindQuery): { modes: number[] } | { why: string } {
  const p = trimTrailingSlashes(q.stagePath) || '/';
  const kind = explainedKind(q);
  if (kind.kind !== 'file') return { why: kind.kind === 'folder' ? `${p} is a folder` : kind.why };
  const acts = stageActions(q.builder, q.builderStage, q.appended, q.buildArgs);
  if (!acts) return { why: `the builder stage of ${q.builder.path} is not known` };
  if ('unread' in acts) return { why: `the tool cannot read \`RUN ${acts.unread}\` in ${q.builder.path}` };
  // Followed through the stage in order: a compile makes it anew, a chmod after it changes each mode it may have.
  let modes: number[] | null = null;
  for (const c of acts.commands) {
    const prog = c.words[0] ? path.basename(c.words[0]) : null;
    if (prog === 'umask') return { why: `\`umask\` in ${q.builder.path} changes the modes its RUNs give` };
    const words = pathWords(c).filter((w) => w.abs === p);
    if (words.length === 0) continue;
    const shown = `\`${c.words.map((w) => w ?? '…').join(' ')}\` in ${q.builder.path}`;
    if (compilerOutput(c.words) !== null && words.every((w) => w.output)) modes = [0o755, 0o644];
    else if (prog === 'chmod' && modes !== null && c.words.length >= 3 && c.words.slice(1).every((w) => w !== null && !w.startsWith('-'))) {
      const next: (number | null)[] = modes.map((m: number) => applyChmod(m, c.words[1]!));
      // (a special bit: `chown` clears setuid and setgid, and the engines differ on what `--chmod` writes of them)
      if (next.some((m) => m === null || (m & 0o7000) !== 0)) return { why: `${shown} gives ${p} a mode the tool does not follow` };
      modes = [...new Set(next as number[])];
    } else if (!(prog !== null && MODE_KEEPING.has(prog) && modes !== null)) return { why: `${shown} names ${p}, and may change its mode` };
  }
  if (modes === null) return { why: `no \`go build -o\` or \`cc -o\` of ${q.builder.path} writes ${p}` };
  return { modes };
}

/** Commands that name a file without changing its mode (none of the modes followed has a special bit for chown to clear). */
const MODE_KEEPING = new Set(['chown', 'chgrp', 'ls', 'test', '[', 'stat']);
