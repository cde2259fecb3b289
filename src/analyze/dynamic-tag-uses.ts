/**
 * What the rest of a script does with a builder image tagged at run time (`-t "$TAG"` after
 * `TAG=${TAG:-app-build}`, ./dynamic-tag.ts). A command that may name that image (the same
 * expansion, the tag's value when the environment sets nothing, an image only known at run time
 * that is not plainly another one, a program handed the tag or run with it exported) keeps the
 * builder build as it is written: `docker build --target <stage> -f <merged Dockerfile> -t "$TAG"`
 * in its place builds the same image under the same expansion, whatever the environment sets, so
 * every such command, before the build or after it, finds what it found before.
 *
 * Only the extraction goes, and its containers were made from whatever the name held then. So a
 * command between the builder build and the last extraction step that may point the name at
 * another image (a build or `docker tag` to it, a pull, a removal, a program handed the tag)
 * still refuses the setup: the old containers may have been made from that other image, while
 * the merged build copies from the builder stage.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, flagValues, type DockerInvocation } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import { shownCommandIn, shownWord, type ScriptCommand, type ShownIn, type Word } from '../model/script.js';
import type { BuildStep, Setup } from '../model/setup.js';
import { dynamicTags, sameText } from './dynamic-tag.js';
import type { Container } from './extractions.js';
import { CLOSE, keyVariables, OPEN } from './shell/versions.js';

/** Programs that only print or test a word they are given: handing them the tag uses no image. */
const PRINTS = new Set(['echo', 'printf', 'test', '[', '[[', 'true', ':']);
/** Programs known to run no container engine, for a tag the script exports to what it runs. */
export const NO_ENGINE = new Set([...PRINTS, 'cd', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'chown', 'ls', 'cat', 'touch', 'ln', 'sha256sum', 'sha1sum', 'md5sum', 'tar', 'gzip', 'strip', 'upx', 'sed', 'grep', 'find', 'sleep', 'exit', 'set', 'install', 'file', 'head', 'tail', 'wc', 'sort', 'tee']);
/** Docker verbs whose operands are containers, not images. */
const CONTAINER_VERBS = new Set(['start', 'stop', 'kill', 'cp', 'rm']);
/** Docker subcommands that read files naming images with the environment's variables. */
const ENV_READERS = new Set(['compose', 'stack', 'buildx', 'bake']);
/** Other docker subcommands that name no image. */
const NO_IMAGE = new Set(['login', 'logout', 'version', 'info', 'ps', 'network', 'volume']);
/** Other docker subcommands (also after `image`/`container`) that write images under names they are not given on the command line. */
const WRITES_NAMES = new Set(['load', 'import', 'commit']);
/** Other docker subcommands (also after `image`) that only read the image they name. */
const READS_IMAGE = new Set(['inspect', 'history', 'save']);

interface Tag {
  word: Word;
  key: string;
  /** The tag after the last `:` when the static text after the last variable holds it (`:build`). */
  suffixTag: string | null;
  vars: string[];
  exported: boolean;
}

/** A command that may use the builder image: why, and whether it may also point the name at another image. */
interface Use {
  why: string;
  moves: boolean;
}

export interface TagUses {
  /** Commands that may use the builder image by its tag: the builder build is kept for them. */
  users: ScriptCommand[];
  /** Why the setup is refused: the name may have named another image when the containers were made. */
  diagnostics: Diagnostic[];
}

/**
 * The commands of the script, before the builder build or after it, that may use its image by
 * its run-time tag, and the refusals of those that may move the name before the extraction
 * read it. `builds`: the script's builds, `fromImages`: the base images of a build's
 * Dockerfile, `removals`: the `docker rmi` after the final build that name only builder tags
 * (one of that very expansion goes with the build; another keeps it, and stays).
 */
export function tagUses(
  setup: Setup,
  sequence: readonly ScriptCommand[],
  pos: (c: ScriptCommand) => number,
  fromImages: (b: BuildStep) => readonly string[] | null,
  builds: ReadonlyMap<DockerInvocation, BuildStep>,
  containers: readonly Container[],
  removals: readonly ScriptCommand[],
  script?: ShownIn,
): TagUses {
  const builder = setup.builder;
  const runtime = setup.runtime;
  const tags: Tag[] = dynamicTags(builder).map((word) => {
    const key = word.same as string;
    const tail = key.slice(key.lastIndexOf(CLOSE) + 1);
    const read = keyVariables(key);
    return { word, key, suffixTag: tagOf(tail), vars: read.map((v) => v.name), exported: read.some((v) => v.exported) };
  });
  // '' (nothing set): no literal name is the image; null: any may be.
  const fallbacks = tags.map((t) => (typeof t.word.fallback === 'string' ? (t.word.fallback === '' ? '' : canonicalImage(t.word.fallback)) : null));
  const own = new Set([builder.inv.cmd, ...setup.extraction, ...setup.cleanup]);
  const builderAt = pos(builder.inv.cmd);
  const lastExtraction = Math.max(...setup.extraction.map(pos));
  const runtimeAt = runtime ? pos(runtime.inv.cmd) : Infinity;
  const shownTag = shownWord(tags[0]!.word, script);
  const users: ScriptCommand[] = [];
  const diagnostics: Diagnostic[] = [];
  const removesIt = (inv: DockerInvocation) => inv.operands.every((o) => tags.some((t) => sameText(t.word, o.word)));

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
  // (A word naming the extraction's container, `docker inspect "$id"`, is no image: the container's own check has it.)
  const ownContainer = (w: Word) => containers.some((c) => w.symbol === c.key || w.symbol.startsWith(`${c.key}:`));
  /** Whether `cmd`, between the builder build and the last extraction, may point the name at another image. */
  const between = (cmd: ScriptCommand) => pos(cmd) > builderAt && pos(cmd) < lastExtraction;

  /** Whether and how `cmd` may use the builder image. */
  const useOf = (cmd: ScriptCommand, inv: DockerInvocation | null): Use | null => {
    if (!inv) {
      const prog = cmd.words[0]?.value ?? null;
      const printed = prog !== null && PRINTS.has(prog) && cmd.stdout === null && cmd.redirects.every((r) => r.fd === '2' || r.op.includes('&') || r.target.value === '/dev/null');
      if (!printed && [...cmd.words, ...cmd.redirects.map((r) => r.target)].some(readsTag)) return { why: 'hands the tag on', moves: true };
      if (tags.some((t) => t.exported) && (prog === null || !NO_ENGINE.has(prog))) return { why: 'runs with the tag exported to it', moves: true };
      return null;
    }
    if (inv.verb === 'build') {
      const b = builds.get(inv);
      // A build between the builder build and the extraction that tags the name would replace the image copied from.
      const tagged = between(cmd) ? flagValues(inv, '--tag').map((w) => classify(w, cmd)) : [];
      if (tagged.includes('same')) return { why: 'tags the same name', moves: true };
      if (tagged.includes('maybe')) return { why: 'may tag the same name', moves: true };
      const read = ['--build-arg', '--cache-from', '--build-context'].flatMap((f) => flagValues(inv, f)).some(readsTag);
      const bases = b ? fromImages(b) : null;
      const base = bases?.some((img) => fallbacks.some((f) => f !== null && f !== '' && canonicalImage(img) === f));
      if (base) return { why: 'builds on it', moves: false };
      if (read) return { why: 'hands the tag to the build', moves: false };
      return null;
    }
    const sub = inv.verb === 'other' ? (cmd.words[inv.verbIndex]?.value ?? null) : null;
    // `docker compose` reads the environment, an exported tag included (`image: ${TAG}`).
    if (tags.some((t) => t.exported) && inv.verb === 'other' && (sub === null || ENV_READERS.has(sub))) return { why: 'runs with the tag exported to it', moves: true };
    if (CONTAINER_VERBS.has(inv.verb) || (sub !== null && NO_IMAGE.has(sub))) return null;
    const action = sub === 'image' || sub === 'container' ? (cmd.words[inv.verbIndex + 1]?.value ?? null) : sub;
    // `docker load -i tools.tar` may bring an image under the builder's name, whatever its words say.
    if (between(cmd) && action !== null && WRITES_NAMES.has(action)) return { why: 'may write an image under that name', moves: true };
    const flagWords = inv.flags.map((f) => f.value).filter((w): w is Word => w !== null);
    const images = inv.verb === 'other' ? cmd.words.slice(inv.verbIndex + 1).filter((w) => (w.value === null || !w.value.startsWith('-')) && !ownContainer(w)) : inv.verb === 'create' || inv.verb === 'run' ? inv.operands.slice(0, 1).map((o) => o.word) : inv.operands.map((o) => o.word);
    const verdicts = images.map((w) => classify(w, cmd));
    const handed = flagWords.some(readsTag);
    if (!verdicts.some((v) => v !== null)) return handed ? { why: 'hands the tag to a container', moves: true } : null;
    // What only reads the image leaves the name as it was: a container made from it, a push, `docker tag` from it.
    const target = inv.verb === 'tag' ? (verdicts[1] ?? null) : null;
    const reads = inv.verb === 'run' || inv.verb === 'create' || inv.verb === 'push' || (inv.verb === 'tag' && target === null) || (inv.verb === 'other' && action !== null && READS_IMAGE.has(action));
    const sure = (inv.verb === 'tag' ? target : verdicts.includes('same') ? 'same' : 'maybe') === 'same';
    if (handed) return { why: 'hands the tag to a container', moves: true };
    if (reads) return { why: sure ? 'uses it' : 'names an image only known at run time that may be it', moves: false };
    const why = inv.verb === 'tag' ? 'tags another image with that name' : inv.verb === 'rmi' ? 'removes that name' : 'changes which image that name holds';
    return { why: sure ? why : `may be it, and ${why}`, moves: true };
  };

  for (const cmd of sequence) {
    const inv = dockerInvocation(cmd);
    if (own.has(cmd)) {
      // `docker rmi "$TAG"` goes with the extraction only when it removes that very image.
      if (pos(cmd) > builderAt && inv?.verb === 'rmi' && !removesIt(inv)) diagnostics.push(refusal(cmd, 'may remove another image'));
      continue;
    }
    // A removal of that very image after the final build goes with the build, unless it is kept.
    if (inv && removals.includes(cmd) && removesIt(inv)) continue;
    const use = useOf(cmd, inv);
    if (!use) continue;
    if (use.moves && between(cmd)) diagnostics.push(refusal(cmd, use.why));
    else users.push(cmd);
  }
  return { users, diagnostics };

  function refusal(cmd: ScriptCommand, why: string): Diagnostic {
    const last = setup.extraction.reduce((a, b) => (pos(b) > pos(a) ? b : a));
    return diag('DYNAMIC_IMAGE', 'error', `\`${shownCommandIn(cmd, script)}\` ${why}, between the build of the builder image \`${shownTag}\` (line ${builder.inv.cmd.line}) and the last step of the extraction from it (line ${last.line}): the containers may have been made from another image under that name, while the migrated build copies from the builder stage`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: 'Move that command after the extraction (or before the builder build), or migrate this setup by hand.' });
  }
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


/** Whether a word reads variable `name` (`$name`, `${name}`, `${name:-…}`, also inside a `$(…)`), as its symbol spells it. */
function mentionsVar(w: Word, name: string): boolean {
  for (const at of [`$${name}`, `\${${name}`]) {
    for (let i = w.symbol.indexOf(at); i >= 0; i = w.symbol.indexOf(at, i + 1)) {
      if (!/[A-Za-z0-9_]/.test(w.symbol[i + at.length] ?? '')) return true;
    }
  }
  return false;
}
