/**
 * Dockerfile transform: merges a builder Dockerfile into the runtime Dockerfile as a named
 * stage, as edits on the runtime file's own text. Outside what must change (the inserted
 * stage, the COPY lines that now read from it, stage indexes that shift) every byte of
 * both files is kept, comments and trailing spaces included.
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { canonicalImage } from '../src/model/image-ref.js';
import { diag, type Diagnostic } from '../src/model/diagnostics.js';
import { applyEdits, type Edit } from '../src/model/edits.js';
import { numberedMounts, stageRefsOf } from '../src/analyze/stage-refs.js';
import type { MergeIntent } from '../src/plan/merge-structure.js';
import type { InnerMode } from '../src/plan/inner-modes.js';
import { detectEol, trimTrailingSlashes } from '../src/model/text.js';
import { freeStageName, namesInUse } from './stage-names.js';
import { renameStages, shiftEdit } from './stage-rename.js';
import { continuationEdits } from './escape-convert.js';
import { heredocEndingConflict } from './heredoc-endings.js';
import { unreadHeredocIn } from '../src/analyze/dockerfile-heredocs.js';
import { syntaxReach } from './syntax-reach.js';
import { failsOnCheckWarnings } from './check-directive.js';
import { changedGlobalReads } from './global-arg-reads.js';
import { folderMayStand, namedDest } from './renamed-dest.js';
import { dirname as posixDirname } from 'node:path/posix';
import { chmodTwin, destFolderExists, withAncestors } from './chmod-parents.js';
import { unreadGlobalArgs, type UnreadGlobals } from './unread-global-args.js';
import { addTo } from '../src/model/multimap.js';
import type { PassedArgs } from '../src/analyze/copy-variables.js';

export { failsOnCheckWarnings };

/** A line BuildKit would read as a parser directive at the top of a file (`# name=value`). */
const DIRECTIVE_LIKE = /^[ \t]*#[ \t]*[A-Za-z][A-Za-z0-9]*[ \t]*=/;
/** The runtime file keeps all its globals. */
const NONE_UNREAD: UnreadGlobals = { names: new Set(), edits: () => [] };

export interface ConsumerRewrite {
  copy: number;
  source: number;
  stagePath: string;
  hostSource: string;
  /** The mode the host copy had when the extraction lost the container's (`cat > f`), or a host chmod set it whole. */
  mode: number | null;
  /** The host `chmod` that set the whole mode of a copy that had kept the container's (src/plan/inner-modes.ts hostChmodFiles). */
  modeBy?: string;
  /** Known to be a folder (`docker cp x:/d/. dst`, `tar -c .`): COPY takes its contents, so its name does not matter. */
  folder: boolean;
  /** What the Dockerfiles prove a renamed artifact is (src/plan/artifact-kind.ts), or null. */
  kind?: 'file' | 'folder' | null;
  /** Why the kind is unproven (null kind), for the refusal's message. */
  kindWhy?: string;
  /** Files inside this copied folder whose mode a host chmod set (src/plan/inner-modes.ts): each gets a COPY --chmod after the line. */
  innerModes?: InnerMode[];
  /** The source is a repository folder holding the artifact at this relative path: the line stays, a COPY --from follows. */
  /** With `within`: a folder made only to hold artifacts, not in the repository; the line is replaced, not kept. */
  folderOnly?: true;
  within?: string;
}

/** One builder Dockerfile to merge, with what its setup knows about it. */
export interface BuilderPart {
  builder: DockerfileFacts;
  /** The builder stage the old build produced (its last, or the one named by --target). */
  builderStage: number;
  /** Name for the builder stage when it has none. */
  stageName: string;
  /** The user chose `stageName` (--stage-name): a clash refuses instead of picking another name. */
  stageNameFixed?: boolean;
  /** Tags the old builder image had: references to them in the runtime file become the stage. */
  builderTags: string[];
  consumers: ConsumerRewrite[];
  /** Instructions appended to the builder stage (a build that used to happen at run time). */
  appendToBuilder?: string[];
  /** A `FROM scratch` stage holding the files the host still needs (built with --output). */
  exportStage?: { name: string; files: { containerPath: string; dest: string; mode: number | null }[] };
  /**
   * The plan's edits on the builder's text: COPY/ADD sources rewritten (it was built from a
   * subfolder of the runtime's context), the escape character its last instruction ended in
   * dropped (src/plan/dangling-continuation.ts), build arguments written as defaults of its
   * stage-level ARGs (src/plan/baked-args.ts).
   */
  textEdits?: Edit[];
  /** Build arguments whose values textEdits wrote as defaults of the builder's stage-level ARGs (src/plan/baked-args.ts). */
  argDefaults?: ReadonlyMap<string, string>;
  /** Edits on the runtime's text that rewrite its COPY/ADD sources (sibling contexts, read from their common parent). */
  runtimeSourceEdits?: Edit[];
}

export interface MergeInput extends BuilderPart {
  runtime: DockerfileFacts;
  runtimeBuildArgs?: PassedArgs;
  setup: string;
}

/**
 * The first `instructions` instructions (the FROM included) of every builder's first stage
 * are the same: they become one stage `name`, and each builder's first stage starts FROM it.
 */
export interface SharedBase {
  name: string;
  instructions: number;
}

export interface MergeManyInput {
  runtime: DockerfileFacts;
  /** The runtime build's `--build-arg` values (src/analyze/copy-variables.ts passedArgs), which outweigh the file's ARG defaults. */
  runtimeBuildArgs?: PassedArgs;
  builders: BuilderPart[];
  sharedBase?: SharedBase | null;
  setup: string;
}

export interface MergeResult {
  edits: Edit[];
  text: string;
  /** What the merged text is meant to hold, for the structural check. */
  intent: MergeIntent;
  stageRef: string;
  /** Stages of the builder file renamed because another merged file has their name: their new names. */
  renamed: string[];
  notes: string[];
  diagnostics: Diagnostic[];
}

export interface MergeManyResult {
  edits: Edit[];
  text: string;
  /** What the merged text is meant to hold, for the structural check. */
  intent: MergeIntent;
  /** Each builder's stage name in the merged file, in input order. */
  stageRefs: string[];
  /** Stages of builder files renamed because another merged file has their name: their new names. */
  renamed: string[];
  notes: string[];
  diagnostics: Diagnostic[];
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

/** A space ends a path in a shell-form COPY line; a JSON-form one holds it inside a string. */
const spaced = (p: string) => p.includes(' ');
/** The paths of a JSON-form COPY line. */
const jsonArgs = (paths: string[]) => `[${paths.map((p) => JSON.stringify(p)).join(', ')}]`;

export function mergeDockerfiles(input: MergeInput): MergeResult {
  const { runtime, setup, runtimeBuildArgs, ...part } = input;
  const r = mergeBuilders({ runtime, setup, builders: [part], ...(runtimeBuildArgs !== undefined ? { runtimeBuildArgs } : {}) });
  return { edits: r.edits, text: r.text, intent: r.intent, stageRef: r.stageRefs[0] ?? '', renamed: r.renamed, notes: r.notes, diagnostics: r.diagnostics };
}

/** Where the stage `index` of `facts` ends its first `count` instructions (FROM included). */
export function stagePrefixEnd(facts: DockerfileFacts, index: number, count: number): number {
  const stage = facts.stages[index]!;
  const own = facts.instructions.filter((ins) => {
    const start = facts.lines.offsetAt(ins.getRange().start);
    return start >= stage.from.start && start < stage.end;
  });
  return facts.lines.offsetAt(own[count - 1]!.getRange().end);
}

/**
 * Merges one or more builder Dockerfiles into the runtime Dockerfile, in order, before its
 * first FROM. Every builder's global ARGs stay global (they all go before the first stage).
 */
export function mergeBuilders(input: MergeManyInput): MergeManyResult {
  const { runtime, setup } = input;
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const edits: Edit[] = [];
  const eol = detectEol(runtime.text);
  const refuse = (code: Parameters<typeof diag>[0], message: string, file: string, line: number | undefined, hint: string) =>
    diagnostics.push(diag(code, 'error', message, { file, ...(line !== undefined ? { line } : {}), hint, setup }));
  const renamed: string[] = [];
  // A file whose shared names could not be renamed was refused for them already, once.
  const unrenamed = new Set<string>();
  const builders = renameSharedStageNames(input, notes, (...args) => {
    unrenamed.add(args[2]);
    refuse(...args);
  }, renamed);

  // One builder file built more than once (`--target api`, `--target worker`) goes in once.
  const firstOf = builders.map((b) => builders.findIndex((x) => x.builder.path === b.builder.path));
  const files = builders.filter((_, i) => firstOf[i] === i);

  // A directive after an unknown one is a comment to Docker, a directive to the parser here.
  for (const facts of [runtime, ...files.map((f) => f.builder)]) {
    const unread = unreadDirective(facts);
    const misread = unreadHeredocIn(facts, { setup });
    if (misread) diagnostics.push(misread);
    if (unread) refuse('DIRECTIVE_CONFLICT', `\`# ${unread.after.name}=${unread.after.value}\` in ${facts.path} is no directive Docker knows, and Docker stops reading parser directives there: the \`# ${unread.name}=\` line after it is a comment to Docker, while the tool would read it as a directive (its escape character, its frontend)`, facts.path, facts.lines.lineOf(unread.span.start), `Move \`# ${unread.after.name}=\` below the directives (or remove it), then run the tool again.`);
  }
  // Parser directives are only valid at the very top of the merged file.
  const moved = new Map<string, { value: string; path: string }>();
  // A builder whose escape character only continues lines takes the runtime's.
  const escapeEdits = new Map<string, Edit[]>();
  for (const { builder } of files) {
    if (builder.escape !== runtime.escape) {
      const converted = input.sharedBase ? null : continuationEdits(builder, runtime.escape);
      if (converted) {
        escapeEdits.set(builder.path, converted);
        notes.push(converted.length === 0 ? `${builder.path} escapes with \`${builder.escape}\` but uses its escape character nowhere, so it reads the same under ${runtime.path}'s \`${runtime.escape}\`` : `${builder.path} continues lines with \`${builder.escape}\` and uses it for nothing else: its ${converted.length} continuation(s) become ${runtime.path}'s \`${runtime.escape}\`, and every instruction reads as before`);
      } else {
        refuse('ESCAPE_MISMATCH', `${builder.path} escapes with \`${builder.escape}\` but ${runtime.path} with \`${runtime.escape}\`, and its escape character does more than continue lines; one file cannot hold both`, builder.path, 1, 'Use the same `# escape=` directive in both files, then run the tool again.');
      }
    }
    const heredocLine = heredocEndingConflict(builder, eol);
    if (heredocLine !== null) {
      const name = (e: string) => (e === '\r\n' ? 'CRLF' : 'LF');
      refuse('HEREDOC_LINE_ENDINGS', `a heredoc in ${builder.path} has line endings other than ${runtime.path}'s ${name(eol)}; BuildKit keeps a heredoc's carriage returns, so converting them would change what the builder stage runs or writes`, builder.path, heredocLine, `Give both Dockerfiles the same line endings (a heredoc with LF endings is what BuildKit runs as written), then run the tool again.`);
    }
    // `# check=…;error=true` fails a build on a check's warning; merged, it would reach the other file's stages too.
    const strictBuilder = builder.directives.find((d) => d.name === 'check' && failsOnCheckWarnings(d.value));
    const strictRuntime = runtime.directives.find((d) => d.name === 'check' && failsOnCheckWarnings(d.value));
    if (strictBuilder && !runtime.directives.some((d) => d.name === 'check')) {
      refuse('DIRECTIVE_CONFLICT', `# check=${strictBuilder.value} in ${builder.path} makes build-check warnings errors; at the top of ${runtime.path} it would apply to ${runtime.path}'s own stages, which were built without it`, builder.path, builder.lines.lineOf(strictBuilder.span.start), 'Give both Dockerfiles the same `# check=` directive (or none), then run the tool again.');
    }
    if (strictRuntime && !builder.directives.some((d) => d.name === 'check')) {
      refuse('DIRECTIVE_CONFLICT', `# check=${strictRuntime.value} in ${runtime.path} makes build-check warnings errors; merged, it would apply to the stages of ${builder.path} too, which were built without it`, runtime.path, runtime.lines.lineOf(strictRuntime.span.start), 'Give both Dockerfiles the same `# check=` directive (or none), then run the tool again.');
    }
    for (const d of builder.directives) {
      if (d.name === 'escape') continue;
      const other = runtime.directives.find((r) => r.name === d.name) ?? null;
      const earlier = moved.get(d.name);
      if (other && other.value.trim() !== d.value.trim()) {
        refuse('DIRECTIVE_CONFLICT', `# ${d.name}= is ${d.value} in ${builder.path} but ${other.value} in ${runtime.path}`, builder.path, builder.lines.lineOf(d.span.start), `Make the two \`# ${d.name}=\` directives agree, then run the tool again.`);
      } else if (!other && earlier && earlier.value.trim() !== d.value.trim()) {
        refuse('DIRECTIVE_CONFLICT', `# ${d.name}= is ${d.value} in ${builder.path} but ${earlier.value} in ${earlier.path}`, builder.path, builder.lines.lineOf(d.span.start), `Make the two \`# ${d.name}=\` directives agree, then run the tool again.`);
      } else if (!other && !earlier) {
        moved.set(d.name, { value: d.value, path: builder.path });
        // Without the builder's byte-order mark, and after the runtime's: the mark stays the file's first character.
        const line = builder.text.slice(d.span.start, d.span.end).replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
        // (after the runtime's own directives: podman reads `# escape=` only when it comes before `# syntax=`;
        // but before one Docker does not know, `# maintainer=ops`, where Docker stops reading them)
        const unknown = runtime.directives.find((r) => !KNOWN_DIRECTIVES.has(r.name));
        const top = Math.max(runtime.text.startsWith('\uFEFF') ? 1 : 0, unknown ? unknown.span.start : runtime.bodyStart);
        edits.push({ start: top, end: top, text: line + eol });
        notes.push(`the \`# ${d.name}=\` directive of ${builder.path} moves to the top of ${runtime.path}, the only place it is valid`);
      }
    }
  }

  // Global ARGs of every file stay global: the builder blocks go in before the runtime's first FROM.
  /** Names refused already (a conflict, or a leak into a file): the reads check below does not repeat them. */
  const refusedArgs = new Set<string>();
  files.forEach(({ builder }, bi) => {
    for (const a of builder.globalArgs) {
      const r = runtime.globalArgs.find((x) => x.name === a.name);
      if (r && r.value !== a.value) {
        refusedArgs.add(a.name);
        refuse('ARG_CONFLICT', `the global ARG ${a.name} defaults to ${a.value ?? '(nothing)'} in ${builder.path} but ${r.value ?? '(nothing)'} in ${runtime.path}`, builder.path, undefined, 'Give the ARG the same default in both files, then run the tool again.');
      }
      for (const { builder: other } of files.slice(0, bi)) {
        const o = other.globalArgs.find((x) => x.name === a.name);
        if (o && o.value !== a.value) {
          refusedArgs.add(a.name);
          refuse('ARG_CONFLICT', `the global ARG ${a.name} defaults to ${a.value ?? '(nothing)'} in ${builder.path} but ${o.value ?? '(nothing)'} in ${other.path}`, builder.path, undefined, 'Give the ARG the same default in both files, then run the tool again.');
        }
      }
    }
  });

  // A global ARG default of one file now reaches the stages of the others that declare the ARG
  // without a default (and their FROM lines), where it was empty before. A builder's global
  // that none of its own readers names leaves the merged file instead (./unread-global-args.ts).
  const everyFile = [runtime, ...files.map((f) => f.builder)];
  const unread = new Map<DockerfileFacts, UnreadGlobals>();
  const unreadOf = (f: DockerfileFacts) => unread.get(f) ?? unread.set(f, f === runtime ? NONE_UNREAD : unreadGlobalArgs(f)).get(f)!;
  /** Per builder file, the globals left out. */
  const leftOut = new Map<DockerfileFacts, Set<string>>();
  for (const from of everyFile) {
    for (const a of from.globalArgs) {
      if (a.value === null) continue;
      for (const to of everyFile) {
        if (to === from || to.globalArgs.some((g) => g.name === a.name)) continue;
        const st = to.stages.find((x) => x.bareArgs.includes(a.name) || new RegExp(`\\$\\{?${a.name}\\b`).test(x.image));
        if (st && unreadOf(from).names.has(a.name)) {
          const names = leftOut.get(from) ?? leftOut.set(from, new Set()).get(from)!;
          if (!names.has(a.name)) {
            names.add(a.name);
            notes.push(`the global \`ARG ${a.name}=${a.value}\` of ${from.path} is read by none of its FROM lines or stages, and would reach stage ${st.name ?? st.index} of ${to.path} (line ${st.from.line}), where ${a.name} had no value: the merged file leaves it out`);
          }
        } else if (st) {
          refusedArgs.add(`${to.path}\0${a.name}`);
          refuse('ARG_LEAK', `the global \`ARG ${a.name}=${a.value}\` of ${from.path} would reach stage ${st.name ?? st.index} of ${to.path} (line ${st.from.line}), where ${a.name} had no value before`, from.path, undefined, `Rename the ARG in one of the files (or give it a default in ${to.path}), then run the tool again.`);
        }
      }
    }
  }

  // Every other read of a global (a FROM's flags, another global's default, a name declared in
  // several files) must see what it saw in its own file (./global-arg-reads.ts).
  for (const r of changedGlobalReads(everyFile, leftOut)) {
    if (refusedArgs.has(r.name) || refusedArgs.has(`${r.file.path}\0${r.name}`)) continue;
    refuse('ARG_LEAK', `line ${r.line} of ${r.file.path} reads the global ARG ${r.name}: there it is ${r.before}; in the merged file it would be ${r.after}`, r.file.path, r.line, `Give ${r.name} the same literal default in every file that declares it, or rename it in one of them, then run the tool again.`);
  }

  // Stage names.
  const stageRefs: string[] = [];
  const runtimeNames = new Set(runtime.stages.map((s) => s.name?.toLowerCase()).filter(Boolean) as string[]);
  const builderNames = new Map<string, string>();
  // A default name the merged file already uses gives way to a free one (`builder-2`).
  const inUse = namesInUse([runtime, ...files.map((f) => f.builder)], new Set(builders.flatMap((b) => b.builderTags)), [
    ...(input.sharedBase ? [input.sharedBase.name] : []),
    ...builders.flatMap((b) => (b.exportStage ? [b.exportStage.name] : [])),
  ]);
  for (const [bi, { builder, builderStage, stageName, stageNameFixed }] of builders.entries()) {
    const stage = builder.stages[builderStage];
    if (!stage) {
      refuse('TARGET_NOT_FOUND', builderStage < 0 ? `${builder.path} has no stage the builder build's --target names` : `${builder.path} has no stage ${builderStage}`, builder.path, undefined, 'Check the --target of the builder build.');
      return { edits: [], text: runtime.text, intent: emptyIntent(runtime), stageRefs: [], renamed, notes, diagnostics };
    }
    const first = builders[firstOf[bi]!]!;
    if (first !== builders[bi]) {
      // The file is in already: its stage is the builder, by its name.
      if (!stage.name && first.builderStage !== builderStage) {
        refuse('STAGE_NAME_COLLISION', `${builder.path} is built twice, and stage ${builderStage} has no name to tell it apart`, builder.path, stage.from.line, 'Name the stage, then run the tool again.');
      }
      stageRefs.push(stage.name ?? stageRefs[firstOf[bi]!]!);
      continue;
    }
    for (const s of unrenamed.has(builder.path) ? [] : builder.stages) {
      if (s.name && runtimeNames.has(s.name.toLowerCase())) {
        refuse('STAGE_NAME_COLLISION', `stage \`${s.name}\` is named in both ${builder.path} and ${runtime.path}`, builder.path, s.from.line, 'Rename the stage in one of the files, then run the tool again.');
      }
      const earlier = s.name ? builderNames.get(s.name.toLowerCase()) : undefined;
      if (s.name && earlier) {
        refuse('STAGE_NAME_COLLISION', `stage \`${s.name}\` is named in both ${builder.path} and ${earlier}`, builder.path, s.from.line, 'Rename the stage in one of the files, then run the tool again.');
      }
    }
    for (const s of builder.stages) if (s.name) builderNames.set(s.name.toLowerCase(), builder.path);
    const ref = stage.name ?? (stageNameFixed ? stageName : freeStageName(stageName, inUse));
    if (ref !== stageName && !stage.name) notes.push(`the builder stage is named \`${ref}\`: \`${stageName}\` is already a stage or an image name in these files`);
    if (!stage.name) inUse.add(ref.toLowerCase());
    stageRefs.push(ref);
  }
  const allBuilderNames = new Set(builderNames.keys());
  builders.forEach(({ builder, builderStage }, bi) => {
    if (firstOf[bi] !== bi) return;
    const ref = stageRefs[bi]!;
    const clash = runtimeNames.has(ref.toLowerCase()) || allBuilderNames.has(ref.toLowerCase()) || stageRefs.slice(0, bi).some((r) => r.toLowerCase() === ref.toLowerCase());
    if (!builder.stages[builderStage]!.name && clash) {
      refuse('STAGE_NAME_COLLISION', `the stage name \`${ref}\` is already used`, runtime.path, undefined, 'Choose another name with --stage-name NAME.');
    }
  });
  const base = input.sharedBase ?? null;
  if (base && (runtimeNames.has(base.name.toLowerCase()) || allBuilderNames.has(base.name.toLowerCase()) || stageRefs.some((r) => r.toLowerCase() === base.name.toLowerCase()))) {
    refuse('STAGE_NAME_COLLISION', `the stage name \`${base.name}\` for the shared base is already used`, runtime.path, undefined, 'Choose another name with --stage-name NAME.');
  }

  // A new stage name must not capture a reference that meant an image (or a named context):
  // `FROM alpine` under a stage named alpine, `COPY --from=builder` of an image named builder.
  const exportNames = builders.flatMap((b) => (b.exportStage ? [b.exportStage.name] : []));
  const introduced = new Map<string, string>();
  for (const n of [...allBuilderNames, ...stageRefs, ...(base ? [base.name] : []), ...exportNames]) introduced.set(n.toLowerCase(), n);
  const builderTagSet = new Set(builders.flatMap((b) => b.builderTags));
  for (const r of stageRefsOf(runtime.instructions).refs) {
    if (r.resolved === null && r.kind === 'mount' && builderTagSet.has(canonicalImage(r.value))) {
      // FROM and COPY --from of the builder image become the stage; a mount would keep naming an image no longer built.
      refuse('BUILDER_TAG_USED', `\`RUN --mount=…from=${r.value}\` in ${runtime.path} mounts the builder image, which the merged build no longer builds`, runtime.path, runtime.stages[r.stage]?.from.line, 'Mount the builder stage by hand (from=<stage name>) after migrating, or migrate this setup by hand.');
      continue;
    }
    if (r.resolved !== null || builderTagSet.has(canonicalImage(r.value))) continue;
    // A reference through a variable (`ARG IMG=alpine`, `FROM ${IMG}`) is a stage name once
    // expanded: read with the file's global defaults, or refused where it may name any stage.
    if (r.value.includes('$')) {
      const value = variableRefValue(r.value, runtime.globalArgs, input.runtimeBuildArgs);
      const n = value === null ? null : introduced.get(value.toLowerCase());
      if (value === null || n) refuse('STAGE_NAME_COLLISION', value === null ? `\`${r.value}\` in ${runtime.path} is only known at build time, and may name a stage the merged file would have (\`${[...introduced.values()].join('`, `')}\`), which it would then mean` : `\`${r.value}\` in ${runtime.path} names the image \`${value}\` (its ARG's default), but the merged file would have a stage \`${n}\`, which it would then mean`, runtime.path, runtime.stages[r.stage]?.from.line, 'Write the image name literally (or give the variable a default no stage uses), or choose another name with --stage-name NAME, then run the tool again.');
      continue;
    }
    const n = introduced.get(r.value.toLowerCase());
    if (n) refuse('STAGE_NAME_COLLISION', `\`${r.value}\` in ${runtime.path} names an image, but the merged file would have a stage \`${n}\`, which it would then mean`, runtime.path, runtime.stages[r.stage]?.from.line, 'Choose another name with --stage-name NAME (or rename the stage), then run the tool again.');
  }
  files.forEach(({ builder }) => {
    const own = new Set(builder.stages.map((st) => st.name?.toLowerCase()).filter(Boolean));
    for (const r of stageRefsOf(builder.instructions).refs) {
      if (r.resolved !== null) continue;
      const lower = r.value.toLowerCase();
      if (own.has(lower)) continue;
      const n = introduced.get(lower);
      if (n) refuse('STAGE_NAME_COLLISION', `\`${r.value}\` in ${builder.path} names an image, but the merged file would have a stage \`${n}\`, which it would then mean`, builder.path, builder.stages[r.stage]?.from.line, 'Choose another name with --stage-name NAME (or rename the stage), then run the tool again.');
      // The runtime's stages all stand after the builder's. A FROM reads only the stages before
      // it (BuildKit, the classic builder and buildah alike), so \`FROM golang\` still names the
      // image; BuildKit looks a --from name up among every stage of the file, later ones too.
      else if (runtimeNames.has(lower) && r.kind !== 'from') refuse('STAGE_NAME_COLLISION', `\`${r.value}\` in ${builder.path} names an image, but ${runtime.path} has a stage \`${r.value}\`: merged, BuildKit looks a --from name up among every stage of the file, later ones included, and would read that stage (or fail) instead of the image`, builder.path, r.line, `Rename the stage \`${r.value}\` in ${runtime.path} (and every reference to it), or write the image's full name (e.g. \`docker.io/library/${r.value}\`), then run the tool again.`);
    }
  });

  // BuildKit builds only the stages the target depends on: say which builder stages that leaves out.
  for (const { builder } of files) {
    const onPath = new Set(builders.filter((b) => b.builder.path === builder.path).flatMap((b) => [...stagesOnPath(builder, b.builderStage)]));
    for (const st of builder.stages) {
      if (!onPath.has(st.index)) {
        notes.push(`stage ${st.name ?? st.index} of ${builder.path} (line ${st.from.line}) is not on the path to the final image: BuildKit skips it (as it did in the old build, unless that used the classic builder)`);
      }
    }
  }

  // The builder blocks: each builder file minus its directives, its stage named. Global ARGs
  // and the comments around them (the text before each file's first FROM) all go first.
  const preambles: string[] = [];
  const bodies: string[] = [];
  const intendedBuilders: MergeIntent['builders'] = [];
  let offset = base ? 1 : 0;
  let baseText = '';
  builders.forEach((part, bi) => {
    const { builder } = part;
    const stage = builder.stages[part.builderStage]!;
    const stageRef = stageRefs[bi]!;
    if (firstOf[bi] !== bi) {
      if ((part.appendToBuilder?.length ?? 0) > 0 || part.exportStage) {
        refuse('SHARED_DOCKERFILE', `${builder.path} is built twice, and the second build would add instructions of its own to the one copy`, builder.path, stage.from.line, 'Migrate these setups by hand.');
      }
      return;
    }
    const builderEdits: Edit[] = [];
    const first = builder.stages[0]!;
    const textEdits = part.textEdits ?? [];
    const baseEnd = base ? stagePrefixEnd(builder, 0, base.instructions) : first.from.start;
    // An escape character the plan's edits drop is not converted to the runtime's first.
    const converted = (escapeEdits.get(builder.path) ?? []).filter((e) => textEdits.every((t) => e.end <= t.start || e.start >= t.end));
    builderEdits.push(...textEdits.filter((e) => e.start >= baseEnd), ...converted);
    const fromKw = (st: typeof stage) => (builder.text.slice(st.from.start, st.from.start + 4) === 'from' ? 'from' : 'FROM');
    const asKw = (st: typeof stage) => (fromKw(st) === 'from' ? 'as' : 'AS');
    if (base) {
      // The shared instructions go; the first stage starts FROM the base stage instead.
      const end = stagePrefixEnd(builder, 0, base.instructions);
      const name = first.name ?? (part.builderStage === 0 ? stageRef : null);
      if (bi === 0) {
        const inside = textEdits.filter((e) => e.start < end).map((e) => ({ ...e, start: e.start - first.from.end, end: e.end - first.from.end }));
        baseText = `${builder.text.slice(first.from.start, first.imageEnd)} ${asKw(first)} ${base.name}${applyEdits(builder.text.slice(first.from.end, end), inside)}`;
      }
      // Comment lines among the shared instructions stay with the builder, unless the base stage has them.
      const baseLines = baseText.split(/\r?\n/);
      const own = bi === 0 ? [] : builder.text.slice(first.from.end, end).split(/\r?\n/).filter((l) => /^[ \t]*#/.test(l) && !baseLines.includes(l));
      builderEdits.push({ start: first.from.start, end, text: [`${fromKw(first)} ${base.name}${name ? ` ${asKw(first)} ${name}` : ''}`, ...own].join(detectEol(builder.text)) });
    }
    if (!stage.name && !(base && part.builderStage === 0)) {
      builderEdits.push({ start: stage.imageEnd, end: stage.imageEnd, text: ` ${asKw(stage)} ${stageRef}` });
    }
    if (!stage.name) notes.push(`${builder.path} becomes the stage \`${stageRef}\` of ${runtime.path}`);
    else notes.push(`${builder.path} becomes the stages before ${runtime.path}'s own; its stage \`${stageRef}\` is the builder`);
    if (part.appendToBuilder && part.appendToBuilder.length > 0) {
      const beol = detectEol(builder.text);
      builderEdits.push({ start: stage.end, end: stage.end, text: part.appendToBuilder.map((l) => beol + l).join('') });
    }
    // Numeric stage references inside the builder move with the stages inserted before it.
    if (offset > 0) {
      for (const c of builder.copies) {
        if (c.from && /^\d+$/.test(c.from.value)) {
          builderEdits.push({ start: c.from.span.end - c.from.value.length, end: c.from.span.end, text: String(Number(c.from.value) + offset) });
          notes.push(`--from=${c.from.value} (${builder.path}:${c.line}) becomes --from=${Number(c.from.value) + offset}: ${offset} stage(s) now stand before it`);
        }
      }
      for (const m of numberedMounts(builder.instructions, (p) => builder.lines.offsetAt(p))) {
        builderEdits.push({ start: m.start, end: m.end, text: String(Number(m.value) + offset) });
        notes.push(`--mount=…,from=${m.value} (${builder.path}:${m.line}) becomes from=${Number(m.value) + offset}: ${offset} stage(s) now stand before it`);
      }
    }
    offset += builder.stages.length + (part.exportStage ? 1 : 0);
    const text = applyEdits(builder.text, builderEdits);
    // Every edit is at or after the first FROM: the text before it is the file's own.
    const split = builder.firstFromBlockStart;
    const left = leftOut.get(builder);
    const globals = (left ? unreadOf(builder).edits(left) : []).map((e) => ({ ...e, start: e.start - builder.bodyStart, end: e.end - builder.bodyStart }));
    preambles.push(applyEdits(text.slice(builder.bodyStart, split), globals));
    let body = text.slice(split);
    if (part.exportStage) {
      const x = part.exportStage;
      const exportArgs = (paths: string[]) => (paths.some(spaced) ? jsonArgs(paths) : paths.join(' '));
      // COPY --chmod makes the folders it creates with its mode (./chmod-parents.ts): where no
      // earlier line of the stage made the file's folder, a twin without it goes first.
      const made = new Set(['/']);
      const exportLines = x.files.flatMap((f) => {
        const line = (chmod: string) => `COPY --from=${stageRef}${chmod} ${exportArgs([f.containerPath, f.dest])}`;
        // (a file under an earlier line's destination lies in a folder that line copied)
        const lines = chmodTwin(line, f.mode !== null ? ` --chmod=${f.mode.toString(8).padStart(3, '0')}` : '', () => made.has(posixDirname(f.dest)) || [...made].some((d) => d !== '/' && f.dest.startsWith(`${d}/`)));
        withAncestors(f.dest, made);
        return lines;
      });
      body = body.replace(/(?:\r?\n[ \t]*)+$/, '') + '\n\n' + [`FROM scratch AS ${x.name}`, ...exportLines].join('\n');
      notes.push(`the stage \`${x.name}\` holds ${x.files.map((f) => f.dest.replace(/^\//, '')).join(', ')} for the host: \`docker build --target ${x.name} --output type=local,dest=…\` writes them where the extraction did`);
    }
    bodies.push(body);
    const appendAfter = builder.instructions.filter((ins) => builder.lines.offsetAt(ins.getRange().start) < stage.end).length;
    intendedBuilders.push({ original: builder, piece: -1, dropped: base ? base.instructions : 0, appended: part.appendToBuilder ?? [], appendAfter, ...(part.argDefaults ? { argDefaults: part.argDefaults } : {}) });
  });
  const normalize = (t: string) => t.replace(/^\uFEFF/, '').replace(/\r?\n/g, eol);
  // Drop trailing blank lines only: trailing spaces of the last instruction are the user's bytes.
  const trim = (t: string) => t.replace(/(?:\r?\n[ \t]*)+$/, '') + eol + eol;
  const inserted = [...preambles, ...(base ? [trim(baseText)] : []), ...bodies.map(trim)].map(normalize);
  // Each builder's stages are checked as inserted: the piece after the preambles and the base.
  intendedBuilders.forEach((b, k) => (b.piece = preambles.length + (base ? 1 : 0) + k));
  let block = inserted.join('');
  block = block.replace(/^(?:[ \t]*\r?\n)+/, '');
  // A byte-order mark stays the first character of the file.
  const insertAt = runtime.firstFromBlockStart === 0 && runtime.text.startsWith('\uFEFF') ? 1 : runtime.firstFromBlockStart;
  // Where nothing but directives stands before it, a first line written like one (`# syntax=…`, a
  // comment of the builder's after a blank line) would become a directive of the merged file:
  // the blank line stays before it, so it stays a comment.
  if (insertAt <= Math.max(runtime.text.startsWith('\uFEFF') ? 1 : 0, runtime.bodyStart) && DIRECTIVE_LIKE.test(block)) block = eol + block;
  edits.push({ start: insertAt, end: insertAt, text: block });
  const firstRuntimeEdit = edits.length;

  // References to the old builder images inside the runtime file now name their stages.
  const refOfTag = new Map<string, string>();
  builders.forEach((b, bi) => b.builderTags.forEach((t) => refOfTag.set(t, stageRefs[bi]!)));
  const shift = offset;
  // A name an earlier stage of the runtime file has is that stage, not the image of that tag
  // (`FROM alpine AS base` … `FROM base`, with the builder tagged `base`): it stays.
  const ownStage = (value: string, stage: number) => runtime.stages.some((st) => st.index < stage && st.name !== null && st.name.toLowerCase() === value.toLowerCase());
  // An ONBUILD of the builder stage fired when a runtime stage started FROM the built image; FROM
  // a stage of the same file, BuildKit fires it by a rule that changed between releases (not at
  // all in 0.17.0, moby/buildkit#5486; once for several stages FROM it, moby/buildkit#3522, as
  // the classic builder does, moby/moby#35652): what the runtime stage holds would depend on it.
  const onbuildOf = new Map<string, { path: string; line: number }>();
  builders.forEach((b) => {
    const st = b.builder.stages[b.builderStage];
    if (!st) return;
    const ins = b.builder.instructions.find((i) => i.getKeyword() === 'ONBUILD' && b.builder.lines.offsetAt(i.getRange().start) >= st.from.start && b.builder.lines.offsetAt(i.getRange().start) < st.end);
    if (ins) b.builderTags.forEach((t) => onbuildOf.set(t, { path: b.builder.path, line: ins.getRange().start.line + 1 }));
  });
  for (const s of runtime.stages) {
    const ref = ownStage(s.image, s.index) ? undefined : refOfTag.get(canonicalImage(s.image));
    const onbuild = ref ? onbuildOf.get(canonicalImage(s.image)) : undefined;
    if (onbuild) {
      refuse('BUILDER_TAG_USED', `FROM ${s.image} (${runtime.path}:${s.from.line}) starts from the builder image, whose stage has ONBUILD (${onbuild.path}:${onbuild.line}): the trigger fired when the runtime build started FROM the built image, but FROM a stage of the same file BuildKit fires it by a rule that changed between releases (not at all in 0.17.0; once for several stages FROM it, as the classic builder does)`, runtime.path, s.from.line, 'Keep the builder image and its build, or move the ONBUILD instructions into the runtime stage as plain instructions, then run the tool again.');
      continue;
    }
    if (ref) {
      const imageStart = runtime.text.indexOf(s.image, s.from.start);
      edits.push({ start: imageStart, end: imageStart + s.image.length, text: ref });
      notes.push(`FROM ${s.image} (${runtime.path}:${s.from.line}) now starts from the stage \`${ref}\` instead of the separately built image`);
    }
  }
  runtime.copies.forEach((c) => {
    if (!c.from) return;
    const v = c.from.value;
    const valueStart = c.from.span.end - v.length;
    const ref = ownStage(v, c.stage) ? undefined : refOfTag.get(canonicalImage(v));
    if (/^\d+$/.test(v)) {
      edits.push({ start: valueStart, end: c.from.span.end, text: String(Number(v) + shift) });
      notes.push(`--from=${v} (${runtime.path}:${c.line}) becomes --from=${Number(v) + shift}: ${shift} stage(s) now stand before it`);
    } else if (ref) {
      edits.push({ start: valueStart, end: c.from.span.end, text: ref });
    }
  });
  if (shift > 0) {
    for (const m of numberedMounts(runtime.instructions, (p) => runtime.lines.offsetAt(p))) {
      edits.push({ start: m.start, end: m.end, text: String(Number(m.value) + shift) });
      notes.push(`--mount=…,from=${m.value} (${runtime.path}:${m.line}) becomes from=${Number(m.value) + shift}: ${shift} stage(s) now stand before it`);
    }
  }

  // COPY/ADD lines that read artifacts from the context now read them from the stages.
  const byCopy = new Map<number, (ConsumerRewrite & { ref: string })[]>();
  builders.forEach((b, bi) => {
    for (const c of b.consumers) addTo(byCopy, c.copy, { ...c, ref: stageRefs[bi]! });
  });
  // Paths are written into Dockerfile words as they are. A plain space is written inside a
  // JSON-form line (a line the merge writes anew takes that form when a path needs it: `args`
  // below and the export stage; a line edited in place must have it already); quotes, `$`,
  // backslashes, other blanks and the escape character are refused, as `*`, `?` and `[` are.
  const unwritable = (p: string) => /[\t\n\r\f\v'"$`\\]/.test(p) || p.includes(runtime.escape);
  // `*`, `?` and `[` are literal in a `docker cp` path but patterns in COPY.
  const glob = (p: string) => /[*?[]/.test(p);
  // Every path a merged line names: an artifact's path in its stage, and where inside a copied folder it lands.
  const artifact = (p: string) => ({ path: p, what: 'the artifact path' });
  const landing = (p: string) => ({ path: p, what: 'the name a file lands under in a copied folder' });
  const written = (r: ConsumerRewrite) => [
    artifact(r.stagePath),
    ...(r.within !== undefined ? [landing(r.within)] : []),
    ...(r.innerModes ?? []).flatMap((m) => [artifact(m.stagePath), landing(m.within)]),
  ];
  const exported = (x: NonNullable<BuilderPart['exportStage']>) => x.files.flatMap((f) => [{ path: f.containerPath, what: 'the artifact path' }, { path: f.dest, what: 'the exported file' }]);
  for (const { path: c, what } of builders.flatMap((b) => [...b.consumers.flatMap(written), ...(b.exportStage ? exported(b.exportStage) : [])])) {
    if (unwritable(c)) {
      refuse('PATH_NEEDS_QUOTING', `${what} ${JSON.stringify(c)} has quotes, $, backslashes or blanks other than spaces, which the tool does not write into a Dockerfile`, runtime.path, undefined, 'Use a plain path for the build output, then run the tool again.');
    } else if (glob(c)) {
      refuse('PATH_NEEDS_QUOTING', `${what} ${JSON.stringify(c)} has \`*\`, \`?\` or \`[\`: literal characters for docker cp, but a pattern in COPY, which could match other files`, runtime.path, undefined, 'Use a plain path for the build output, then run the tool again.');
    }
  }
  // The runtime's own sources, as the common parent of sibling contexts reads them.
  const runtimeSource = new Map<number, Edit>();
  for (const b of builders) for (const e of b.runtimeSourceEdits ?? []) runtimeSource.set(e.start, e);
  const sourceText = (c: (typeof runtime.copies)[number], si: number) => {
    const e = runtimeSource.get(c.sources[si]!.start);
    return e ? (c.json ? (JSON.parse(e.text) as string) : e.text) : c.sources[si]!.value;
  };
  const keptLines = new Set<number>();
  for (const [ci, rewrites] of byCopy) {
    const copy = runtime.copies[ci]!;
    const dest = copy.dest!;
    let destIsDir = /[/\\]$/.test(dest.value) || dest.value === '.' || dest.value === '..' || copy.sources.length > 1;
    // A renamed file copied into a folder keeps its host name there: the destination names it.
    let fileDest: string | null = null;
    for (const r of rewrites) {
      // An artifact inside a copied folder gets a line of its own naming where it lands
      // (a folder's entries keep their names, and ADD does not unpack what is inside a folder).
      if (r.within !== undefined) continue;
      const hostBase = trimTrailingSlashes(r.hostSource).split('/').pop();
      const stageBase = trimTrailingSlashes(r.stagePath).split('/').pop();
      const folder = r.folder || r.kind === 'folder';
      // A destination not spelled as a folder may still be one: made by an earlier instruction
      // (`WORKDIR /app`, a COPY into it), or held by the base image (`COPY app /usr/local/bin`,
      // `WORKDIR /usr/local` + `COPY app bin`): the file landed inside it under its host name,
      // where COPY --from would land its stage name (./renamed-dest.ts folderMayStand).
      if (hostBase !== stageBase && !destIsDir && !folder) {
        const why = folderMayStand(runtime, copy, dest.value, hostBase ?? '', stageBase ?? '');
        if (destFolderExists(runtime, copy, dest.value, true)) {
          destIsDir = true;
        } else if (why !== null) {
          refuse('RENAME_AMBIGUOUS_DEST', `${r.hostSource} is ${r.stagePath} renamed on the way out, and \`${copy.keyword} ${r.hostSource} ${dest.value}\` (${runtime.path}:${copy.line}) lands it under its host name only if a folder stands at the destination: ${why}`, runtime.path, copy.line, `Name the destination in full, ending in the file's name (\`${copy.keyword} ${r.hostSource} ${dest.value.replace(/\/?$/, '/')}${hostBase}\`, or the path the file landed at), then run the tool again.`);
          continue;
        }
      }
      if (hostBase !== stageBase && destIsDir && !folder) {
        const named = namedDest(copy, r, hostBase ?? '', runtime.escape);
        if (typeof named === 'string') {
          fileDest = named;
          notes.push(`${r.stagePath} is a file (its build names it), so \`${copy.keyword} ${r.hostSource} ${dest.value}\` landed it as ${copy.json ? JSON.parse(named) : named}: the COPY --from names that destination in full`);
        } else {
          refuse('RENAME_AMBIGUOUS_DEST', `${r.hostSource} is ${r.stagePath} renamed on the way out, and \`${copy.keyword} … ${dest.value}\` copies it into a directory, so the name it lands under depends on whether it is a file: ${named.why}`, runtime.path, copy.line, `Name the destination in full (e.g. \`${copy.keyword} ${r.hostSource} ${dest.value.replace(/\/?$/, '/')}${hostBase}\`), then run the tool again.`);
        }
      }
      if (copy.keyword === 'ADD' && ARCHIVE.test(r.hostSource)) {
        refuse('ARTIFACT_ARCHIVE_ADD', `\`ADD ${r.hostSource}\` unpacks the archive; COPY --from would not`, runtime.path, copy.line, 'Unpack the archive in the builder stage and COPY its contents, then run the tool again.');
      } else if (copy.keyword === 'ADD' && !folder) {
        // ADD unpacks a local tar by its content, whatever its name: only a folder is provably not one.
        refuse('ARTIFACT_ARCHIVE_ADD', `\`ADD ${r.hostSource}\` unpacks the file if its content is a tar archive, whatever its name; COPY --from would not, and nothing proves ${r.stagePath} is not one`, runtime.path, copy.line, 'Use COPY for the artifact (or unpack it in the builder stage), then run the tool again.');
      }
    }
    const text = runtime.text;
    const kw = text.slice(copy.span.start, copy.span.start + copy.keyword.length);
    const copyKw = kw === kw.toLowerCase() ? 'copy' : 'COPY';
    // `cat > f` lost the container's mode: keep the mode the host file had (after any chmod).
    // The line's own --chmod: an octal one sets every file's mode; a symbolic one (`u+x`) changes
    // the mode the file has, which merged is the builder stage's, not the one the host gave it.
    const ownChmod = copy.otherFlags.find((f) => /^--chmod\b/i.test(f));
    const octalChmod = ownChmod !== undefined && /^--chmod=[0-7]{3,4}$/i.test(ownChmod);
    const symbolicChmod = (what: string) =>
      refuse('SYMBOLIC_CHMOD', `${copy.keyword} (${runtime.path}:${copy.line}) has \`${ownChmod}\`, which changes the mode a file has, and ${what} had a mode set on the host that the builder stage does not give it: merged, the mode would be applied to another starting mode`, runtime.path, copy.line, 'Write the mode in octal (`--chmod=755`), or set it in the builder Dockerfile instead of on the host, then run the tool again.');
    const chmodOf = (rs: ConsumerRewrite[]): string => {
      const modes = [...new Set(rs.map((r) => r.mode))];
      if (!modes.some((m) => m !== null) || octalChmod) return '';
      if (ownChmod) {
        symbolicChmod(rs.map((r) => r.hostSource).join(' '));
        return '';
      }
      if (modes.length > 1) {
        refuse('MIXED_MODES', `the files copied by ${copy.keyword} (${runtime.path}:${copy.line}) had different modes on the host`, runtime.path, copy.line, 'Copy them with separate lines, then run the tool again.');
        return '';
      }
      const m = modes[0]!.toString(8).padStart(3, '0');
      const by = [...new Set(rs.flatMap((r) => (r.modeBy ? [`\`${r.modeBy}\``] : [])))];
      const why = by.length > 0 ? `${by.join(' and ')} set the mode of ${rs.map((r) => r.hostSource).join(' ')} on the host` : `the extraction wrote ${rs.map((r) => r.hostSource).join(' ')} without the container's file mode`;
      notes.push(`${why}; \`--chmod=${m}\` keeps the mode it had on the host (COPY --chmod needs BuildKit or podman)`);
      return ` --chmod=${m}`;
    };
    // The old COPY read the host copy, which the context gives to 0:0; COPY --from keeps the
    // owner the file had in the builder stage. The line's own --chown still decides.
    const chown = copy.otherFlags.some((f) => /^--chown\b/i.test(f)) ? '' : ' --chown=0:0';
    if (chown) notes.push(`${copy.keyword} (${runtime.path}:${copy.line}) gets \`--chown=0:0\`: the extracted copy was owned by root in the old image, and COPY --from would keep the owner it had in the builder stage`);
    const inShellForm = (p: string) =>
      refuse('PATH_NEEDS_QUOTING', `the artifact path ${JSON.stringify(p)} has a space, and ${copy.keyword} (${runtime.path}:${copy.line}) is in shell form, where a space ends a path`, runtime.path, copy.line, `Write that line in JSON form (\`${copy.keyword} ["source", "destination"]\`), then run the tool again.`);
    const spell = (p: string) => {
      if (!copy.json && spaced(p)) inShellForm(p);
      return copy.json ? JSON.stringify(p) : p;
    };
    const flags = copy.otherFlags.join(' ');
    // A line written anew takes the JSON form when a path has a space, if every path in it reads the same there.
    const args = (paths: string[]) => {
      if (copy.json) return jsonArgs(paths);
      if (!paths.some(spaced)) return paths.join(' ');
      if (paths.some(unwritable)) inShellForm(paths.find(spaced)!);
      return jsonArgs(paths);
    };
    const refs = [...new Set(rewrites.map((r) => r.ref))];
    if (rewrites.some((r) => r.within !== undefined)) {
      if (rewrites.every((r) => r.folderOnly)) {
        // A folder that only held artifacts: one COPY --from per artifact, to its place under the destination.
        const lines = folderLines(copy, rewrites, { copyKw, chown, flags, args, chmodOf, refuse: (m) => refuse('ARTIFACT_IN_BROAD_COPY', m, runtime.path, copy.line, `Copy the artifacts with their own ${copy.keyword} lines, then run the tool again.`), folderExists: (file) => destFolderExists(runtime, copy, file, false) });
        if (lines) {
          edits.push({ start: copy.span.start, end: copy.span.end, text: lines.join(eol) });
          notes.push(`${copy.keyword} ${copy.sources[0]!.value} (${runtime.path}:${copy.line}) copied a folder the script made only for the extracted files: it becomes ${lines.length === 1 ? 'a COPY --from' : `${lines.length} COPY --from lines`} of ${rewrites.map((r) => r.stagePath).join(', ')}, each to its place`);
        }
        continue;
      }
      if (rewrites.some((r) => r.within === undefined || r.folderOnly)) {
        refuse('ARTIFACT_IN_BROAD_COPY', `${copy.keyword} (${runtime.path}:${copy.line}) copies an artifact by name and another inside a folder of the context in one line`, runtime.path, copy.line, 'Copy the artifacts with lines of their own, then run the tool again.');
        continue;
      }
      // The folder's own files still come from the context; each artifact follows, where the folder's COPY put it.
      const base = dest.value.replace(/\/+$/, '');
      const lines = rewrites.map((r) => [copyKw, `--from=${r.ref}${chown}${chmodOf([r])}`, flags, args([r.stagePath, `${base}/${r.within}`])].filter(Boolean).join(' '));
      edits.push({ start: copy.span.end, end: copy.span.end, text: lines.map((l) => eol + l).join('') });
      keptLines.add(ci);
      notes.push(`${copy.keyword} ${copy.sources.map((s) => s.value).join(' ')} (${runtime.path}:${copy.line}) still copies the folder's own files; ${rewrites.map((r) => `${r.within === '' ? `what the extraction put into ${r.hostSource}` : r.hostSource}, which the folder no longer holds,`).join(' and ')} now comes from the stage \`${refs.join('`, `')}\` in ${lines.length > 1 ? 'lines' : 'a line'} right after it`);
      continue;
    }
    if (refs.length > 1) {
      // Artifacts of several stages in one line: one line per run of sources from the same
      // place, in the original order, so later files still land over earlier ones.
      const runs: { ref: string | null; sources: number[] }[] = [];
      copy.sources.forEach((_, si) => {
        const ref = rewrites.find((r) => r.source === si)?.ref ?? null;
        const last = runs[runs.length - 1];
        if (last && last.ref === ref) last.sources.push(si);
        else runs.push({ ref, sources: [si] });
      });
      const lines = runs.map((run) => {
        if (run.ref === null) return [kw, flags, args([...run.sources.map((si) => sourceText(copy, si)), dest.value])].filter(Boolean).join(' ');
        const rs = run.sources.map((si) => rewrites.find((r) => r.source === si)!);
        const line = (c: string) => [copyKw, `--from=${run.ref}${chown}${c}`, flags, args([...rs.map((r) => r.stagePath), dest.value])].filter(Boolean).join(' ');
        // COPY --chmod makes the folders it creates with its mode: a twin without it makes them first (./chmod-parents.ts).
        return chmodTwin(line, chmodOf(rs), () => destFolderExists(runtime, copy, dest.value, destIsDir)).join(eol);
      });
      edits.push({ start: copy.span.start, end: copy.span.end, text: lines.join(eol) });
      notes.push(`${copy.keyword} ${copy.sources.map((s) => s.value).join(' ')} (${runtime.path}:${copy.line}) becomes ${lines.length} lines, one per stage the files now come from (${refs.map((r) => `\`${r}\``).join(', ')}), in the same order`);
      continue;
    }
    const chmod = chmodOf(rewrites);
    const fromFlag = `--from=${refs[0]!}${chown}${chmod}`;
    // COPY --chmod makes the folders it creates with its mode: a twin without it makes them first (./chmod-parents.ts).
    const twin = (destRaw: string, isDir: boolean, rs: ConsumerRewrite[] = rewrites): string | null => {
      if (!chmod || destFolderExists(runtime, copy, destRaw, isDir)) return null;
      notes.push(`${copy.keyword} (${runtime.path}:${copy.line}) gets \`${chmod.trim()}\`, which makes the folders the line creates with that mode (BuildKit since 0.21): the same line without it goes first, so they are made as the old line made them`);
      return [copyKw, `--from=${refs[0]!}${chown}`, flags, args([...rs.map((r) => r.stagePath), destRaw])].filter(Boolean).join(' ');
    };
    if (rewrites.length === copy.sources.length) {
      // Every source is an artifact: rewrite in place.
      if (copy.keyword === 'ADD') edits.push({ start: copy.span.start, end: copy.span.start + 3, text: copyKw });
      const firstArg = copy.json ? text.indexOf('[', copy.span.start) : copy.sources[0]!.start;
      edits.push({ start: firstArg, end: firstArg, text: `${fromFlag} ` });
      for (const r of rewrites) {
        const s = copy.sources[r.source]!;
        edits.push({ start: s.start, end: s.end, text: spell(r.stagePath) });
      }
      if (fileDest !== null) edits.push({ start: dest.start, end: dest.end, text: fileDest });
      const first = twin(fileDest === null ? dest.value : copy.json ? (JSON.parse(fileDest) as string) : fileDest, fileDest === null && destIsDir);
      if (first !== null) {
        const lineStart = text.lastIndexOf('\n', copy.span.start - 1) + 1;
        edits.push({ start: copy.span.start, end: copy.span.start, text: `${first}${eol}${text.slice(lineStart, copy.span.start)}` });
      }
      // Files of the folder a host chmod changed: set their mode again (the line's own --chmod already sets every file's).
      const moded = rewrites.flatMap((r) => (r.innerModes ?? []).map((m) => ({ ...m, ref: r.ref })));
      const unknownFlag = copy.otherFlags.find((f) => !/^--(chown|chmod|link)\b/i.test(f));
      if (moded.length > 0 && unknownFlag !== undefined) {
        refuse('HOST_POSTPROCESS', `${moded.map((m) => m.within).join(', ')} inside ${rewrites[0]!.hostSource} had its mode set on the host, and \`${unknownFlag}\` of ${copy.keyword} (${runtime.path}:${copy.line}) may leave it out of the folder's copy, so a line setting it again could add it`, runtime.path, copy.line, 'Do that chmod in the builder Dockerfile (a RUN after the build), then run the tool again.');
      } else if (moded.length > 0 && ownChmod && !octalChmod) {
        symbolicChmod(moded.map((m) => `${rewrites[0]!.hostSource}/${m.within}`).join(' '));
      } else if (moded.length > 0 && !octalChmod) {
        const base = dest.value.replace(/\/+$/, '');
        const lines = moded.map((m) => [copyKw, `--from=${m.ref}${chown} --chmod=${m.mode.toString(8).padStart(3, '0')}`, flags, args([m.stagePath, `${base}/${m.within}`])].filter(Boolean).join(' '));
        edits.push({ start: copy.span.end, end: copy.span.end, text: lines.map((l) => eol + l).join('') });
        notes.push(`${moded.map((m) => m.within).join(', ')} inside ${rewrites[0]!.hostSource} had ${moded.length > 1 ? 'their modes' : 'its mode'} set on the host before the runtime build: ${lines.length > 1 ? 'lines' : 'a line'} after ${copy.keyword} (${runtime.path}:${copy.line}) set${lines.length > 1 ? '' : 's'} ${moded.length > 1 ? 'them' : 'it'} again with \`--chmod\` (COPY --chmod needs BuildKit or podman)`);
      }
    } else {
      // Some sources stay in the context: the line splits into runs of sources from the same
      // place, in the original order. COPY copies its sources in turn, so a context file of the
      // artifact's name (`COPY conf/ app /opt/` with a conf/app) lands under it, not over it.
      const runs: { artifact: boolean; sources: number[] }[] = [];
      copy.sources.forEach((_, si) => {
        const artifact = rewrites.some((r) => r.source === si);
        const last = runs[runs.length - 1];
        if (last && last.artifact === artifact) last.sources.push(si);
        else runs.push({ artifact, sources: [si] });
      });
      const lines = runs.map((run, k) => {
        if (!run.artifact) return [kw, flags, args([...run.sources.map((si) => sourceText(copy, si)), dest.value])].filter(Boolean).join(' ');
        const rs = run.sources.map((si) => rewrites.find((r) => r.source === si)!);
        const line = [copyKw, fromFlag, flags, args([...rs.map((r) => r.stagePath), dest.value])].filter(Boolean).join(' ');
        // (after a line of context sources, the destination folder exists: that line made it)
        const first = k === 0 ? twin(dest.value, destIsDir, rs) : null;
        return first !== null ? `${first}${eol}${line}` : line;
      });
      edits.push({ start: copy.span.start, end: copy.span.end, text: lines.join(eol) });
    }
    notes.push(`${copy.keyword} ${rewrites.map((r) => r.hostSource).join(' ')} (${runtime.path}:${copy.line}) now copies ${rewrites.map((r) => r.stagePath).join(' ')} from the stage \`${refs[0]}\``);
  }

  // Source rewrites of lines the merge did not write anew (nor rewrite in place: those are all artifacts).
  for (const e of runtimeSource.values()) {
    const ci = runtime.copies.findIndex((c) => e.start >= c.span.start && e.end <= c.span.end);
    if (ci < 0 || !byCopy.has(ci) || keptLines.has(ci)) edits.push(e);
  }

  let merged = runtime.text;
  let intent = emptyIntent(runtime);
  // A `# syntax=` directive of one file now chooses the frontend of every file's stages.
  if (diagnostics.length === 0) diagnostics.push(...syntaxReach(applyEdits(runtime.text, edits), [runtime, ...files.map((f) => f.builder)], runtime.path, setup));
  if (diagnostics.length === 0) {
    merged = applyEdits(runtime.text, edits);
    intent = { escape: runtime.escape, runtime: { original: runtime, edited: applyEdits(runtime.text, edits.slice(firstRuntimeEdit)) }, inserted, builders: intendedBuilders, written: stageRefs, base: base?.name ?? null, leftOut: [...leftOut].map(([f, names]) => ({ path: f.path, names: [...names] })) };
  }
  return { edits, text: merged, intent, stageRefs, renamed, notes, diagnostics };
}

function emptyIntent(runtime: DockerfileFacts): MergeIntent {
  return { escape: runtime.escape, runtime: { original: runtime, edited: runtime.text }, inserted: [], builders: [], written: [], base: null, leftOut: [] };
}

/** Stages `target` depends on (through FROM <stage> and COPY --from), itself included. */
function stagesOnPath(facts: DockerfileFacts, target: number): Set<number> {
  // Every reference the builder resolves to a stage: a FROM's base, `COPY --from`, `RUN --mount=…,from=`.
  const refs = stageRefsOf(facts.instructions).refs;
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (seen.has(i) || !facts.stages[i]) return;
    seen.add(i);
    for (const r of refs) if (r.stage === i && r.resolved !== null) visit(r.resolved);
  };
  visit(target);
  return seen;
}

/**
 * `COPY build/ /srv/` of a folder holding only artifacts: `COPY --from=<stage> <path> /srv/<name>`
 * for each, in name order (COPY of a folder copies its contents, each entry under its own name);
 * null when the line copies anything else too (then it was refused).
 */
function folderLines(
  copy: DockerfileFacts['copies'][number],
  rewrites: (ConsumerRewrite & { ref: string })[],
  w: { copyKw: string; chown: string; flags: string; args: (paths: string[]) => string; chmodOf: (rs: ConsumerRewrite[]) => string; refuse: (message: string) => void; folderExists: (file: string) => boolean },
): string[] | null {
  const dest = copy.dest!.value;
  if (copy.sources.length !== 1 || rewrites.some((r) => r.within === undefined) || new Set(rewrites.map((r) => r.ref)).size > 1) {
    w.refuse(`\`${copy.keyword} ${copy.sources.map((s) => s.value).join(' ')}\` copies a folder of extracted files together with other sources`);
    return null;
  }
  const sorted = [...rewrites].sort((a, b) => (a.within! < b.within! ? -1 : a.within! > b.within! ? 1 : 0));
  // COPY --chmod makes the folders it creates with its mode: where none of these lines made the folder yet, a twin without it does (./chmod-parents.ts).
  const made = new Set<string>();
  return sorted.flatMap((r) => {
    const to = `${dest.replace(/\/+$/, '')}/${r.within}`;
    const line = (chmod: string) => [w.copyKw, `--from=${r.ref}${w.chown}${chmod}`, w.flags, w.args([r.stagePath, to])].filter(Boolean).join(' ');
    const chmod = w.chmodOf([r]);
    const folder = to.slice(0, to.lastIndexOf('/'));
    const lines = chmodTwin(line, chmod, () => made.has(folder) || w.folderExists(to));
    made.add(folder);
    return lines;
  });
}

/**
 * A stage name of a builder file that the runtime file (or an earlier builder file) already
 * uses: the builder file's stage takes the first free `<name>-N`, with every reference to it
 * in that file (./stage-rename.ts). The runtime's names are the final image's and stay.
 */
function renameSharedStageNames(
  input: MergeManyInput,
  notes: string[],
  refuse: (code: 'STAGE_NAME_COLLISION', message: string, file: string, line: number | undefined, hint: string) => void,
  renamed: string[],
): BuilderPart[] {
  const { runtime, builders } = input;
  const paths = [...new Set(builders.map((b) => b.builder.path))];
  const fileOf = (path: string) => builders.find((b) => b.builder.path === path)!.builder;
  const claimed = new Set(runtime.stages.flatMap((s) => (s.name ? [s.name.toLowerCase()] : [])));
  // An image the runtime file names (`FROM busybox`, `COPY --from=busybox`) would become a
  // builder stage of that name once merged: such a stage is renamed too. The builder images'
  // references become the builder stage anyway.
  const tags = new Set(builders.flatMap((b) => b.builderTags));
  const images = new Set(stageRefsOf(runtime.instructions).refs.filter((r) => r.resolved === null && !r.value.includes('$') && !tags.has(canonicalImage(r.value))).map((r) => r.value.toLowerCase()));
  for (const i of images) claimed.add(i);
  // Nothing the merged file names otherwise: stages, images and contexts referred to, new stages.
  const taken = namesInUse([runtime, ...paths.map(fileOf)], new Set(), [
    ...(input.sharedBase ? [input.sharedBase.name] : []),
    ...builders.flatMap((b) => [...(b.exportStage ? [b.exportStage.name] : []), ...(b.stageNameFixed ? [b.stageName] : []), ...b.builderTags]),
  ]);
  const renamedFiles = new Map<string, { facts: DockerfileFacts; edits: Edit[] }>();
  for (const path of paths) {
    const facts = fileOf(path);
    const renames = new Map<string, string>();
    for (const s of facts.stages) {
      if (!s.name || !claimed.has(s.name.toLowerCase()) || renames.has(s.name.toLowerCase())) continue;
      const to = freeStageName(s.name, new Set([...taken, ...claimed]));
      renames.set(s.name.toLowerCase(), to);
      taken.add(to.toLowerCase());
    }
    for (const s of facts.stages) if (s.name) claimed.add((renames.get(s.name.toLowerCase()) ?? s.name).toLowerCase());
    if (renames.size === 0) continue;
    const r = renameStages(facts, renames);
    if ('refusal' in r) {
      refuse('STAGE_NAME_COLLISION', `stage \`${[...renames.keys()].join('`, `')}\` of ${path} is named in another of the merged files too, and it cannot be renamed: ${r.refusal}`, path, r.line, 'Rename the stage in one of the files, then run the tool again.');
      continue;
    }
    renamedFiles.set(path, r);
    renamed.push(...renames.values());
    for (const [from, to] of renames) {
      const original = facts.stages.find((s) => s.name?.toLowerCase() === from)!.name!;
      const why = images.has(from) && !runtime.stages.some((s) => s.name?.toLowerCase() === from) ? `${runtime.path} names the image \`${from}\`, which a stage of that name would take the place of` : 'another of the merged files already has a stage of that name';
      notes.push(`stage \`${original}\` of ${path} is renamed \`${to}\` (with every reference to it in that file): ${why} (names are case-insensitive)`);
    }
  }
  return builders.map((b) => {
    const r = renamedFiles.get(b.builder.path);
    if (!r) return b;
    // The plan's edits on the builder's text were made on the text before the renames.
    const textEdits = b.textEdits?.map((e) => shiftEdit(e, r.edits));
    if (textEdits?.some((e) => e === null)) {
      refuse('STAGE_NAME_COLLISION', `${b.builder.path} has a stage name another merged file uses, and renaming it would touch a part of the file the merge rewrites`, b.builder.path, undefined, 'Rename the stage in one of the files, then run the tool again.');
      return b;
    }
    return { ...b, builder: r.facts, ...(textEdits ? { textEdits: textEdits as Edit[] } : {}) };
  });
}

/**
 * The value of a FROM/--from reference written with variables, expanded with the file's global
 * ARG defaults (or the build's `--build-arg` values for them, `given`) (`${IMG}`, `$IMG`, `${IMG:-x}` read as the default); null where a part is not
 * known. A value whose literal text holds `/`, `:` or `@` names an image, never a stage (stage
 * names hold none), and is given back as written.
 */
export function variableRefValue(ref: string, globalArgs: readonly { name: string; value: string | null }[], given?: PassedArgs): string | null {
  const literal = ref.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');
  if (/[/:@]/.test(literal)) return ref;
  // (a `--build-arg` whose name is only known at run time may set any of them)
  if (given === null) return null;
  const defaults = new Map(globalArgs.map((a) => [a.name, given?.has(a.name) ? given.get(a.name)! : a.value]));
  let unknown = false;
  const value = ref.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{[^}]*\}/g, (_m, a: string | undefined, b: string | undefined) => {
    const v = a ?? b ? defaults.get((a ?? b)!) : undefined;
    if (v === undefined || v === null || v.includes('$')) unknown = true;
    return v ?? '';
  });
  return unknown ? null : value;
}

/** The parser directives Docker knows; it stops reading directives at any other. */
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

/**
 * The first directive the parser lists after one Docker does not know (`# foo=bar` above
 * `# escape=\``): Docker reads directives only up to an unknown one, so for it that line is a
 * comment. Null when every directive listed is one Docker reads too.
 */
export function unreadDirective(facts: DockerfileFacts): (DockerfileFacts['directives'][number] & { after: DockerfileFacts['directives'][number] }) | null {
  const unknown = facts.directives.findIndex((d) => !KNOWN_DIRECTIVES.has(d.name));
  const later = unknown >= 0 ? facts.directives[unknown + 1] : undefined;
  return later ? { ...later, after: facts.directives[unknown]! } : null;
}
