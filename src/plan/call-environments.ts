/**
 * Docker commands started with environments apart. A host that starts a call with an environment
 * of its own (a JavaScript `execSync(cmd, { env: { PATH: process.env.PATH } })`: Snippet.ownEnvironment)
 * does not pass on the one the script's other calls share, which holds whatever the script's
 * caller gave it: DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG (and HOME, where the docker CLI finds
 * its configuration), DOCKER_BUILDKIT, BUILDX_BUILDER, SOURCE_DATE_EPOCH… The build-environment
 * checks compare the values the reader knows; a value inherited from the caller is the same in
 * every call that inherits it, but not in one that starts afresh. The merged build runs with the
 * final build's environment: where the builder build's call had another, the compile may run on
 * another engine or builder, with other credentials or another epoch. Likewise an extraction step
 * whose environment is not the builder build's may read another engine's image.
 */
import { partHolding } from '../analyze/embedded.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { DockerInvocation } from '../model/docker-command.js';
import type { ScriptFile } from '../model/script.js';

/** The environment the call holding `inv` starts with, as written, where it is one of its own (null: the script's). */
function own(script: ScriptFile, inv: DockerInvocation): string | null {
  return partHolding(script, inv.cmd)?.part.snippet.ownEnvironment ?? null;
}

/** Whether two commands run in environments that may differ: either call starts with one of its own, and they are two calls. */
function apart(script: ScriptFile, a: DockerInvocation, b: DockerInvocation): boolean {
  if (own(script, a) === null && own(script, b) === null) return false;
  return partHolding(script, a.cmd)?.part !== partHolding(script, b.cmd)?.part;
}

const shown = (script: ScriptFile, inv: DockerInvocation) => {
  const o = own(script, inv);
  return o === null ? "the script's environment (what its caller gave it)" : o;
};

const VARIABLES = 'DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, DOCKER_BUILDKIT, BUILDX_BUILDER, SOURCE_DATE_EPOCH';

/** FLAG_CONFLICT where the final build's call (or an extraction step's) starts with another environment than the builder build's. */
export function callEnvironmentConflicts(script: ScriptFile, builder: DockerInvocation, final: DockerInvocation, extraction: readonly DockerInvocation[], setup: string): Diagnostic[] {
  const at = (inv: DockerInvocation, hint: string) => ({ file: inv.cmd.file, line: inv.cmd.line, setup, hint });
  const text = (inv: DockerInvocation) => inv.cmd.words.map((w) => w.raw).join(' ');
  if (apart(script, builder, final)) {
    return [
      diag('FLAG_CONFLICT', 'error', `the final build \`${text(final)}\` runs with ${shown(script, final)}, the builder build \`${text(builder)}\` (line ${builder.cmd.line}) with ${shown(script, builder)}: the docker client's variables (${VARIABLES}…) may differ between them, and the one merged build compiles with the final build's, maybe on another engine or builder`, at(final, 'Start both calls with the same environment (`env: { ...process.env, … }`, or no `env:`), then run the tool again.')),
    ];
  }
  const other = extraction.find((inv) => apart(script, builder, inv));
  if (other) {
    return [
      diag('FLAG_CONFLICT', 'error', `\`${text(other)}\` runs with ${shown(script, other)}, the builder build \`${text(builder)}\` (line ${builder.cmd.line}) with ${shown(script, builder)}: its DOCKER_HOST or DOCKER_CONTEXT may differ, so it may read another engine's image, while the merged build copies from the stage it builds`, at(other, 'Start the builder build and its extraction with the same environment, then run the tool again.')),
    ];
  }
  return [];
}
