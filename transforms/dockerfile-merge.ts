/**
 * Dockerfile transform: merges a builder Dockerfile into the runtime Dockerfile as a named
 * stage, as edits on the runtime file's own text. Outside what must change (the inserted
 * stage, the COPY lines that now read from it, stage indexes that shift) every byte of
 * both files is kept, comments and trailing spaces included.
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { canonicalImage } from '../src/analyze/link.js';
import { diag, type Diagnostic } from '../src/model/diagnostics.js';
import { applyEdits, type Edit } from '../src/model/edits.js';
import { detectEol } from '../src/model/text.js';

export interface ConsumerRewrite {
  copy: number;
  source: number;
  stagePath: string;
  hostSource: string;
  /** The mode the host copy had when the extraction lost the container's (`cat > f`). */
  mode: number | null;
  /** Known to be a folder (`docker cp x:/d/. dst`, `tar -c .`): COPY takes its contents, so its name does not matter. */
  folder: boolean;
}

export interface MergeInput {
  builder: DockerfileFacts;
  runtime: DockerfileFacts;
  /** The builder stage the old build produced (its last, or the one named by --target). */
  builderStage: number;
  /** Name for the builder stage when it has none. */
  stageName: string;
  /** Tags the old builder image had: references to them in the runtime file become the stage. */
  builderTags: string[];
  consumers: ConsumerRewrite[];
  /** Instructions appended to the builder stage (a build that used to happen at run time). */
  appendToBuilder?: string[];
  /** A `FROM scratch` stage holding the files the host still needs (built with --output). */
  exportStage?: { name: string; files: { containerPath: string; dest: string; mode: number | null }[] };
  setup: string;
}

export interface MergeResult {
  edits: Edit[];
  text: string;
  stageRef: string;
  notes: string[];
  diagnostics: Diagnostic[];
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

export function mergeDockerfiles(input: MergeInput): MergeResult {
  const { builder, runtime, setup } = input;
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const edits: Edit[] = [];
  const eol = detectEol(runtime.text);
  const refuse = (code: Parameters<typeof diag>[0], message: string, file: string, line: number | undefined, hint: string) =>
    diagnostics.push(diag(code, 'error', message, { file, ...(line !== undefined ? { line } : {}), hint, setup }));

  // Parser directives are only valid at the very top of the merged file.
  if (builder.escape !== runtime.escape) {
    refuse('ESCAPE_MISMATCH', `${builder.path} escapes with \`${builder.escape}\` but ${runtime.path} with \`${runtime.escape}\`; one file cannot hold both`, builder.path, 1, 'Use the same `# escape=` directive in both files, then run the tool again.');
  }
  for (const d of builder.directives) {
    if (d.name === 'escape') continue;
    const other = runtime.directives.find((r) => r.name === d.name);
    if (other && other.value.trim() !== d.value.trim()) {
      refuse('DIRECTIVE_CONFLICT', `# ${d.name}= is ${d.value} in ${builder.path} but ${other.value} in ${runtime.path}`, builder.path, builder.lines.lineOf(d.span.start), `Make the two \`# ${d.name}=\` directives agree, then run the tool again.`);
    } else if (!other) {
      const line = builder.text.slice(d.span.start, d.span.end).replace(/\r?\n$/, '');
      edits.push({ start: 0, end: 0, text: line + eol });
      notes.push(`the \`# ${d.name}=\` directive of ${builder.path} moves to the top of ${runtime.path}, the only place it is valid`);
    }
  }

  // Global ARGs of both files stay global: the builder block goes in before the runtime's first FROM.
  for (const a of builder.globalArgs) {
    const r = runtime.globalArgs.find((x) => x.name === a.name);
    if (r && r.value !== a.value) {
      refuse('ARG_CONFLICT', `the global ARG ${a.name} defaults to ${a.value ?? '(nothing)'} in ${builder.path} but ${r.value ?? '(nothing)'} in ${runtime.path}`, builder.path, undefined, 'Give the ARG the same default in both files, then run the tool again.');
    }
  }

  // Stage names.
  const stage = builder.stages[input.builderStage];
  if (!stage) {
    refuse('TARGET_NOT_FOUND', `${builder.path} has no stage ${input.builderStage}`, builder.path, undefined, 'Check the --target of the builder build.');
    return { edits: [], text: runtime.text, stageRef: '', notes, diagnostics };
  }
  const runtimeNames = new Set(runtime.stages.map((s) => s.name?.toLowerCase()).filter(Boolean) as string[]);
  for (const s of builder.stages) {
    if (s.name && runtimeNames.has(s.name.toLowerCase())) {
      refuse('STAGE_NAME_COLLISION', `stage \`${s.name}\` is named in both ${builder.path} and ${runtime.path}`, builder.path, s.from.line, 'Rename the stage in one of the files, then run the tool again.');
    }
  }
  const stageRef = stage.name ?? input.stageName;
  if (!stage.name && (runtimeNames.has(stageRef.toLowerCase()) || builder.stages.some((s) => s.name?.toLowerCase() === stageRef.toLowerCase()))) {
    refuse('STAGE_NAME_COLLISION', `the stage name \`${stageRef}\` is already used`, runtime.path, undefined, 'Choose another name with --stage-name NAME.');
  }

  // BuildKit builds only the stages the target depends on: say which builder stages that leaves out.
  const onPath = stagesOnPath(builder, input.builderStage);
  for (const st of builder.stages) {
    if (!onPath.has(st.index)) {
      notes.push(`stage ${st.name ?? st.index} of ${builder.path} (line ${st.from.line}) is not on the path to the final image: BuildKit skips it (as it did in the old build, unless that used the classic builder)`);
    }
  }

  // The builder block: the builder file minus its directives, its stage named.
  const builderEdits: Edit[] = [];
  if (!stage.name) {
    const fromKw = builder.text.slice(stage.from.start, stage.from.start + 4);
    builderEdits.push({ start: stage.imageEnd, end: stage.imageEnd, text: fromKw === 'from' ? ` as ${stageRef}` : ` AS ${stageRef}` });
    notes.push(`${builder.path} becomes the stage \`${stageRef}\` of ${runtime.path}`);
  } else {
    notes.push(`${builder.path} becomes the stages before ${runtime.path}'s own; its stage \`${stageRef}\` is the builder`);
  }
  if (input.appendToBuilder && input.appendToBuilder.length > 0) {
    const beol = detectEol(builder.text);
    builderEdits.push({ start: stage.end, end: stage.end, text: input.appendToBuilder.map((l) => beol + l).join('') });
  }
  let block = applyEdits(builder.text, builderEdits).slice(builder.bodyStart);
  block = block.replace(/^\uFEFF/, '').replace(/^(?:[ \t]*\r?\n)+/, '').replace(/\r?\n/g, eol);
  // Drop trailing blank lines only: trailing spaces of the last instruction are the user's bytes.
  block = block.replace(/(?:\r?\n[ \t]*)+$/, '') + eol + eol;
  if (input.exportStage) {
    const x = input.exportStage;
    const lines = [`FROM scratch AS ${x.name}`, ...x.files.map((f) => `COPY --from=${stage.name ?? input.stageName}${f.mode !== null ? ` --chmod=${f.mode.toString(8).padStart(3, '0')}` : ''} ${f.containerPath} ${f.dest}`)];
    block += lines.join(eol) + eol + eol;
    notes.push(`the stage \`${x.name}\` holds ${x.files.map((f) => f.dest.replace(/^\//, '')).join(', ')} for the host: \`docker build --target ${x.name} --output type=local,dest=…\` writes them where the extraction did`);
  }
  // A byte-order mark stays the first character of the file.
  const insertAt = runtime.firstFromBlockStart === 0 && runtime.text.startsWith('\uFEFF') ? 1 : runtime.firstFromBlockStart;
  edits.push({ start: insertAt, end: insertAt, text: block });

  // References to the old builder image inside the runtime file now name the stage.
  const tags = new Set(input.builderTags);
  const shift = builder.stages.length;
  for (const s of runtime.stages) {
    if (tags.has(canonicalImage(s.image))) {
      const imageStart = runtime.text.indexOf(s.image, s.from.start);
      edits.push({ start: imageStart, end: imageStart + s.image.length, text: stageRef });
      notes.push(`FROM ${s.image} (${runtime.path}:${s.from.line}) now starts from the stage \`${stageRef}\` instead of the separately built image`);
    }
  }
  runtime.copies.forEach((c) => {
    if (!c.from) return;
    const v = c.from.value;
    const valueStart = c.from.span.end - v.length;
    if (/^\d+$/.test(v)) {
      edits.push({ start: valueStart, end: c.from.span.end, text: String(Number(v) + shift) });
      notes.push(`--from=${v} (${runtime.path}:${c.line}) becomes --from=${Number(v) + shift}: ${shift} stage(s) now stand before it`);
    } else if (tags.has(canonicalImage(v))) {
      edits.push({ start: valueStart, end: c.from.span.end, text: stageRef });
    }
  });

  // COPY/ADD lines that read artifacts from the context now read them from the stage.
  const byCopy = new Map<number, ConsumerRewrite[]>();
  for (const c of input.consumers) byCopy.set(c.copy, [...(byCopy.get(c.copy) ?? []), c]);
  // Paths are written into Dockerfile words as they are: refuse what would need quoting there.
  const unwritable = (p: string) => /[\s'"$`\\]/.test(p) || p.includes(runtime.escape);
  for (const c of [...input.consumers.map((r) => r.stagePath), ...(input.exportStage?.files.flatMap((f) => [f.containerPath, f.dest]) ?? [])]) {
    if (unwritable(c)) {
      refuse('PATH_NEEDS_QUOTING', `the artifact path ${JSON.stringify(c)} has spaces, quotes, $ or backslashes, which the tool does not write into a Dockerfile`, runtime.path, undefined, 'Use a plain path for the build output, then run the tool again.');
    }
  }
  for (const [ci, rewrites] of byCopy) {
    const copy = runtime.copies[ci]!;
    const dest = copy.dest!;
    const destIsDir = /[/\\]$/.test(dest.value) || dest.value === '.' || dest.value === '..' || copy.sources.length > 1;
    for (const r of rewrites) {
      const hostBase = r.hostSource.replace(/\/+$/, '').split('/').pop();
      const stageBase = r.stagePath.replace(/\/+$/, '').split('/').pop();
      if (hostBase !== stageBase && destIsDir && !r.folder) {
        refuse('RENAME_AMBIGUOUS_DEST', `${r.hostSource} is ${r.stagePath} renamed on the way out, and \`${dest.value}\` is a directory, so the name it lands under depends on whether it is a file`, runtime.path, copy.line, `Name the destination in full (e.g. \`${copy.keyword} ${r.hostSource} ${dest.value.replace(/\/?$/, '/')}${hostBase}\`), then run the tool again.`);
      }
      if (copy.keyword === 'ADD' && ARCHIVE.test(r.hostSource)) {
        refuse('ARTIFACT_ARCHIVE_ADD', `\`ADD ${r.hostSource}\` unpacks the archive; COPY --from would not`, runtime.path, copy.line, 'Unpack the archive in the builder stage and COPY its contents, then run the tool again.');
      }
    }
    const text = runtime.text;
    const kw = text.slice(copy.span.start, copy.span.start + copy.keyword.length);
    const copyKw = kw === kw.toLowerCase() ? 'copy' : 'COPY';
    // `cat > f` lost the container's mode: keep the mode the host file had (after any chmod).
    const modes = [...new Set(rewrites.map((r) => r.mode))];
    let chmod = '';
    if (modes.some((m) => m !== null) && !copy.otherFlags.some((f) => f.startsWith('--chmod'))) {
      if (modes.length > 1) {
        refuse('MIXED_MODES', `the files copied by ${copy.keyword} (${runtime.path}:${copy.line}) had different modes on the host`, runtime.path, copy.line, 'Copy them with separate lines, then run the tool again.');
      } else {
        chmod = ` --chmod=${modes[0]!.toString(8).padStart(3, '0')}`;
        notes.push(`the extraction wrote ${rewrites.map((r) => r.hostSource).join(' ')} without the container's file mode; \`--chmod=${modes[0]!.toString(8).padStart(3, '0')}\` keeps the mode it had on the host (COPY --chmod needs BuildKit or podman)`);
      }
    }
    const fromFlag = `--from=${stageRef}${chmod}`;
    const spell = (p: string) => (copy.json ? JSON.stringify(p) : p);
    if (rewrites.length === copy.sources.length) {
      // Every source is an artifact: rewrite in place.
      if (copy.keyword === 'ADD') edits.push({ start: copy.span.start, end: copy.span.start + 3, text: copyKw });
      const firstArg = copy.json ? text.indexOf('[', copy.span.start) : copy.sources[0]!.start;
      edits.push({ start: firstArg, end: firstArg, text: `${fromFlag} ` });
      for (const r of rewrites) {
        const s = copy.sources[r.source]!;
        edits.push({ start: s.start, end: s.end, text: spell(r.stagePath) });
      }
    } else {
      // Some sources stay in the context: split into a COPY --from line and the original line without them.
      const flags = copy.otherFlags.join(' ');
      const args = (paths: string[]) => (copy.json ? `[${paths.map((p) => JSON.stringify(p)).join(', ')}]` : paths.join(' '));
      const rest = copy.sources.filter((_, si) => !rewrites.some((r) => r.source === si));
      const artifactLine = [copyKw, fromFlag, flags, args([...rewrites.map((r) => r.stagePath), dest.value])].filter(Boolean).join(' ');
      const restLine = [text.slice(copy.span.start, copy.span.start + copy.keyword.length), flags, args([...rest.map((s) => s.value), dest.value])].filter(Boolean).join(' ');
      edits.push({ start: copy.span.start, end: copy.span.end, text: `${artifactLine}${eol}${restLine}` });
    }
    notes.push(`${copy.keyword} ${rewrites.map((r) => r.hostSource).join(' ')} (${runtime.path}:${copy.line}) now copies ${rewrites.map((r) => r.stagePath).join(' ')} from the stage \`${stageRef}\``);
  }

  let merged = runtime.text;
  if (diagnostics.length === 0) merged = applyEdits(runtime.text, edits);
  return { edits, text: merged, stageRef, notes, diagnostics };
}

/** Stages `target` depends on (through FROM <stage> and COPY --from), itself included. */
function stagesOnPath(facts: DockerfileFacts, target: number): Set<number> {
  const byRef = (ref: string) => (/^\d+$/.test(ref) ? facts.stages[Number(ref)] : facts.stages.find((s) => s.name?.toLowerCase() === ref.toLowerCase()));
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (seen.has(i) || !facts.stages[i]) return;
    seen.add(i);
    const parent = byRef(facts.stages[i]!.image);
    if (parent && parent.index < i) visit(parent.index);
    for (const c of facts.copies) if (c.stage === i && c.from) {
      const dep = byRef(c.from.value);
      if (dep) visit(dep.index);
    }
  };
  visit(target);
  return seen;
}
