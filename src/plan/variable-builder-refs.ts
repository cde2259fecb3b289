/**
 * A runtime `FROM`, `COPY --from` or `RUN --mount=…,from=` written with variables
 * (`FROM myorg/app:${TAG}`, `FROM ${BASE}` with `--build-arg BASE=app-build`) may name the
 * builder image once the build expands it. The merge rewrites only a literal reference to the
 * builder tag; through a variable the old runtime build read the image the builder build had
 * just tagged, and with that build gone nothing makes it any more (a stale image, or a pull
 * that fails). Such a setup keeps its builder build (as `--target <stage>` of the merged file),
 * so the reference reads what it read before.
 *
 * Variables are expanded as BuildKit does for these lines, with the runtime build's
 * `--build-arg` values over the file's global ARG defaults; a variable with no such value
 * (a stage's own ARG or ENV, a `${X:-y}` form, a value from the environment) is only known at
 * build time and may hold anything, so the reference may name the image when the rest of its
 * text fits one spelling of the tag.
 */
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { stageRefsOf } from '../analyze/stage-refs.js';
import { passedArgs, type PassedArgs } from '../analyze/copy-variables.js';
import { canonicalImage, spellingsOf } from '../model/image-ref.js';
import type { Setup } from '../model/setup.js';

type Mention = NonNullable<Setup['builderTagUsedElsewhere']>;

/** `${NAME}`, `$NAME`, and any other `${…}` form (a modifier: its value is not read here). */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{[^}]*\}/g;

/** The pieces of a reference: literal text, and each variable's value (null where only known at build time). */
function pieces(ref: string, globalArgs: readonly { name: string; value: string | null }[], given: PassedArgs | undefined): { text: string | null }[] {
  const defaults = new Map(globalArgs.map((a) => [a.name, given?.has(a.name) ? given.get(a.name)! : a.value]));
  const out: { text: string | null }[] = [];
  let at = 0;
  for (const m of ref.matchAll(VARIABLE)) {
    out.push({ text: ref.slice(at, m.index) });
    const name = m[1] ?? m[2];
    // (a `--build-arg` whose name is only known at run time may set any of them)
    const v = name === undefined || given === null ? undefined : defaults.get(name);
    out.push({ text: v === undefined || v === null || v.includes('$') ? null : v });
    at = m.index + m[0].length;
  }
  out.push({ text: ref.slice(at) });
  return out;
}

/**
 * How a reference written with variables may name one of `tags` (canonical image names): its
 * value, when every variable is known and it names one; 'maybe' when a variable is only known
 * at build time and the rest fits a spelling of one; null otherwise.
 */
export function variableRefNames(ref: string, globalArgs: readonly { name: string; value: string | null }[], given: PassedArgs | undefined, tags: readonly string[]): string | 'maybe' | null {
  if (!ref.includes('$')) return null;
  const parts = pieces(ref, globalArgs, given);
  if (parts.every((p) => p.text !== null)) {
    const value = parts.map((p) => p.text).join('');
    return tags.includes(canonicalImage(value)) ? value : null;
  }
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${parts.map((p) => (p.text === null ? '.*' : escape(p.text))).join('')}$`);
  return tags.some((t) => spellingsOf(t).some((s) => pattern.test(s))) ? 'maybe' : null;
}

/** The first reference of the setup's runtime Dockerfile, written with variables, that may name its builder image. */
export function variableBuilderRef(setup: Setup, runtime: DockerfileFacts): Mention | null {
  if (!setup.runtime || !runtime.text.includes('$')) return null;
  const given = passedArgs(setup.runtime.inv);
  for (const r of stageRefsOf(runtime.instructions).refs) {
    if (r.resolved !== null) continue;
    const names = variableRefNames(r.value, runtime.globalArgs, given, setup.builder.tags);
    if (names === null) continue;
    const via = names === 'maybe' ? `\`${r.value}\` is only known at build time and may expand to that name` : `\`${r.value}\` expands to ${names} (the file's ARG defaults and the runtime build's --build-arg values)`;
    return { file: runtime.path, line: r.line, text: runtime.lines.lineText(r.line).trim(), via };
  }
  return null;
}
