/**
 * A builder tag only known at run time, such as `-t "$TAG"` after `TAG=${TAG:-app-build}` or
 * `-t "${IMAGE:-app}:build"`. Whatever the value, the build and the container made from it
 * name the same image when both words are the same expansion of the same variables, read at
 * the same assignment (the shell reader's `same` key, ./shell/versions.ts). The migration then
 * stops building that image, so every other command that may name it refuses the setup: one
 * spelling the same expansion (a sure use), and one whose image is only known at run time and
 * not provably another (`docker push "$OTHER"`), or that hands the tag to a program or a file.
 * A literal name is that image when it is the tag's value with no variable set from outside.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, flagValues, type DockerInvocation } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import type { ScriptCommand, Word } from '../model/script.js';
import type { BuildStep, Setup } from '../model/setup.js';
import type { Container } from './extractions.js';
import { CLOSE, EXPORTED, ID, OPEN } from './shell/versions.js';

/** The builder's tags whose value is only known at run time. */
export function dynamicTags(builder: BuildStep): Word[] {
  return flagValues(builder.inv, '--tag').filter((w) => w.value === null);
}

/** Why a run-time tag cannot be followed at all, or null when each has a key to compare. */
export function unfollowedTag(builder: BuildStep): Word | null {
  return dynamicTags(builder).find((w) => typeof w.same !== 'string') ?? null;
}

const shown = (cmd: ScriptCommand) => cmd.words.map((w) => w.raw).join(' ');
const where = (cmd: ScriptCommand, setup: string, hint: string) => ({ file: cmd.file, line: cmd.line, setup, hint });

/**
 * The containers of the extraction must be made from the image the builder built: the same
 * expansion of the same variables (or a literal tag of that build).
 */
export function extractionImages(setup: Setup, containers: readonly Container[]): Diagnostic[] {
  const tags = flagValues(setup.builder.inv, '--tag');
  const out: Diagnostic[] = [];
  const followed = !setup.builder.stock && dynamicTags(setup.builder).length > 0 && unfollowedTag(setup.builder) === null;
  for (const cmd of followed ? setup.extraction : []) {
    const inv = dockerInvocation(cmd);
    if (!inv || (inv.verb !== 'create' && inv.verb !== 'run')) continue;
    const image = inv.operands[0]?.word;
    if (!image || tags.some((t) => sameText(t, image))) continue;
    out.push(
      diag('DYNAMIC_IMAGE', 'error', `the builder image's tag \`${dynamicTags(setup.builder)[0]!.raw}\` is only known at run time, and \`${shown(cmd)}\` may not use the image built at line ${setup.builder.inv.cmd.line}: \`${image.raw}\` is not the same expansion in the same shell, or a variable it reads is assigned between them (or by a step the tool cannot follow)`, where(cmd, setup.id, 'Make the container from the very expansion the builder build tags, in the same shell, with no assignment between them.')),
    );
  }
  out.push(...containerNames(setup, containers));
  return out;
}

/** Two words that surely expand to the same text. */
function sameText(a: Word, b: Word): boolean {
  if (a.value !== null || b.value !== null) return a.value !== null && b.value !== null && canonicalImage(a.value) === canonicalImage(b.value);
  return typeof a.same === 'string' && a.same === b.same;
}

/**
 * A container named by a variable (`--name "$CONTAINER"`) is the same container in the copy and
 * the removal only while the variable keeps its value: each reference must be the same expansion.
 */
function containerNames(setup: Setup, containers: readonly Container[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const c of containers) {
    const name = flagValues(c.made, '--name')[0];
    // A literal name, or the id of an inline `$(docker create …)`, is one container by construction.
    if (!c.key.includes('$') || (!name && !c.key.startsWith('${'))) continue;
    const refs: { cmd: ScriptCommand; key: string | null | undefined }[] = [];
    if (name) refs.push({ cmd: c.made.cmd, key: name.same });
    for (const cmd of new Set([...c.commands, ...setup.extraction])) {
      const inv = dockerInvocation(cmd);
      if (!inv || cmd === c.made.cmd) continue;
      for (const o of inv.operands) {
        if (o.word.symbol === c.key) refs.push({ cmd, key: o.word.same });
        else if (o.word.symbol.startsWith(`${c.key}:`)) refs.push({ cmd, key: typeof o.word.same === 'string' ? containerPart(o.word.same) : o.word.same });
      }
    }
    // A reader that gives no keys (not a shell script) is left as it was.
    if (refs.some((r) => r.key === undefined)) continue;
    const first = refs[0]?.key;
    const bad = refs.find((r) => r.key === null || r.key !== first);
    if (bad) {
      out.push(
        diag('DYNAMIC_CONTAINER', 'error', `\`${shown(bad.cmd)}\` may name another container than the one made at line ${c.made.cmd.line}: its name is assigned again between them, or by a step the tool cannot follow`, where(bad.cmd, setup.id, 'Name the container with the same expansion throughout, with no assignment between.')),
      );
    }
  }
  return out;
}

/** The container part of a `CONTAINER:PATH` key: up to the first `:` outside a variable's part. */
function containerPart(key: string): string {
  let depth = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === OPEN) depth++;
    else if (c === CLOSE) depth--;
    else if (c === ':' && depth === 0) return key.slice(0, i);
  }
  return key;
}

/** Programs that only print or test a word they are given: handing them the tag uses no image. */
const PRINTS = new Set(['echo', 'printf', 'test', '[', '[[', 'true', ':']);
/** Programs known to run no container engine, for a tag the script exports to what it runs. */
const NO_ENGINE = new Set([...PRINTS, 'cd', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'chown', 'ls', 'cat', 'touch', 'ln', 'sha256sum', 'sha1sum', 'md5sum', 'tar', 'gzip', 'strip', 'upx', 'sed', 'grep', 'find', 'sleep', 'exit', 'set', 'install', 'file', 'head', 'tail', 'wc', 'sort', 'tee']);
/** Docker verbs whose operands are containers, not images. */
const CONTAINER_VERBS = new Set(['start', 'stop', 'kill', 'cp', 'rm']);
/** Docker subcommands that read files naming images with the environment's variables. */
const ENV_READERS = new Set(['compose', 'stack', 'buildx', 'bake']);
/** Other docker subcommands that name no image. */
const NO_IMAGE = new Set(['login', 'logout', 'version', 'info', 'ps', 'network', 'volume']);

interface Tag {
  word: Word;
  key: string;
  /** The tag after the last `:` when the static text after the last variable holds it (`:build`). */
  suffixTag: string | null;
  vars: string[];
  exported: boolean;
}

/**
 * Every command after the builder build that may still name its image, now no longer built.
 * `builds`: the script's builds, `fromImages`: the base images of a build's Dockerfile.
 */
export function tagUses(
  setup: Setup,
  sequence: readonly ScriptCommand[],
  pos: (c: ScriptCommand) => number,
  fromImages: (b: BuildStep) => readonly string[] | null,
  builds: ReadonlyMap<DockerInvocation, BuildStep>,
  containers: readonly Container[],
): Diagnostic[] {
  const builder = setup.builder;
  const runtime = setup.runtime;
  const tags: Tag[] = dynamicTags(builder).map((word) => {
    const key = word.same as string;
    const tail = key.slice(key.lastIndexOf(CLOSE) + 1);
    const read = varsOf(key);
    return { word, key, suffixTag: tagOf(tail), vars: read.map((v) => v.name), exported: read.some((v) => v.exported) };
  });
  // '' (nothing set): no literal name is the image; null: any may be.
  const fallbacks = tags.map((t) => (typeof t.word.fallback === 'string' ? (t.word.fallback === '' ? '' : canonicalImage(t.word.fallback)) : null));
  const own = new Set([builder.inv.cmd, ...setup.extraction, ...setup.cleanup]);
  const lastExtraction = Math.max(...setup.extraction.map(pos));
  const runtimeAt = runtime ? pos(runtime.inv.cmd) : Infinity;
  const out: Diagnostic[] = [];
  const sure = (cmd: ScriptCommand) => diag('REMOVED_NAME_USED', 'error', `\`${shown(cmd)}\` uses the builder image \`${tags[0]!.word.raw}\`, which is no longer built`, where(cmd, setup.id, 'Tag the builder build with a literal name (the tool then keeps its build for that use), or migrate this setup by hand.'));
  const maybe = (cmd: ScriptCommand, why: string) => diag('DYNAMIC_IMAGE', 'error', `\`${shown(cmd)}\` ${why}, and the builder image \`${tags[0]!.word.raw}\` is no longer built`, where(cmd, setup.id, 'Tag the builder build with a literal name, or spell that image so it is plainly another one (a different literal tag after the last variable).'));

  /** How an image word relates to the builder image: the same, maybe the same, or another. */
  const classify = (w: Word, cmd: ScriptCommand): 'same' | 'maybe' | null => {
    // After the runtime build, its own tags name the runtime image, whatever the builder's were.
    if (runtime && pos(cmd) > runtimeAt && flagValues(runtime.inv, '--tag').some((t) => sameText(t, w))) return null;
    let verdict: 'same' | 'maybe' | null = null;
    tags.forEach((t, k) => {
      if (w.value === null && w.same === t.key) verdict = 'same';
      if (verdict === 'same') return;
      const other = w.value !== null ? tagOf(w.value) : typeof w.same === 'string' ? tagOf(w.same.slice(w.same.lastIndexOf(CLOSE) + 1)) : null;
      if (t.suffixTag !== null && other !== null && other !== t.suffixTag) return;
      if (typeof w.same === 'string' && w.value === null && otherText(t.key, w.same)) return;
      if (w.value !== null) {
        if (fallbacks[k] === null) verdict ??= 'maybe';
        else if (fallbacks[k] !== '' && canonicalImage(w.value) === fallbacks[k]) verdict = 'same';
        return;
      }
      verdict ??= 'maybe';
    });
    return verdict;
  };
  const readsTag = (w: Word) => w.value === null && tags.some((t) => t.vars.some((v) => mentionsVar(w, v)));

  for (const cmd of sequence) {
    if (pos(cmd) <= pos(builder.inv.cmd)) continue;
    const inv = dockerInvocation(cmd);
    if (own.has(cmd)) {
      // `docker rmi "$TAG"` goes with the build only when it removes that very image.
      if (inv?.verb === 'rmi' && !inv.operands.every((o) => tags.some((t) => sameText(t.word, o.word)))) out.push(maybe(cmd, 'may remove another image'));
      continue;
    }
    if (!inv) {
      const prog = cmd.words[0]?.value ?? null;
      const printed = prog !== null && PRINTS.has(prog) && cmd.stdout === null && cmd.redirects.every((r) => r.fd === '2' || r.op.includes('&') || r.target.value === '/dev/null');
      if (!printed && [...cmd.words, ...cmd.redirects.map((r) => r.target)].some(readsTag)) out.push(maybe(cmd, 'hands the tag on'));
      else if (tags.some((t) => t.exported) && (prog === null || !NO_ENGINE.has(prog))) out.push(maybe(cmd, 'runs with the tag exported to it'));
      continue;
    }
    const flagWords = inv.flags.map((f) => f.value).filter((w): w is Word => w !== null);
    if (inv.verb === 'build') {
      const b = builds.get(inv);
      // A build before the last extraction that tags the name would replace the image copied from.
      const early = pos(cmd) < lastExtraction ? flagValues(inv, '--tag').map((w) => classify(w, cmd)) : [];
      const read = ['--build-arg', '--cache-from', '--build-context'].flatMap((f) => flagValues(inv, f)).some(readsTag);
      const bases = b ? fromImages(b) : null;
      const base = bases?.some((img) => fallbacks.some((f) => f !== null && f !== '' && canonicalImage(img) === f));
      if (early.includes('same') || base) out.push(sure(cmd));
      else if (early.includes('maybe') || read) out.push(maybe(cmd, read ? 'hands the tag to the build' : 'may tag the same name'));
      continue;
    }
    const sub = inv.verb === 'other' ? (cmd.words[inv.verbIndex]?.value ?? null) : null;
    // `docker compose` reads the environment, an exported tag included (`image: ${TAG}`).
    if (tags.some((t) => t.exported) && inv.verb === 'other' && (sub === null || ENV_READERS.has(sub))) {
      out.push(maybe(cmd, 'runs with the tag exported to it'));
      continue;
    }
    if (CONTAINER_VERBS.has(inv.verb) || (sub !== null && NO_IMAGE.has(sub))) continue;
    // (A word naming the extraction's container, `docker inspect "$id"`, is no image: the container's own check has it.)
    const ownContainer = (w: Word) => containers.some((c) => w.symbol === c.key || w.symbol.startsWith(`${c.key}:`));
    const images = inv.verb === 'other' ? cmd.words.slice(inv.verbIndex + 1).filter((w) => (w.value === null || !w.value.startsWith('-')) && !ownContainer(w)) : inv.verb === 'create' || inv.verb === 'run' ? inv.operands.slice(0, 1).map((o) => o.word) : inv.operands.map((o) => o.word);
    const verdicts = images.map((w) => classify(w, cmd));
    if (verdicts.includes('same')) out.push(sure(cmd));
    else if (verdicts.includes('maybe')) out.push(maybe(cmd, 'names an image only known at run time that may be it'));
    else if (flagWords.some(readsTag)) out.push(maybe(cmd, 'hands the tag to a container'));
  }
  return out;
}

/**
 * Two keys that read the same variables the same way and differ only in the static text after
 * the last of them (`"$IMAGE-api:build"`, `"$IMAGE-worker:build"`) expand to different text;
 * `:latest` aside, which a reference without a tag means too.
 */
function otherText(a: string, b: string): boolean {
  const cut = (k: string) => k.lastIndexOf(CLOSE) + 1;
  if (cut(a) === 0 || a.slice(0, cut(a)) !== b.slice(0, cut(b))) return false;
  const [x, y] = [a.slice(cut(a)), b.slice(cut(b))].map((t) => t.replace(/:latest$/, ''));
  return x !== y;
}

/** The tag of an image reference's text (`app:build` → `build`), when that text holds it. */
function tagOf(text: string): string | null {
  if (text.includes('@')) return null;
  const colon = text.lastIndexOf(':');
  if (colon < 0) return null;
  const tag = text.slice(colon + 1);
  return tag !== '' && !tag.includes('/') && !tag.includes(OPEN) && !tag.includes(CLOSE) ? tag : null;
}

/** The variables a key reads (`TAG` of `\u0001TAG\u0003<id>\u0003\u0002`), defaults included, and whether each is exported. */
function varsOf(key: string): { name: string; exported: boolean }[] {
  const out: { name: string; exported: boolean }[] = [];
  for (let i = key.indexOf(OPEN); i >= 0; i = key.indexOf(OPEN, i + 1)) {
    const m = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*)(${EXPORTED}?)${ID}`).exec(key.slice(i + 1));
    if (m) out.push({ name: m[1]!, exported: m[2] === EXPORTED });
  }
  return out;
}

/** Whether a word reads variable `name` (`$name`, `${name}`, `${name:-…}`, also inside a `$(…)`), as its symbol spells it. */
function mentionsVar(w: Word, name: string): boolean {
  for (const at of [`$${name}`, `\${${name}`]) {
    for (let i = w.symbol.indexOf(at); i >= 0; i = w.symbol.indexOf(at, i + 1)) {
      if (!/[A-Za-z0-9_]/.test(w.symbol[i + at.length] ?? '')) return true;
    }
  }
  return false;
}
