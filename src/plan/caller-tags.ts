/**
 * A builder tag only known at run time that falls back to a name (`BUILDER=${BUILDER:-app-build}`,
 * then `-t "$BUILDER"`) is searched for by that name in the other files (./tag-mentions.ts): the
 * name the image has when the environment sets nothing. A caller that runs the script with the
 * variable set (`BUILDER=relay-build sh build.sh`, `env BUILDER=relay-build ./build.sh`, or after `export BUILDER=relay-build`) gives
 * the image another name, which it, or whatever runs after it (`docker run relay-build go
 * test`), may use: the search by the fallback does not find those uses.
 *
 * So the script is read again with the variables the call sets in its environment; when the
 * builder build's tag then reads otherwise, the caller chose the name, and the builder build
 * stays as written (`docker build --target builder -t "$BUILDER" …`), as for a tag with no
 * name to fall back to.
 */
import { envPrefix } from '../model/wrappers.js';
import { dynamicTags, sameText } from '../analyze/dynamic-tag.js';
import { parseShell } from '../analyze/shell/index.js';
import { dockerInvocation } from '../model/docker-command.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/** The variables a call puts in the environment of the script it runs: its `NAME=value` prefixes, and what its shell exported. */
function callEnvironment(call: ScriptCommand): Map<string, string | null> {
  const env = new Map<string, string | null>();
  for (const name of call.exported ?? []) env.set(name, call.vars.get(name) ?? null);
  for (const [name, value] of call.env ?? []) env.set(name, value);
  for (const [name, value] of envPrefix(call)?.vars ?? []) env.set(name, value);
  return env;
}

/**
 * `NAME=value` when the call's environment gives the setup's builder tag another value than
 * the name it falls back to, else null.
 */
export function tagSetByCaller(setup: Setup, script: ScriptFile | undefined, call: ScriptCommand): string | null {
  const tags = dynamicTags(setup.builder).filter((w) => typeof w.fallback === 'string' && w.fallback !== '');
  if (tags.length === 0 || !script || script.kind !== 'shell') return null;
  const env = callEnvironment(call);
  if (env.size === 0) return null;
  // The image is gone when the script removes it itself after the final build.
  const removed = setup.cleanup.some((c) => {
    const inv = dockerInvocation(c);
    return inv?.verb === 'rmi' && tags.every((t) => inv.operands.some((o) => sameText(o.word, t)));
  });
  if (removed) return null;
  const cwd = script.startCwd ?? setup.builder.inv.cmd.cwd;
  const again = parseShell(script.file, script.text, { vars: env, ...(cwd !== undefined ? { cwd } : {}) }).script;
  const build = again?.commands.find((c) => c.start === setup.builder.inv.cmd.start);
  const shown = [...env].map(([k, v]) => `${k}=${v ?? '…'}`).join(' ');
  if (!build) return shown;
  const differs = tags.some((tag) => {
    const word = build.words.find((w) => w.start === tag.start);
    return !word || (word.value ?? word.fallback ?? null) !== tag.fallback;
  });
  return differs ? shown : null;
}
