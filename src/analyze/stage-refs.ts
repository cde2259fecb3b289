/**
 * Every place a Dockerfile names another stage or an image: a FROM's base, `COPY --from`,
 * `RUN --mount=…,from=…`. Each is resolved the way the builder resolves it: a number is a
 * stage index, a name is an earlier stage of that name (case-insensitive), anything else is
 * an image (or a named build context).
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import './dockerfile-arguments.js';

export interface StageRef {
  kind: 'from' | 'copy' | 'mount';
  /** The reference as written. */
  value: string;
  /** The stage the reference stands in (for `from`: the stage it starts). */
  stage: number;
  /** The stage it resolves to, or null for an image / build context. */
  resolved: number | null;
  /** The line (1-based) of the instruction holding it. */
  line: number;
}

export interface StageShape {
  name: string | null;
}

/** The instructions of a parsed Dockerfile, read for references. */
export function stageRefsOf(instructions: readonly Instruction[]): { stages: StageShape[]; refs: StageRef[] } {
  const stages: StageShape[] = [];
  const refs: StageRef[] = [];
  const resolve = (v: string, before: number): number | null => {
    if (/^\d+$/.test(v)) return Number(v) < before ? Number(v) : null;
    const i = stages.findIndex((s, k) => k < before && s.name !== null && s.name.toLowerCase() === v.toLowerCase());
    return i >= 0 ? i : null;
  };
  for (const ins of instructions) {
    const kw = ins.getKeyword();
    if (kw === 'FROM') {
      const from = ins as any;
      const image: string = from.getImage() ?? '';
      const index = stages.length;
      refs.push({ kind: 'from', value: image, stage: index, resolved: /^\d+$/.test(image) ? null : resolve(image, index), line: ins.getRange().start.line + 1 });
      stages.push({ name: from.getBuildStage() ?? null });
      continue;
    }
    const stage = stages.length - 1;
    if (stage < 0) continue;
    const flags = ((ins as any).getFlags?.() ?? []) as any[];
    for (const f of flags) {
      const name = String(f.getName()).toLowerCase();
      if ((kw === 'COPY' || kw === 'ADD') && name === 'from') {
        const v = String(f.getValue() ?? '');
        refs.push({ kind: 'copy', value: v, stage, resolved: resolve(v, stage), line: ins.getRange().start.line + 1 });
      }
      if (kw === 'RUN' && name === 'mount') {
        for (const o of (f.getOptions?.() ?? []) as any[]) {
          if (String(o.getName()).toLowerCase() !== 'from') continue;
          const v = String(o.getValue() ?? '');
          refs.push({ kind: 'mount', value: v, stage, resolved: resolve(v, stage), line: ins.getRange().start.line + 1 });
        }
      }
    }
  }
  return { stages, refs };
}

export function stageRefsOfText(text: string): { stages: StageShape[]; refs: StageRef[] } {
  return stageRefsOf(DockerfileParser.parse(text).getInstructions());
}

/** A `RUN --mount=…,from=N` naming a stage by its number, with where the number is written. */
export interface NumberedMount {
  value: string;
  /** Offsets of the number in the file's text. */
  start: number;
  end: number;
  /** The line (1-based) of the RUN. */
  line: number;
}

/**
 * The numbered `from=` options of a file's RUN mounts. The merge moves them with the stages
 * inserted before them, as it moves `COPY --from=N`: a number is an index, and the stages
 * before it change. `offsetAt` turns the parser's positions into offsets of the same text.
 */
export function numberedMounts(instructions: readonly Instruction[], offsetAt: (p: { line: number; character: number }) => number): NumberedMount[] {
  const out: NumberedMount[] = [];
  for (const ins of instructions) {
    if (ins.getKeyword() !== 'RUN') continue;
    for (const f of ((ins as any).getFlags?.() ?? []) as any[]) {
      if (String(f.getName()).toLowerCase() !== 'mount') continue;
      for (const o of (f.getOptions?.() ?? []) as any[]) {
        if (String(o.getName()).toLowerCase() !== 'from') continue;
        const v = String(o.getValue() ?? '');
        const range = o.getValueRange?.();
        if (!/^\d+$/.test(v) || !range) continue;
        out.push({ value: v, start: offsetAt(range.start), end: offsetAt(range.end), line: ins.getRange().start.line + 1 });
      }
    }
  }
  return out;
}
