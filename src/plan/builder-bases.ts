/**
 * The images the builder's stages start from, or copy and mount from, and the commands between
 * the builder build and the runtime build that may give one of those names another image. The
 * old builder build resolved each such name when it ran, before them; merged, the builder stage
 * is built by the runtime build, after them, so a base rebuilt there (`docker build -t base`,
 * `docker tag`, `docker pull`, `docker load`, a removal, a GitHub step `uses:
 * docker/build-push-action` tagging it) would hand the compile another image.
 */
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { stageRefsOfText } from '../analyze/stage-refs.js';
import { flagValues, type DockerInvocation } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import type { ScriptCommand, Word } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/** The image names the builder resolves (as written); null when its Dockerfile could not be read. */
export function builderBases(setup: Setup, dockerfiles: ReadonlyMap<string, DockerfileFacts | null>): string[] | null {
  const b = setup.builder;
  if (b.stock) return [b.stock.image];
  const facts = b.dockerfile ? dockerfiles.get(b.dockerfile) ?? null : null;
  if (!facts) return null;
  return stageRefsOfText(facts.text).refs.filter((r) => r.resolved === null && r.value !== '' && r.value.toLowerCase() !== 'scratch').map((r) => r.value);
}

/**
 * Whether an image name made between the builds (null: only known at run time) may be one of
 * the builder's bases. A base written with a variable (`FROM golang:${GO}`) is matched by the
 * literal text before its first `$`.
 */
export function namesBase(made: string | null, bases: readonly string[]): string | null {
  for (const base of bases) {
    if (made === null) return base;
    const at = base.indexOf('$');
    if (at < 0 ? canonicalImage(base) === canonicalImage(made) : made.startsWith(base.slice(0, at)) || canonicalImage(made).startsWith(base.slice(0, at))) return base;
  }
  return null;
}

/**
 * The image names a docker command writes or removes on the engine (null in the list: one only
 * known at run time); 'any' for one that writes names its words do not give (`docker load`,
 * `import`, `buildx bake`, `compose build`/`pull`/`up --build`); [] for one that changes no name.
 */
export function imageNamesChanged(inv: DockerInvocation, cmd: ScriptCommand): (string | null)[] | 'any' {
  const value = (w: Word | undefined) => (w ? w.value : null);
  if (inv.verb === 'build') return flagValues(inv, '--tag').map(value);
  if (inv.verb === 'tag') return inv.operands.length > 1 ? [value(inv.operands[1]!.word)] : [];
  if (inv.verb === 'rmi') return inv.operands.map((o) => value(o.word));
  if (inv.verb !== 'other') return [];
  const words = cmd.words.slice(inv.verbIndex, inv.verbIndex + 2).map((w) => w.value);
  const image = words[0] === 'image';
  const sub = image ? words[1] : words[0];
  const operands = cmd.words.slice(inv.verbIndex + (image ? 2 : 1)).filter((w) => w.value === null || !w.value.startsWith('-'));
  if (sub === 'load' || sub === 'import') return 'any';
  // `docker buildx bake` and `docker compose build`/`pull` tag the images their files name.
  if (words[0] === 'buildx' && words[1] === 'bake') return 'any';
  if (words[0] === 'compose' && cmd.words.slice(inv.verbIndex + 1).some((w) => w.value === null || w.value === 'build' || w.value === 'pull' || (w.value === 'up' && cmd.words.some((x) => x.value === '--build')))) return 'any';
  if (sub === 'pull') return operands.slice(0, 1).map(value);
  if (sub === 'rm' && image) return operands.map(value);
  if (words[0] === 'commit' || (words[0] === 'container' && words[1] === 'commit')) return operands.slice(1, 2).map(value);
  return [];
}

/** Why a command between the builds changes an image the builder resolves, or null. */
export function rebuildsBase(inv: DockerInvocation, cmd: ScriptCommand, bases: readonly string[] | null): string | null {
  const made = imageNamesChanged(inv, cmd);
  if (made !== 'any' && made.length === 0) return null;
  if (bases === null) return 'it changes an image name the engine holds, and the builder Dockerfile could not be read to tell which images the builder starts from';
  if (bases.length === 0) return null;
  if (made === 'any') return `it may write an image under any name, such as ${bases[0]}, which the builder resolves`;
  return baseChanged(made, bases, 'changes');
}

/** The same for docker/build-push-action's `tags:` (null: the input only known at run time). */
export function actionRebuildsBase(tags: readonly (string | null)[], bases: readonly string[] | null): string | null {
  if (tags.length === 0) return null;
  if (bases === null) return 'it tags an image, and the builder Dockerfile could not be read to tell which images the builder starts from';
  return baseChanged(tags, bases, 'tags');
}

/** Why one of the names `made` (null: only known at run time) may be a base of the builder, `verb` saying what the command does to it; or null. */
function baseChanged(made: readonly (string | null)[], bases: readonly string[], verb: 'changes' | 'tags'): string | null {
  for (const m of made) {
    const base = namesBase(m, bases);
    if (base) return m === null ? `it ${verb} an image whose name is only known at run time, which may be ${base}, which the builder resolves` : `it ${verb} the image ${m}, which the builder resolves (${base})`;
  }
  return null;
}

/**
 * Where the builder's Dockerfile reads, by a literal name, the image its own build tags
 * (`COPY --from=app:build /out /prev` in the file `docker build -t app:build` builds): each run
 * of the old script read the builder image the run before it left. Merged, no build writes
 * that tag any more (or, where the builder build is kept, the final build's builder stage reads
 * what the kept build just wrote): every later run reads another image. Null where it does not.
 */
export function ownTagRead(setup: Setup, dockerfiles: ReadonlyMap<string, DockerfileFacts | null>): { value: string; line: number } | null {
  const b = setup.builder;
  const facts = b.stock || !b.dockerfile ? null : dockerfiles.get(b.dockerfile) ?? null;
  if (!facts) return null;
  const tags = new Set(b.tags.map(canonicalImage));
  const ref = stageRefsOfText(facts.text).refs.find((r) => r.resolved === null && r.value !== '' && !r.value.includes('$') && tags.has(canonicalImage(r.value)));
  return ref ? { value: ref.value, line: ref.line } : null;
}
