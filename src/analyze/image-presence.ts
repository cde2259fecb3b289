/**
 * `docker image inspect --format '{{json .Config.Cmd}}' app:latest > app.cmd`: a command whose
 * exit status answers only whether an image is there. Right after the build that made the image,
 * in the same `&&` list, it answers yes on every path the build succeeded on: a chain member
 * after it waits on no condition (./conditions.ts). That holds only when the inspect can fail for
 * no other reason, so every part of it is checked:
 *
 * - `docker image inspect` (or `docker inspect --type image`): a bare `docker inspect` may find a
 *   container or volume of that name first, and apply the template to it;
 * - one static image operand, which the build it waits on tagged (the setup's runtime build: the
 *   builder tag is gone once the builds merge), and no command between the two that may remove an
 *   image (only docker commands that remove none, and programs that run no container engine);
 * - no flag but `--format`/`-f` and `--type image`, and a template made only of literal text and
 *   actions printing a field (`{{.Id}}`, `{{json .Config.Cmd}}`) that every image has under both
 *   Docker and Podman: an unknown field, a function call or a parse error fails the inspect.
 */
import { dockerInvocation } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import type { ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { NO_ENGINE } from './dynamic-tag-uses.js';

/** Image fields the inspect output of Docker and Podman both has, for every image a build made. */
const FIELDS: Record<string, readonly string[] | null> = {
  Id: null,
  RepoTags: null,
  RepoDigests: null,
  Created: null,
  Author: null,
  Architecture: null,
  Os: null,
  Size: null,
  Config: ['Cmd', 'Entrypoint', 'Env', 'ExposedPorts', 'Labels', 'User', 'WorkingDir', 'Volumes', 'StopSignal'],
  RootFS: ['Type', 'Layers'],
};

/** Docker subcommands the docker-command model does not name (also after `image`) that only read. */
const READS_ONLY = new Set(['inspect', 'history', 'save', 'images', 'ls', 'ps', 'logs', 'version', 'info']);

/** `.Config.Cmd` (or `.`): a field path every inspected image has. */
function knownField(path: string): boolean {
  if (path === '.') return true;
  if (!path.startsWith('.')) return false;
  const [top, sub, ...rest] = path.slice(1).split('.');
  if (rest.length > 0 || top === undefined || !(top in FIELDS)) return false;
  if (sub === undefined) return true;
  return FIELDS[top]?.includes(sub) ?? false;
}

/** One action's text between `{{` and `}}`: an optional trim marker each side, then `FIELD` or `json FIELD`. */
function printsField(action: string): boolean {
  let a = action;
  if (a.startsWith('- ')) a = a.slice(2);
  if (a.endsWith(' -')) a = a.slice(0, -2);
  const words = a.split(' ').filter((w) => w !== '');
  if (words.length === 1) return knownField(words[0]!);
  return words.length === 2 && words[0] === 'json' && knownField(words[1]!);
}

/** True when a Go template prints only such fields: it can fail on no image. */
export function fieldsOnlyTemplate(template: string): boolean {
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    const stray = rest.indexOf('}}');
    if (open < 0) return stray < 0;
    if (stray >= 0 && stray < open) return false;
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) return false;
    const action = rest.slice(open + 2, close);
    if (action.includes('{{') || !printsField(action)) return false;
    rest = rest.slice(close + 2);
  }
}

/** The image a `docker image inspect` answers for, when it can fail only if that image is missing; else null. */
function inspectedImage(cmd: ScriptCommand): string | null {
  const words = cmd.words.map((w) => w.value);
  if (words.some((v) => v === null)) return null;
  const inv = dockerInvocation(cmd);
  if (!inv || inv.verb !== 'other' || inv.verbIndex !== 1) return null;
  const v = words as string[];
  const image = v[1] === 'image' && v[2] === 'inspect';
  if (!image && v[1] !== 'inspect') return null;
  let typed = image;
  const operands: string[] = [];
  for (let k = image ? 3 : 2; k < v.length; k++) {
    const w = v[k]!;
    const eq = w.startsWith('--') ? w.indexOf('=') : -1;
    const [name, inline] = eq > 0 ? [w.slice(0, eq), w.slice(eq + 1)] : [w, null];
    if (name === '--format' || name === '-f') {
      const template = inline ?? v[++k];
      if (template === undefined || !fieldsOnlyTemplate(template)) return null;
    } else if (name === '--type' && !image) {
      if ((inline ?? v[++k]) !== 'image') return null;
      typed = true;
    } else if (w.startsWith('-')) return null;
    else operands.push(w);
  }
  return typed && operands.length === 1 ? canonicalImage(operands[0]!) : null;
}

/** True when `cmd` may remove an image: a docker command that removes one, or a program that may run the engine. */
function mayRemoveImage(cmd: ScriptCommand): boolean {
  const inv = dockerInvocation(cmd);
  if (inv && inv.verb !== 'other') return inv.verb === 'rmi';
  if (inv) {
    const [first, second] = [cmd.words[inv.verbIndex]?.value, cmd.words[inv.verbIndex + 1]?.value];
    return !READS_ONLY.has((first === 'image' ? second : first) ?? '');
  }
  const prog = cmd.words[0]?.value;
  return prog === undefined || prog === null || !NO_ENGINE.has(prog);
}

/**
 * True when `cmd` is an inspect of the image the setup's runtime build made, waiting on that
 * build (`after`: the commands before it in its `&&` list), with nothing between them that may
 * remove the image: it succeeds whenever the build did.
 */
export function inspectsBuiltImage(cmd: ScriptCommand, after: readonly number[], setup: Setup, commands: ReadonlyMap<number, ScriptCommand>): boolean {
  const runtime = setup.runtime;
  if (!runtime || runtime.inv.cmd.file !== cmd.file) return false;
  const image = inspectedImage(cmd);
  const build = runtime.inv.cmd.index;
  if (image === null || !after.includes(build)) return false;
  if (!runtime.tags.some((t) => canonicalImage(t) === image)) return false;
  for (let i = build + 1; i < cmd.index; i++) {
    const between = commands.get(i);
    if (!between || mayRemoveImage(between)) return false;
  }
  return true;
}
