/**
 * The merged Dockerfile is checked against what the merge meant to write, not only for
 * errors: re-parsed whole, it must hold exactly the instructions of the pieces it was put
 * together from, each parsed on its own (so a builder ending in a `\` continuation cannot
 * swallow the runtime's FROM), its stages must carry the names intended, every builder stage
 * must still run its file's instructions (plus the RUN lines a run-time build appended), the
 * runtime stages their own, and every FROM, `COPY --from` and `RUN --mount from=` must
 * resolve to the stage (or the image) intended. Any difference refuses the setup.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { argDeclarations, type ArgDeclaration } from '../analyze/arg-declarations.js';
import '../analyze/dockerfile-arguments.js';
import { mayHoldHeredoc } from '../analyze/dockerfile-heredocs.js';
import '../analyze/dockerfile-parses.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { stageRefsOf, type StageRef } from '../analyze/stage-refs.js';
import { instructionWords } from '../analyze/instruction-words.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';

export interface MergeIntent {
  escape: string;
  runtime: { original: DockerfileFacts; edited: string };
  /** Texts inserted before the runtime's first stage, in order (global parts, the shared base, each builder's stages). */
  inserted: string[];
  /**
   * Each builder file once: which of `inserted` holds its stages, how many of its first
   * instructions moved to the shared base, the lines appended to its builder stage, and
   * after how many of its instructions they go.
   */
  builders: { original: DockerfileFacts; piece: number; dropped: number; appended: string[]; appendAfter: number; argDefaults?: ReadonlyMap<string, string> }[];
  /** Stage names the merge wrote into the runtime file: a reference to one of them means that stage. */
  written: string[];
  /** The shared base stage's name, when there is one. */
  base: string | null;
  /** Global ARGs of a builder file the merge leaves out (./transforms/unread-global-args.ts). */
  leftOut: { path: string; names: string[] }[];
}

interface Ins {
  keyword: string;
  args: string;
}

/** The text as dockerfile-ast should read it: with the file's escape character, without a byte-order mark. */
function source(text: string, escape: string): string {
  const directive = escape === '\\' ? '' : `# escape=${escape}\n`;
  return directive + text.replace(/^\uFEFF/, '');
}

function parse(text: string, escape: string): Instruction[] {
  return DockerfileParser.parse(source(text, escape)).getInstructions();
}

/**
 * Instructions whose text the builder hands on as written, continuations removed: a shell form
 * goes to the shell as is (`RUN printf "a\\nb"` keeps both backslashes whatever the escape
 * character), an exec form is JSON. dockerfile-ast's argument values undo escapes in them, which
 * would make the same command read differently under `\` and under a backtick.
 */
const RAW = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK', 'MAINTAINER']);
const shape = (escape: string) => (ins: Instruction): Ins => {
  const keyword = ins.getKeyword();
  // A heredoc's body reaches the command as written: BuildKit reads no escape character there, so
  // a body line ending in one (`apt-get install -y \` in a `RUN <<EOF` script) is the shell's own
  // continuation, which dockerfile-ast would join under `\` and not under a backtick.
  if (RAW.has(keyword) && mayHoldHeredoc(ins)) return { keyword, args: heredocText(ins.getTextContent().slice(keyword.length), escape) };
  // (an ONBUILD whose trigger runs as written, too: src/analyze/instruction-words.ts)
  const words = RAW.has(keyword) ? null : instructionWords(ins);
  return { keyword, args: words === null ? (ins.getArgumentsContent() ?? '') : words.join(' ') };
};
/**
 * A heredoc instruction's text with the lines before its bodies joined where the file's escape
 * character continues them (`RUN --network=default \` then `    <<EOF`): BuildKit reads that
 * logical line with the escape character, the bodies after it as written.
 */
function heredocText(text: string, escape: string): string {
  const lines = text.split('\n');
  let head = '';
  let i = 0;
  for (; i < lines.length; i++) {
    const trimmed = lines[i]!.replace(/[ \t\r]+$/, '');
    if (!trimmed.endsWith(escape)) break;
    head += trimmed.slice(0, -1);
  }
  return [head + (lines[i] ?? ''), ...lines.slice(i + 1)].join('\n');
}
const show = (i: Ins | undefined) => (i ? `${i.keyword} ${i.args}`.slice(0, 80) : '(nothing)');
/** Instructions whose words the merge never changes. */
const kept = (list: Instruction[], escape: string) => list.filter((i) => !['FROM', 'COPY', 'ADD'].includes(i.getKeyword())).map(shape(escape));

/** An ARG as the merge meant to write it: each word declaring one of `defaults` as `NAME=value` (src/plan/baked-args.ts). */
function withDefaults(ins: Ins, defaults: ReadonlyMap<string, string>): Ins {
  if (ins.keyword !== 'ARG') return ins;
  const name = (word: string) => word.split('=')[0]!;
  return { keyword: ins.keyword, args: ins.args.split(' ').map((w) => (defaults.has(name(w)) ? `${name(w)}=${defaults.get(name(w))}` : w)).join(' ') };
}

function firstDifference(a: Ins[], b: Ins[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.keyword !== b[i]?.keyword || a[i]?.args !== b[i]?.args) return i;
  }
  return -1;
}

export function checkMergedStructure(merged: string, intent: MergeIntent, file: string, setup: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fail = (message: string) =>
    out.push(diag('GENERATED_DOCKERFILE_INVALID', 'error', `the merged ${file} would not be what was planned: ${message}`, { file, setup, hint: 'Nothing was written for this setup. Please report this with both Dockerfiles attached.' }));
  const { escape } = intent;
  // The whole file as the validator read it, when it read the same text (validate.ts): the
  // parser keeps its tree by the text (../analyze/dockerfile-parses.ts).
  const whole = parse(merged, escape);
  const runtime = parse(intent.runtime.edited, escape);
  const firstFrom = runtime.findIndex((i) => i.getKeyword() === 'FROM');
  const head = firstFrom < 0 ? runtime : runtime.slice(0, firstFrom);
  const tail = firstFrom < 0 ? [] : runtime.slice(firstFrom);
  const pieces = intent.inserted.map((t) => parse(t, escape));

  // 1. The whole reads as its pieces: nothing joined to what follows it, nothing lost.
  const expected = [...head, ...pieces.flat(), ...tail].map(shape(escape));
  const actual = whole.map(shape(escape));
  const at = firstDifference(expected, actual);
  if (at >= 0) {
    fail(`instruction ${at + 1} reads as \`${show(actual[at])}\` where \`${show(expected[at])}\` was meant (a line continued into the next piece?)`);
    return out;
  }

  // 2. Every builder stage runs its file's instructions, plus what was appended; the runtime its own.
  for (const b of intent.builders) {
    const original = b.original.instructions;
    // Global ARGs before the first FROM went in with the other files' global parts.
    const first = Math.max(0, original.findIndex((i) => i.getKeyword() === 'FROM')) + b.dropped;
    const own = (list: Instruction[]) => kept(list, b.original.escape).map((i) => (b.argDefaults ? withDefaults(i, b.argDefaults) : i));
    const want = [...own(original.slice(first, b.appendAfter)), ...kept(b.appended.flatMap((l) => parse(l, escape)), escape), ...own(original.slice(b.appendAfter))];
    // The piece as inserted (its own parse, made for step 1): the bytes written, not a copy before trimming.
    const piece = pieces[b.piece];
    if (!piece) {
      fail(`the stages from ${b.original.path} are not among the inserted texts`);
      continue;
    }
    const got = kept(piece, escape);
    const d = firstDifference(want, got);
    if (d >= 0) fail(`the stages from ${b.original.path} run \`${show(got[d])}\` where \`${show(want[d])}\` was meant`);
  }
  const runtimeWant = kept(intent.runtime.original.instructions, intent.runtime.original.escape);
  const runtimeGot = kept(runtime, escape);
  const rd = firstDifference(runtimeWant, runtimeGot);
  if (rd >= 0) fail(`the stages of ${intent.runtime.original.path} run \`${show(runtimeGot[rd])}\` where \`${show(runtimeWant[rd])}\` was meant`);
  if (intent.runtime.original.stages.length !== runtime.filter((i) => i.getKeyword() === 'FROM').length) fail(`${intent.runtime.original.path} no longer has its ${intent.runtime.original.stages.length} stage(s)`);

  // 3. Stage names, and every reference resolving to what was meant.
  const merged3 = stageRefsOf(whole);
  const wantRefs: StageRef[] = [];
  const names: (string | null)[] = [];
  const isNumbered = (r: StageRef) => (r.kind === 'copy' || r.kind === 'mount') && /^\d+$/.test(r.value);
  // `original`: the file a piece came from. The merge renumbers its `COPY --from=N` and
  // `RUN --mount=…,from=N` (and writes no numbered reference of its own), so the piece's n-th
  // numbered reference must name the stage the file's n-th named: its number there plus the
  // stages now before the piece.
  const addPiece = (list: Instruction[], external: (value: string) => number | null, original?: readonly Instruction[]) => {
    const offset = names.length;
    const local = stageRefsOf(list);
    const numbered = original ? stageRefsOf(original).refs.filter(isNumbered) : [];
    for (const r of local.refs) {
      const stage = r.stage + offset;
      let resolved: number | null;
      if (isNumbered(r)) {
        const was = numbered.shift();
        resolved = was ? (was.resolved === null ? null : was.resolved + offset) : Number(r.value) < stage ? Number(r.value) : null;
      } else resolved = r.resolved !== null ? r.resolved + offset : external(r.value);
      wantRefs.push({ ...r, stage, resolved });
    }
    names.push(...local.stages.map((s) => s.name));
  };
  const byName = (v: string) => {
    const i = names.findIndex((n) => n !== null && n.toLowerCase() === v.toLowerCase());
    return i >= 0 ? i : null;
  };
  const base = intent.base?.toLowerCase() ?? null;
  const originOf = new Map(intent.builders.map((b) => [b.piece, b.original.instructions.slice(Math.max(0, b.original.instructions.findIndex((i) => i.getKeyword() === 'FROM')))]));
  pieces.forEach((p, i) => addPiece(p, (v) => (base !== null && v.toLowerCase() === base ? byName(v) : null), originOf.get(i)));
  const written = new Set(intent.written.map((w) => w.toLowerCase()));
  addPiece(tail, (v) => (written.has(v.toLowerCase()) ? byName(v) : null), intent.runtime.original.instructions);
  const gotNames = merged3.stages.map((s) => s.name?.toLowerCase() ?? null);
  if (JSON.stringify(gotNames) !== JSON.stringify(names.map((n) => n?.toLowerCase() ?? null))) fail(`its stages are named ${JSON.stringify(gotNames)} where ${JSON.stringify(names)} was meant`);
  const key = (r: StageRef) => `${r.kind} ${r.value} in stage ${r.stage} → ${r.resolved === null ? 'an image' : `stage ${r.resolved}`}`;
  const want = wantRefs.map(key);
  const got = merged3.refs.map(key);
  const ri = want.findIndex((w, i) => got[i] !== w);
  if (ri >= 0 || got.length !== want.length) {
    const i = ri >= 0 ? ri : want.length;
    fail(`${got[i] ?? '(no reference)'} where ${want[i] ?? '(no reference)'} was meant`);
  }
  // 4. The global ARGs: every file's, with its default, but those the merge means to leave out.
  const argKey = (a: Pick<ArgDeclaration, 'name' | 'value'>) => `${a.name}=${a.value ?? '(nothing)'}`;
  const wantGlobals = new Set<string>();
  for (const f of [intent.runtime.original, ...intent.builders.map((b) => b.original)]) {
    const left = new Set(intent.leftOut.find((l) => l.path === f.path)?.names ?? []);
    for (const a of f.globalArgs) if (!left.has(a.name)) wantGlobals.add(argKey(a));
  }
  const wholeFrom = whole.findIndex((i) => i.getKeyword() === 'FROM');
  const wholeHead = whole.slice(0, wholeFrom < 0 ? whole.length : wholeFrom);
  const gotGlobals = new Set(wholeHead.flatMap((i) => (i.getKeyword() === 'ARG' ? argDeclarations(i, escape).map(argKey) : [])));
  const missing = [...wantGlobals].find((g) => !gotGlobals.has(g));
  const extra = [...gotGlobals].find((g) => !wantGlobals.has(g));
  if (missing) fail(`the global \`ARG ${missing}\` of the files it was merged from is missing`);
  else if (extra) fail(`it declares the global \`ARG ${extra}\`, which was meant to be left out`);
  return out;
}
