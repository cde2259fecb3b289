/**
 * Dockerfile reading side: dockerfile-ast parses, and this reduces the tree to the facts a
 * merge needs (stages, COPY/ADD sources with their offsets, ARGs, parser directives).
 */
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { argDeclarations } from './arg-declarations.js';
import './dockerfile-arguments.js';
import './dockerfile-parses.js';
import { LineIndex } from '../model/text.js';
import { exactList } from '../model/exact-list.js';
import { execFormArgs, jsonStringValue } from './exec-form.js';
import { mayHoldHeredoc } from './dockerfile-heredocs.js';

export interface Span {
  start: number;
  end: number;
}

export interface StageFacts {
  index: number;
  name: string | null;
  /** The FROM instruction. */
  from: Span & { line: number };
  /** End of the image reference (where ` AS name` goes). */
  imageEnd: number;
  image: string;
  platform: string | null;
  /** ARG names declared inside the stage. */
  args: string[];
  /** ARG names declared inside the stage without a default: a global ARG's default reaches them. */
  bareArgs: string[];
  /** End of the stage's last instruction (where instructions are appended). */
  end: number;
  /** The stage's own last CMD / ENTRYPOINT: exec form as an array, shell form as a string. */
  cmd: string[] | string | null;
  entrypoint: string[] | string | null;
  /** Paths declared with VOLUME in the stage. */
  volumes: string[];
  /** The argument of the stage's own last USER, as written; null when it has none. */
  user: string | null;
  /**
   * The SHELL the stage's own SHELL lines leave in effect at its end (`unknown` when one is not
   * in exec form), null when it has none: shell-form RUN, CMD and ENTRYPOINT run through it.
   */
  shell: string[] | 'unknown' | null;
  /** The stage's SHELL where its last CMD / ENTRYPOINT was written (null: none set before it in the stage). */
  cmdShell: string[] | 'unknown' | null;
  entrypointShell: string[] | 'unknown' | null;
}

export interface CopyFacts {
  keyword: 'COPY' | 'ADD';
  stage: number;
  line: number;
  span: Span;
  /** The `--from` flag value and the span of the whole flag, when present. */
  from: { value: string; span: Span } | null;
  /** Other flags' source text, e.g. `--chown=1:1`. */
  otherFlags: string[];
  json: boolean;
  sources: (Span & { value: string })[];
  dest: (Span & { value: string }) | null;
  heredoc: boolean;
}

export interface DirectiveFacts {
  name: string;
  value: string;
  /** The whole directive line, terminator included. */
  span: Span;
}

export interface DockerfileFacts {
  path: string;
  text: string;
  lines: LineIndex;
  escape: string;
  directives: DirectiveFacts[];
  /** Where the text after the directives starts. */
  bodyStart: number;
  globalArgs: { name: string; value: string | null }[];
  stages: StageFacts[];
  copies: CopyFacts[];
  /** Instructions before which the first FROM's leading comments start. */
  firstFromBlockStart: number;
  /**
   * dockerfile-ast's instructions. Not held: parsed again from `text` when asked for (the
   * parser keeps its last few parses), since they were most of what a parsed Dockerfile held.
   */
  readonly instructions: Instruction[];
}

/**
 * The facts of every Dockerfile are held from analysis to the end of the plan (the merge reads
 * them), but dockerfile-ast's objects are asked for only while one setup is merged and checked,
 * one Dockerfile after another. So they are parsed again on demand, about 0.1 ms a Dockerfile;
 * the parser keeps its last parses by text (./dockerfile-parses.ts), so the asks of one setup's
 * merge and checks, and of a file with the same text as one read just before, are one parse.
 */
const FACTS = Object.defineProperty({}, 'instructions', {
  get(this: DockerfileFacts) {
    return DockerfileParser.parse(this.text).getInstructions();
  },
  enumerable: false,
});

export function readDockerfile(path: string, text: string): DockerfileFacts {
  const ast = DockerfileParser.parse(text);
  const lines = new LineIndex(text);
  const at = (p: { line: number; character: number }) => lines.offsetAt(p);
  const span = (r: { start: { line: number; character: number }; end: { line: number; character: number } }): Span => ({
    start: at(r.start),
    end: at(r.end),
  });

  const directives: DirectiveFacts[] = ast.getDirectives().map((d) => {
    const line = d.getRange().start.line + 1;
    return { name: d.getName().toLowerCase(), value: d.getValue(), span: { start: lines.lineStart(line), end: lines.lineEndWithTerminator(line) } };
  });
  const bodyStart = directives.length ? directives[directives.length - 1]!.span.end : 0;

  const stages: StageFacts[] = [];
  const copies: CopyFacts[] = [];
  const instructions = ast.getInstructions();
  const escape = ast.getEscapeCharacter();
  // Every name an ARG line before the first FROM declares (`ARG A=1 B=2` declares two).
  const globalArgs = ast.getInitialARGs().flatMap((i) => argDeclarations(i, escape).map(({ name, value }) => ({ name, value })));
  /** The instruction's argument text as written (continuations included). */
  const argText = (ins: Instruction): string => {
    const r = ins.getArgumentsRange();
    return r ? text.slice(at(r.start), at(r.end)) : '';
  };
  for (const ins of instructions) {
    const kw = ins.getKeyword();
    if (kw === 'FROM') {
      const from = ins as any;
      const imageRange = from.getImageRange();
      const stageName: string | null = from.getBuildStage();
      const platform = from.getPlatformFlag()?.getValue() ?? null;
      const s = span(ins.getRange());
      stages.push({
        index: stages.length,
        name: stageName,
        from: { start: s.start, end: s.end, line: ins.getRange().start.line + 1 },
        imageEnd: imageRange ? at(imageRange.end) : s.end,
        image: from.getImage() ?? '',
        platform,
        args: [],
        bareArgs: [],
        end: s.end,
        cmd: null,
        entrypoint: null,
        volumes: [],
        user: null,
        shell: null,
        cmdShell: null,
        entrypointShell: null,
      });
      continue;
    }
    const stage = stages.length - 1;
    if (stage >= 0) {
      const st = stages[stage]!;
      st.end = span(ins.getRange()).end;
      if (kw === 'CMD' || kw === 'ENTRYPOINT') {
        const value = execFormArgs(argText(ins), escape) ?? (ins.getRawArgumentsContent() ?? '');
        if (kw === 'CMD') [st.cmd, st.cmdShell] = [value, st.shell];
        else [st.entrypoint, st.entrypointShell] = [value, st.shell];
      }
      if (kw === 'SHELL') {
        const argv = execFormArgs(argText(ins), escape);
        st.shell = argv && argv.length > 0 ? argv : 'unknown';
      }
      if (kw === 'USER') st.user = ins.getRawArgumentsContent() ?? '';
      if (kw === 'VOLUME') {
        st.volumes.push(...(execFormArgs(argText(ins), escape) ?? ins.getArguments().map((a) => a.getValue())));
      }
    }
    if (kw === 'ARG' && stage >= 0) {
      // `ARG A B=1` declares both: every name counts, not only the first.
      for (const { name, value } of argDeclarations(ins, escape)) {
        if (name) stages[stage]!.args.push(name);
        if (name && value === null) stages[stage]!.bareArgs.push(name);
      }
    }
    if ((kw === 'COPY' || kw === 'ADD') && stage >= 0) {
      copies.push(copyFacts(ins as Copy, kw, stage, span, lines, text));
    }
  }

  // The first FROM's leading comment block moves with it, so a merge inserts above it.
  let firstFromBlockStart = stages[0]?.from.start ?? text.length;
  if (stages[0]) {
    let l = stages[0].from.line - 1;
    while (l >= 1 && /^[ \t]*#/.test(lines.lineText(l)) && lines.lineStart(l) >= bodyStart) l--;
    firstFromBlockStart = lines.lineStart(l + 1);
  }

  const facts: DockerfileFacts = Object.assign(Object.create(FACTS) as DockerfileFacts, {
    path,
    text,
    lines,
    escape,
    directives,
    bodyStart,
    globalArgs,
    // Built by push, which leaves room for 17 elements (about 150 bytes for one stage or COPY):
    // every Dockerfile of the tree is kept until the plan is made, so each list is kept at its size.
    stages: stages.map((st) => Object.assign(st, { args: exactList(st.args), bareArgs: exactList(st.bareArgs), volumes: exactList(st.volumes) })),
    copies: exactList(copies),
    firstFromBlockStart,
  });
  return facts;
}

/*
 * Spans are written field by field, never spread into a literal with a new key
 * (`{ ...span, value }`): V8 gave each such object a hidden class of its own, with its
 * descriptors and an out-of-object property store (about 250 bytes instead of 48), and every
 * COPY's sources and destination and every stage's FROM are kept until the plan is made.
 */
function copyFacts(
  ins: Copy,
  keyword: 'COPY' | 'ADD',
  stage: number,
  span: (r: any) => Span,
  lines: LineIndex,
  text: string,
): CopyFacts {
  const flags = ins.getFlags();
  const fromFlag = flags.find((f) => f.getName() === 'from');
  const otherFlags = exactList(flags.filter((f) => f !== fromFlag).map((f) => f.toString()));
  const jsonStrings = (ins as any).getJSONStrings?.() ?? [];
  const heredoc = mayHoldHeredoc(ins);
  let items: (Span & { value: string })[];
  const json = jsonStrings.length > 0;
  if (json) {
    items = jsonStrings.map((j: any) => {
      const s = span(j.getRange());
      return { start: s.start, end: s.end, value: jsonStringValue(text.slice(s.start, s.end)) ?? j.getJSONValue() };
    });
  } else {
    items = ins.getArguments().map((a) => {
      const s = span(a.getRange());
      return { start: s.start, end: s.end, value: a.getValue() };
    });
  }
  return {
    keyword,
    stage,
    line: ins.getRange().start.line + 1,
    span: span(ins.getRange()),
    from: fromFlag ? { value: fromFlag.getValue() ?? '', span: span(fromFlag.getRange()) } : null,
    otherFlags,
    json,
    sources: items.slice(0, -1),
    dest: items[items.length - 1] ?? null,
    heredoc,
  };
}
