/**
 * A free name for a builder stage: the name asked for, or, when the merged file would already
 * use it (a stage of either file, an image or named context one of them refers to, another
 * new stage), the first of `<name>-2`, `<name>-3`, … that nothing uses. Deterministic: the same
 * files give the same name.
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { stageRefsOf } from '../src/analyze/stage-refs.js';
import { canonicalImage } from '../src/model/image-ref.js';

/**
 * Every name a new stage of the merged file must not take, lower-cased: the stage names of
 * `files`, and every reference in them that resolves to no stage (an image, a named context),
 * except references to the builder images, which are meant to become the builder stage.
 */
export function namesInUse(files: readonly DockerfileFacts[], builderTags: ReadonlySet<string>, extra: readonly string[] = []): Set<string> {
  const taken = new Set(extra.map((n) => n.toLowerCase()));
  for (const f of files) {
    for (const s of f.stages) if (s.name) taken.add(s.name.toLowerCase());
    for (const r of stageRefsOf(f.instructions).refs) {
      if (r.resolved === null && !builderTags.has(canonicalImage(r.value))) taken.add(r.value.toLowerCase());
    }
  }
  return taken;
}

/** `preferred` if it is free, else the first free `preferred-N` (N from 2). */
export function freeStageName(preferred: string, taken: ReadonlySet<string>): string {
  if (!taken.has(preferred.toLowerCase())) return preferred;
  for (let n = 2; ; n++) {
    const name = `${preferred}-${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}
