/**
 * GitHub Actions expressions in a step's `run:` text. The runner replaces each `${{ … }}` with
 * its value's text before the shell runs; the reader reads each as a variable nothing in the
 * text assigns (`${__ci_expression_N}`, ./ci-yaml.ts). Those whose value the tool knows are
 * given it, as the shell would read the same value in a variable:
 * - `${{ github.workspace }}`: the workspace's path, which is the repository's root where the
 *   job checks this repository out there (./github-workspace.ts); the value
 *   `$GITHUB_WORKSPACE` holds, but in a job with a `container:`, where the expression gives the
 *   runner's own path and the variable the container's: left unknown there.
 * - `${{ env.NAME }}`: the value the job's `env:` (over the workflow's) gives NAME where it is
 *   static, not written to $GITHUB_ENV by an earlier step, not set otherwise by the step's own
 *   `env:` (whether the runner evaluates the step's text with it is left unassumed), and plain
 *   text the shell reads back as itself (the runner writes the text into the script, so a
 *   `$`, a quote or a blank in it would be read again as shell).
 * Any other expression stays an unknown value.
 */
import { folderValue } from '../script-folder.js';

export interface ReadExpression {
  /** The variable the shell text reads the expression as. */
  name: string;
  /** The expression as written (`${{ github.workspace }}`). */
  text: string;
}

const WORKSPACE = /^\$\{\{\s*github\.workspace\s*\}\}$/;
const ENV = /^\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const PLAIN = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** The values of the expressions the tool knows, by the name each is read as. */
export function expressionValues(read: readonly ReadExpression[], env: ReadonlyMap<string, string | null>, atWorkspace: boolean): [string, string][] {
  const out: [string, string][] = [];
  for (const e of read) {
    if (WORKSPACE.test(e.text)) {
      if (atWorkspace) out.push([e.name, folderValue('')]);
      continue;
    }
    const m = ENV.exec(e.text);
    const v = m ? env.get(m[1]!) : undefined;
    if (typeof v === 'string' && PLAIN.test(v)) out.push([e.name, v]);
  }
  return out;
}
