/**
 * The values a builder stage's own ENV and ARG lines give its variables, where they are static:
 * `ENV OUT_DIR=/out` then `RUN go build -o ${OUT_DIR}/app` compiles to /out/app. An ENV reaches
 * a stage started FROM its stage; an ARG only its own stage, and only with a default that no
 * `--build-arg` of the build overrides. Anything else (a value that reads another variable, a
 * quote, a variable the image may set) stays unknown (null).
 */
import type { Instruction } from 'dockerfile-ast';
import { argDeclarations } from '../analyze/arg-declarations.js';

/** A value taken as written: plain path characters only (no quote, escape or expansion to undo). */
const PLAIN = /^[A-Za-z0-9_./@:+,%-]*$/;
const plain = (v: string | null | undefined): string | null => (typeof v === 'string' && PLAIN.test(v) ? v : null);

type Position = { line: number; character: number };

export class StageVariables {
  private env = new Map<string, string | null>();
  private args = new Map<string, string | null>();
  private readonly envAt = new Map<number, Map<string, string | null>>();
  private current = -1;

  /**
   * `buildArgs`: the names the build passes with `--build-arg` (null: not known, so no ARG is
   * static); `globals`: the file's ARGs before its first FROM, with their defaults; `given`:
   * the values the build passes (null where only known at run time), read for the names it
   * passes (without it, a passed ARG is not static).
   */
  constructor(
    private readonly escape: string,
    private readonly buildArgs: ReadonlySet<string> | null,
    private readonly globals: readonly { name: string; value: string | null }[],
    private readonly given?: ReadonlyMap<string, string | null>,
  ) {}

  /** A FROM: the stage `index` starts from the stage `parent` (its ENV), or from an image (nothing known). */
  enter(index: number, parent: number | null): void {
    if (this.current >= 0) this.envAt.set(this.current, this.env);
    this.current = index;
    this.env = new Map(parent === null ? [] : (this.envAt.get(parent) ?? []));
    this.args = new Map();
  }

  /** Reads an ENV or ARG line of the stage. */
  read(ins: Instruction): void {
    const kw = ins.getKeyword();
    if (kw === 'ENV') {
      for (const p of ((ins as any).getProperties?.() ?? []) as { getName(): string; getValue(): string | null }[]) this.env.set(p.getName(), plain(p.getValue()));
    } else if (kw === 'ARG') {
      for (const { name, value } of argDeclarations(ins, this.escape)) {
        if (!name) continue;
        const given = this.buildArgs === null || this.buildArgs.has(name);
        const global = this.globals.find((g) => g.name === name);
        this.args.set(name, given ? plain(this.given?.get(name)) : value !== null ? plain(value) : global ? plain(global.value) : null);
      }
    }
  }

  /** What a RUN of the stage sees: its ARGs, and its ENVs over them. */
  values(): Map<string, string | null> {
    return new Map([...this.args, ...this.env]);
  }

  /**
   * The instruction's text with each reference to a static variable written as its value, or
   * null when it has none. `text` and `offset` locate the instruction's range in its file.
   */
  substituted(ins: Instruction, text: string, offset: (p: Position) => number): string | null {
    const values = this.values();
    const r = ins.getRange();
    const start = offset(r.start);
    let out = '';
    let at = start;
    for (const v of ins.getVariables()) {
      const value = values.get(v.getName());
      if (typeof value !== 'string' || v.getModifier() !== null) continue;
      const vr = v.getRange();
      out += text.slice(at, offset(vr.start)) + value;
      at = offset(vr.end);
    }
    return at === start ? null : out + text.slice(at, offset(r.end));
  }
}
