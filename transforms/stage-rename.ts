/**
 * A builder file's stage whose name another merged file already uses is renamed, with every
 * reference to it inside the file: the FROM that names it, and each `FROM <stage>`,
 * `COPY --from=<stage>` and `RUN --mount=…from=<stage>` that resolves to it. Edits as data on
 * the file's text, at dockerfile-ast's positions. A reference the tool cannot read for sure
 * (built from a variable, an ONBUILD line) refuses instead, and the renamed text is parsed
 * again: every reference must resolve to the stage it resolved to before.
 */
import type { Instruction } from 'dockerfile-ast';
import { readDockerfile, type DockerfileFacts } from '../src/analyze/dockerfile.js';
import { stageRefsOf } from '../src/analyze/stage-refs.js';
import { applyEdits, type Edit } from '../src/model/edits.js';

export type RenameResult = { facts: DockerfileFacts; edits: Edit[] } | { refusal: string; line: number | undefined };

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

/** Renames the stages of `facts` named by the keys of `renames` (lower-cased old name → new name). */
export function renameStages(facts: DockerfileFacts, renames: ReadonlyMap<string, string>): RenameResult {
  const edits: Edit[] = [];
  const names: (string | null)[] = [];
  const text = facts.text;
  let refusal: { refusal: string; line: number | undefined } | null = null;
  const refuse = (message: string, ins: Instruction) => {
    refusal ??= { refusal: message, line: ins.getRange().start.line + 1 };
  };
  /** The reference `value` at `range`: rewritten when it resolves to a renamed stage. */
  const reference = (value: string, range: Range | null, ins: Instruction) => {
    // A stage name has no `:`, `/` or `@`: a value built from a variable with one names an image.
    if (/[$]/.test(value) && !/[:/@]/.test(value)) {
      refuse(`\`${ins.getKeyword()} … ${value}\` names a stage or an image through a variable, which could be a renamed stage`, ins);
      return;
    }
    if (/^\d+$/.test(value)) return;
    const earlier = names.find((n) => n !== null && n.toLowerCase() === value.toLowerCase());
    const to = earlier ? renames.get(earlier.toLowerCase()) : undefined;
    if (!to) return;
    const start = range ? facts.lines.offsetAt(range.start) : -1;
    const end = range ? facts.lines.offsetAt(range.end) : -1;
    if (!range || text.slice(start, end) !== value) {
      refuse(`the reference \`${value}\` to a renamed stage is not written as a plain word the tool can rewrite`, ins);
      return;
    }
    edits.push({ start, end, text: to });
  };
  for (const ins of facts.instructions) {
    const kw = ins.getKeyword();
    if (kw === 'ONBUILD') {
      refuse('an ONBUILD line may name a stage, and the tool does not rewrite inside one', ins);
      continue;
    }
    if (kw === 'FROM') {
      const from = ins as any;
      reference(String(from.getImage() ?? ''), from.getImageRange() as Range | null, ins);
      const name: string | null = from.getBuildStage() ?? null;
      const to = name ? renames.get(name.toLowerCase()) : undefined;
      if (name && to) {
        const r = from.getBuildStageRange() as Range | null;
        const start = r ? facts.lines.offsetAt(r.start) : -1;
        const end = r ? facts.lines.offsetAt(r.end) : -1;
        if (!r || text.slice(start, end) !== name) refuse(`the stage name \`${name}\` is not written as a plain word the tool can rewrite`, ins);
        else edits.push({ start, end, text: to });
      }
      names.push(name);
      continue;
    }
    if (names.length === 0) continue;
    for (const f of ((ins as any).getFlags?.() ?? []) as any[]) {
      const flag = String(f.getName()).toLowerCase();
      if ((kw === 'COPY' || kw === 'ADD') && flag === 'from') reference(String(f.getValue() ?? ''), f.getValueRange() as Range | null, ins);
      if (kw === 'RUN' && flag === 'mount') {
        for (const o of (f.getOptions?.() ?? []) as any[]) {
          if (String(o.getName()).toLowerCase() === 'from') reference(String(o.getValue() ?? ''), o.getValueRange() as Range | null, ins);
        }
      }
    }
  }
  if (refusal) return refusal;
  const renamed = readDockerfile(facts.path, applyEdits(text, edits));
  // Parsed again: the same stages, renamed, and every reference resolving where it did.
  const before = stageRefsOf(facts.instructions);
  const after = stageRefsOf(renamed.instructions);
  const wantNames = before.stages.map((s) => (s.name ? (renames.get(s.name.toLowerCase()) ?? s.name) : null));
  const same =
    JSON.stringify(after.stages.map((s) => s.name)) === JSON.stringify(wantNames) &&
    after.refs.length === before.refs.length &&
    after.refs.every((r, i) => r.kind === before.refs[i]!.kind && r.stage === before.refs[i]!.stage && r.resolved === before.refs[i]!.resolved);
  if (!same) return { refusal: 'renaming its stages would change what a reference in it means', line: undefined };
  return { facts: renamed, edits };
}

/** `e` (an edit on the original text) moved to the renamed text; null when it overlaps a rename. */
export function shiftEdit(e: Edit, renames: readonly Edit[]): Edit | null {
  let delta = 0;
  for (const r of renames) {
    if (r.end <= e.start) delta += r.text.length - (r.end - r.start);
    else if (r.start < e.end) return null;
  }
  return { ...e, start: e.start + delta, end: e.end + delta };
}
