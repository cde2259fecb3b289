/**
 * A runtime stage built FROM an image the script built earlier, whose Dockerfile declares
 * `ONBUILD COPY . /ctx` (or ADD, or a RUN with a bind mount): the trigger runs at the start of
 * the runtime stage and reads the runtime build's context, extracted artifact included. Merged,
 * the context no longer holds the artifact (and the Dockerfiles and scripts the migration
 * changes differ), so the trigger copies other files: refused as a broad copy. A builder stage
 * built FROM such an image reads the builder's context through the trigger the same way. Base
 * images from a registry are not read; their triggers are not seen.
 */
import type { Instruction } from 'dockerfile-ast';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { canonicalImage } from '../model/image-ref.js';
import type { BuildStep } from '../model/setup.js';
import type { DockerfileFacts } from './dockerfile.js';
import { builtStage } from './image-cat.js';

/** The trigger's own instruction reads the context: a COPY or ADD without --from, or a RUN --mount (a bind mount reads it by default). */
function readsContext(trigger: string): boolean {
  const t = trigger.trim();
  if (/^(COPY|ADD)\s/i.test(t)) return !/^\S+\s+(--\S+\s+)*--from[=\s]/i.test(t);
  return /^RUN\s/i.test(t) && /--mount[=\s]/i.test(t);
}

/** The first `ONBUILD` trigger of an image the script built earlier (the last such build of `image`) that `pick` accepts, or null. */
function triggerOf(image: string, earlier: readonly BuildStep[], load: (rel: string) => DockerfileFacts | null, pick: (trigger: string) => boolean): { base: BuildStep; trigger: Instruction } | null {
  const name = canonicalImage(image);
  const base = [...earlier].reverse().find((b) => b.tags.includes(name) && b.dockerfile !== null);
  const facts = base ? load(base.dockerfile!) : null;
  const built = facts ? builtStage(facts, base!.target) : null;
  if (!built) return null;
  const next = built.facts.stages[built.stage.index + 1];
  const triggers = built.facts.instructions.filter((i: Instruction) => {
    const at = built.facts.lines.offsetAt(i.getRange().start);
    return i.getKeyword() === 'ONBUILD' && at > built.stage.from.start && (next === undefined || at < next.from.start);
  });
  const found = triggers.find((i) => pick(i.getRawArgumentsContent() ?? ''));
  return found ? { base: base!, trigger: found } : null;
}

/** The `ONBUILD` trigger reading the build context of an image the script built earlier (the last such build of `image`), or null. */
export function contextReadingTrigger(image: string, earlier: readonly BuildStep[], load: (rel: string) => DockerfileFacts | null): { base: BuildStep; trigger: Instruction } | null {
  return triggerOf(image, earlier, load, readsContext);
}

/**
 * The first stage of `facts` built FROM an image the script built earlier with an `ONBUILD RUN`
 * trigger, said as its reason, or null: the trigger runs a RUN in the build of `facts`, so what
 * reaches a RUN's process there (`--network`, `--add-host`, `--ulimit`, src/plan/build-flags.ts)
 * reaches it, though the file has no RUN of its own.
 */
export function onbuildRun(facts: DockerfileFacts, earlier: readonly BuildStep[], load: (rel: string) => DockerfileFacts | null): string | null {
  for (const stage of facts.stages) {
    const found = triggerOf(stage.image, earlier, load, (t) => /^RUN\s/i.test(t.trim()));
    if (found) return `the \`ONBUILD ${found.trigger.getRawArgumentsContent()}\` of ${stage.image} (${found.base.dockerfile}:${found.trigger.getRange().start.line + 1}), which ${facts.path}:${stage.from.line} starts from, and which ran without it`;
  }
  return null;
}

/**
 * The first stage of the builder's Dockerfile built FROM an image the script built earlier with
 * a context-reading `ONBUILD` trigger: the trigger reads the builder build's context as a COPY
 * of its own would (src/plan/builder-inputs.ts). Said as its reason, or null.
 */
export function builderOnbuildRead(builderFacts: DockerfileFacts, earlier: readonly BuildStep[], load: (rel: string) => DockerfileFacts | null): string | null {
  for (const stage of builderFacts.stages) {
    const found = contextReadingTrigger(stage.image, earlier, load);
    if (found) return `\`ONBUILD ${found.trigger.getRawArgumentsContent()}\` of ${stage.image} (${found.base.dockerfile}:${found.trigger.getRange().start.line + 1}), which ${builderFacts.path}:${stage.from.line} starts from`;
  }
  return null;
}

export function onbuildContextReads(
  runtimeFacts: DockerfileFacts,
  runtimeDockerfile: string,
  earlier: readonly BuildStep[],
  load: (rel: string) => DockerfileFacts | null,
  setupId: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stage of runtimeFacts.stages) {
    const found = contextReadingTrigger(stage.image, earlier, load);
    if (!found) continue;
    const { base, trigger: reading } = found;
    out.push(
      diag('ARTIFACT_IN_BROAD_COPY', 'error', `${runtimeDockerfile}:${stage.from.line} starts FROM ${stage.image}, built from ${base.dockerfile}, whose \`ONBUILD ${reading.getRawArgumentsContent()}\` (line ${reading.getRange().start.line + 1}) reads the runtime build's context, extracted artifact included: merged, the context no longer holds it`, {
        file: runtimeDockerfile,
        line: stage.from.line,
        setup: setupId,
        hint: 'Copy the context explicitly in the runtime Dockerfile (with the artifact on its own COPY line), or migrate by hand.',
      }),
    );
  }
  return out;
}
