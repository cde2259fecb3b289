/**
 * What a call of a script gives it beyond the script's own text, through the environment the
 * caller runs it in (./callers.ts records it on each call; the called script's setups are
 * checked with it, src/analyze/index.ts):
 *
 * - the repository folders PATH holds: the caller's own PATH changes (`export
 *   PATH="$PWD/tools:$PATH"`, a Makefile's exported PATH), the PATH the call is given (`PATH=…
 *   ./build.sh`, `env PATH=… ./build.sh`, a CI step's or job's `env:`), and the folders earlier
 *   steps of the caller's CI job append (./step-env-files.ts). A file there named like a program
 *   of the script runs instead of it (./shadowed-commands.ts);
 * - the first variable that matters an earlier CI step writes for the later ones
 *   (STEP_ENV_WRITTEN), as a message;
 * - the functions the caller exports (`docker() { … }; export -f docker`): a bash started for
 *   the script imports them, and they shadow programs of that name as the script's own would.
 */
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import type { PathFolder } from './shell/types.js';
import { knownPathEntries } from './shadowed-commands.js';
import { CI_PATH_KINDS, expressionPathEntries } from './hosts/ci-path-expressions.js';
import { envBeforeCall, mayWriteStepEnv, type TextOf } from './step-env-files.js';
import { dotenvWriteBefore, hasDotenvReports } from './gitlab-dotenv.js';

export interface CallEnvironment {
  path: { entry: PathFolder; at: string }[];
  env: string | null;
  functions?: { name: string; at: string }[];
}

/** `export -f NAME`, `declare -fx NAME`, `typeset -xf NAME`: bash exports the function to the programs it runs. */
const EXPORTS_FUNCTIONS = /\b(?:export|declare|typeset)\s+(?:-\w+\s+)*-\w*f/;

/**
 * For the caller `script` (whose commands that call scripts are `kept`), the environment each
 * of its calls gives (null: nothing beyond the script's text). What it takes from the whole
 * caller is read once, and only where its text says it may hold any.
 */
export function callEnvironments(script: ScriptFile, kept: readonly ScriptCommand[], text: TextOf): (cmd: ScriptCommand) => CallEnvironment | null {
  const envFiles = mayWriteStepEnv(script, kept, text);
  const ownPath = script.text.includes('PATH') ? ((script as { pathFolders?: readonly PathFolder[] }).pathFolders ?? []).map((p) => ({ entry: p, at: `${script.file}:${p.line}` })) : [];
  // (a GitHub Actions `env:` PATH written with an expression: ./hosts/ci-path-expressions.ts)
  if (CI_PATH_KINDS.has(script.kind)) ownPath.push(...expressionPathEntries(script));
  // (an exported function is kept by the reader as a name the next commands' environment holds)
  const own = EXPORTS_FUNCTIONS.test(script.text) ? (script as { functions?: ReadonlyMap<string, unknown>; definedFunctions?: ReadonlySet<string> }) : null;
  const defined = own ? new Set([...(own.functions?.keys() ?? []), ...(own.definedFunctions ?? [])]) : null;
  // (a GitLab job gets the variables of other jobs' dotenv reports: ./gitlab-dotenv.ts)
  const dotenv = hasDotenvReports(script) ? ((script as { sequences?: readonly (readonly ScriptCommand[])[] }).sequences ?? []) : null;
  return (cmd) => {
    const steps = envFiles ? envBeforeCall(script, cmd.index, text) : null;
    const path = [...ownPath, ...knownPathEntries(cmd), ...(steps?.path ?? [])];
    const functions = defined ? (cmd.exported ?? []).filter((n) => defined.has(n)).map((name) => ({ name, at: `${cmd.file}:${cmd.line}` })) : [];
    let env = steps?.env ?? null;
    for (const seq of dotenv ?? []) if (env === null && seq.some((c) => c.index === cmd.index)) env = dotenvWriteBefore(script, seq, text);
    if (path.length === 0 && env === null && functions.length === 0) return null;
    return { path, env, ...(functions.length > 0 ? { functions } : {}) };
  };
}
