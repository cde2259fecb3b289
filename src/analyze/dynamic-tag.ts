/**
 * A builder tag only known at run time, such as `-t "$TAG"` after `TAG=${TAG:-app-build}` or
 * `-t "${IMAGE:-app}:build"`. Whatever the value, the build and the container made from it
 * name the same image when both words are the same expansion of the same variables, read at
 * the same assignment (the shell reader's `same` key, ./shell/versions.ts). What the rest of the
 * script does with that image (a push, a test run in it, another variable that may name it)
 * keeps the builder build as it is written: ./dynamic-tag-uses.ts.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import { shownCommand, shownCommandIn, shownWord, type ScriptCommand, type ShownIn, type Word } from '../model/script.js';
import type { BuildStep, Setup } from '../model/setup.js';
import type { Container } from './extractions.js';
import { CLOSE, OPEN } from './shell/versions.js';

/** The builder's tags whose value is only known at run time. */
export function dynamicTags(builder: BuildStep): Word[] {
  return flagValues(builder.inv, '--tag').filter((w) => w.value === null);
}

/** Why a run-time tag cannot be followed at all, or null when each has a key to compare. */
export function unfollowedTag(builder: BuildStep): Word | null {
  return dynamicTags(builder).find((w) => typeof w.same !== 'string') ?? null;
}

const where = (cmd: ScriptCommand, setup: string, hint: string) => ({ file: cmd.file, line: cmd.line, setup, hint });

/**
 * The containers of the extraction must be made from the image the builder built: the same
 * expansion of the same variables (or a literal tag of that build).
 */
export function extractionImages(setup: Setup, containers: readonly Container[], script?: ShownIn & { expandedEachUse?: Readonly<Record<string, string>> }): Diagnostic[] {
  const tags = flagValues(setup.builder.inv, '--tag');
  const out: Diagnostic[] = [];
  const followed = !setup.builder.stock && dynamicTags(setup.builder).length > 0 && unfollowedTag(setup.builder) === null;
  for (const cmd of followed ? setup.extraction : []) {
    const inv = dockerInvocation(cmd);
    if (!inv || (inv.verb !== 'create' && inv.verb !== 'run')) continue;
    const image = inv.operands[0]?.word;
    if (!image || tags.some((t) => sameText(t, image))) continue;
    const tag = dynamicTags(setup.builder)[0]!;
    const start = `the builder image's tag \`${shownWord(tag, script)}\` is only known at run time, and \`${shownCommandIn(cmd, script)}\` may not use the image built at line ${setup.builder.inv.cmd.line}`;
    const eachUse = script?.kind === 'make' ? eachUseReason(script.expandedEachUse, [tag, image].map((w) => shownWord(w, script))) : null;
    out.push(
      eachUse !== null
        ? diag('DYNAMIC_IMAGE', 'error', `${start}: ${eachUse}, so the two expansions may differ`, where(cmd, setup.id, 'Assign the variable with `:=` (or `!=`): Make then expands it once, as it reads the file, and every recipe line of the run reads that value.'))
        : diag('DYNAMIC_IMAGE', 'error', `${start}: \`${shownWord(image, script)}\` is not the same expansion ${script?.kind === 'make' ? 'in the same run of make' : 'in the same shell'}, or a variable it reads is assigned between them (or by a step the tool cannot follow)`, where(cmd, setup.id, 'Make the container from the very expansion the builder build tags, in the same shell, with no assignment between them.')),
    );
  }
  out.push(...containerNames(setup, containers));
  return out;
}

/**
 * Why a Make variable the words read (as Make's text writes them) may expand to another value at
 * each use (./hosts/make-variables.ts expandedEachUse), or null. (The recipe's shell reading
 * holds such a variable as an expansion of its own, so its name is looked for in the text.)
 */
function eachUseReason(reasons: Readonly<Record<string, string>> | undefined, texts: readonly string[]): string | null {
  for (const [name, why] of Object.entries(reasons ?? {})) {
    if (texts.some((t) => t.includes(`$(${name})`) || t.includes(`\${${name}}`))) return why;
  }
  return null;
}

/** Two words that surely expand to the same text. */
export function sameText(a: Word, b: Word): boolean {
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
        diag('DYNAMIC_CONTAINER', 'error', `\`${shownCommand(bad.cmd)}\` may name another container than the one made at line ${c.made.cmd.line}: its name is assigned again between them, or by a step the tool cannot follow`, where(bad.cmd, setup.id, 'Name the container with the same expansion throughout, with no assignment between.')),
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
