/**
 * A docker command after the builder build may name an image through a word only known at run
 * time (`docker run --rm "$CHECK_IMAGE" go vet ./...`, `docker push "$1"`). When the builder's
 * tag is literal, that word may well be it: the old script left the builder image behind, so
 * the command worked; with the builder build gone it would not. Such a command counts as a use
 * of the builder image, which keeps the builder build (as `--target` of the merged Dockerfile).
 *
 * A word is plainly another image when it is the very expansion another build of the script
 * tags (`docker build -t "$IMAGE" .` then `docker push "$IMAGE"`) or a `docker tag` makes, or
 * when its static start begins no spelling of the builder's tags (`"registry.example/app:$V"`
 * against `app:build`). (A builder tag only known at run time is ./dynamic-tag.ts's.)
 */
import { canonicalImage, spellingsOf } from '../model/image-ref.js';
import { globToRegExp } from '../model/glob.js';
import { flagValues, type DockerInvocation } from '../model/docker-command.js';
import type { ScriptCommand, Word } from '../model/script.js';

/** Docker subcommands the model does not read whose operands are images (or may be: `inspect`). */
const IMAGE_SUBCOMMANDS = new Set(['save', 'history', 'inspect', 'image', 'scan', 'scout', 'sbom', 'manifest', 'trust']);

/** Keys (`Word.same`) of the names the script's other builds and `docker tag`s give. */
export function otherImageKeys(invs: readonly DockerInvocation[], builder: DockerInvocation): Set<string> {
  const keys = new Set<string>();
  const add = (w: Word | undefined) => {
    if (w && w.value === null && typeof w.same === 'string') keys.add(w.same);
  };
  for (const inv of invs) {
    if (inv === builder) continue;
    if (inv.verb === 'build') flagValues(inv, '--tag').forEach(add);
    if (inv.verb === 'tag') add(inv.operands[1]?.word);
  }
  return keys;
}

/** Whether an invocation after the builder build may name an image with one of `tags` through a run-time word. */
export function mayNameImage(inv: DockerInvocation, tags: readonly string[], others: ReadonlySet<string>): boolean {
  // (spelled out only for a word only known at run time: the linker asks for every docker
  // command of a script, for each of its setups, and most name their images literally)
  let spellings: string[] | undefined;
  return imageWords(inv).some((w) => {
    if (w.value !== null) return false;
    spellings ??= tags.flatMap(spellingsOf);
    if (typeof w.same === 'string' && others.has(w.same)) return false;
    // The word's text starts with its static prefix: it can spell a tag only if the tag starts so too.
    return spellings.some((s) => s.startsWith(w.staticPrefix));
  });
}

function imageWords(inv: DockerInvocation): Word[] {
  switch (inv.verb) {
    case 'run':
    case 'create':
    case 'tag':
      return inv.operands.slice(0, 1).map((o) => o.word);
    case 'push':
      return inv.operands.map((o) => o.word);
    case 'other': {
      const sub = inv.cmd.words[inv.verbIndex]?.value ?? null;
      if (sub === null || !IMAGE_SUBCOMMANDS.has(sub)) return [];
      return inv.cmd.words.slice(inv.verbIndex + 1).filter((w) => w.value === null);
    }
    default:
      return [];
  }
}

/** A listing of containers (`docker ps`, `docker container ls|list|ps`). */
export function listsContainers(inv: DockerInvocation): boolean {
  const words = inv.cmd.words;
  const sub = words[inv.verbIndex]?.value;
  return inv.verb === 'other' && (sub === 'ps' || (sub === 'container' && ['ls', 'list', 'ps'].includes(words[inv.verbIndex + 1]?.value ?? '')));
}

/**
 * A command that takes every tag of a repository named without one: `docker push --all-tags app`
 * pushes app:build too, `docker save app` (`docker image save`) saves every tag of app. With the
 * builder build gone, the builder's tag would be missing from what they push or save.
 */
export function namesRepository(inv: DockerInvocation, tags: readonly string[]): boolean {
  const words = inv.cmd.words;
  const sub = words[inv.verbIndex]?.value;
  const save = inv.verb === 'other' && (sub === 'save' || (sub === 'image' && words[inv.verbIndex + 1]?.value === 'save'));
  const rest = words.slice(inv.verbIndex + (save && sub === 'image' ? 2 : 1));
  if (inv.verb === 'push' ? !rest.some((w) => w.value === '-a' || w.value === '--all-tags') : !save) return false;
  const repos = new Set(tags.map(canonicalImage).map((t) => t.slice(0, t.lastIndexOf(':'))));
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k]!.value;
    // (`-o FILE`/`--output FILE` of save take a value)
    if (v === '-o' || v === '--output') k++;
    if (v === null || v.startsWith('-') || v.includes(':') || v.includes('@')) continue;
    const c = canonicalImage(v);
    if (repos.has(c.slice(0, c.lastIndexOf(':')))) return true;
  }
  return false;
}

/**
 * Programs that only show what they read, and whose exit status does not depend on it: a listing
 * piped through them to the terminal (`docker images | head -n 3`) is only shown.
 */
const DISPLAY = new Set(['head', 'tail', 'sort', 'uniq', 'column', 'less', 'more', 'cat', 'nl', 'wc']);

/** True when the command's output reaches the terminal, directly or through DISPLAY programs only, and no file. */
export function shownOnly(cmd: ScriptCommand, commandAt: (index: number) => ScriptCommand | undefined): boolean {
  for (let c: ScriptCommand | undefined = cmd; c; ) {
    if (c.redirects.some((r) => (r.fd === null || r.fd === '1') && /^(>|>>|>\||&>|&>>)$/.test(r.op))) return false;
    if (c.stdout === null) return true;
    if (c.stdout.kind !== 'pipe') return false;
    c = commandAt(c.stdout.to);
    if (!c || !DISPLAY.has(c.words[0]?.value ?? '')) return false;
  }
  return false;
}

/** Listing flags that take a value (`--filter reference=app:*`, `--format '{{.Tag}}'`). */
const LISTING_VALUED = new Set(['-f', '--filter', '--format']);

/**
 * A listing of images (`docker images`, `docker image ls|list`) whose output goes anywhere but
 * the terminal (captured, piped, redirected to a file) and may hold an image with one of `tags`:
 * it lists every image, or one of them has a repository (`docker images app`) or a `reference=`
 * filter (`--filter reference='app:*'`) that a tag matches, or a word only known at run time.
 * A script that saves, pushes or records what it lists (`docker save $(docker images -q app)`)
 * found the builder image there; with the builder build gone it would not.
 */
export function listsImage(inv: DockerInvocation, tags: readonly string[], commandAt: (index: number) => ScriptCommand | undefined = () => undefined): boolean {
  const cmd = inv.cmd;
  const words = cmd.words;
  const sub = words[inv.verbIndex]?.value;
  const at = sub === 'images' ? inv.verbIndex + 1 : sub === 'image' && ['ls', 'list'].includes(words[inv.verbIndex + 1]?.value ?? '') ? inv.verbIndex + 2 : -1;
  if (at < 0 || shownOnly(cmd, commandAt)) return false;
  const names = tags.map(canonicalImage).map((t) => ({ tagged: t, repo: t.slice(0, t.lastIndexOf(':')) }));
  const references: (string | null)[] = [];
  const operands: (string | null)[] = [];
  for (let k = at; k < words.length; k++) {
    const v = words[k]!.value;
    if (v === null) {
      operands.push(null);
      continue;
    }
    const [flag, inline] = v.startsWith('--') && v.includes('=') ? [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] : [v, undefined];
    if (LISTING_VALUED.has(flag)) {
      const value = inline !== undefined ? inline : (words[++k]?.value ?? null);
      if (flag === '-f' || flag === '--filter') {
        if (value === null) references.push(null);
        else if (value.startsWith('reference=')) references.push(value.slice('reference='.length));
      }
      continue;
    }
    if (!v.startsWith('-')) operands.push(v);
  }
  // Each operand and reference filter narrows the listing; with none it holds every image.
  const byOperand = operands.every((o) => o === null || names.some((n) => {
    const c = canonicalImage(o);
    return o.includes(':') ? c === n.tagged : c.slice(0, c.lastIndexOf(':')) === n.repo;
  }));
  const byReference = references.every((r) => r === null || names.some((n) => globToRegExp(r).test(n.tagged) || globToRegExp(r).test(n.repo)));
  return (tags.length > 0 || operands.concat(references).every((x) => x === null)) && byOperand && byReference;
}
