/**
 * A CI file may set PATH with an expression or a variable (GitHub Actions `env: PATH: ${{
 * github.workspace }}/tools:…`, GitLab `variables: PATH: "$CI_PROJECT_DIR/tools:$PATH"`, Azure
 * `$(Build.SourcesDirectory)/tools`, Jenkins `environment { PATH = "${WORKSPACE}/tools:${PATH}" }`):
 * the reader takes such a value as only known at run time (./ci-yaml.ts `staticEnv`), and a
 * PATH only known at run time gives the shadow check nothing to follow. Here each `PATH` key of
 * the file whose value holds one is read entry by entry, up to the PATH it started with: the
 * checkout's variable (`${{ github.workspace }}`, `$GITHUB_WORKSPACE`, `$CI_PROJECT_DIR`,
 * `$(Build.SourcesDirectory)`…) is the repository's root; an entry under any other, or a
 * relative one (found from each step's folder), is a folder only known at run time, with the
 * literal tail after it (./path-entries.ts). A Jenkinsfile's are read with its steps
 * (./jenkinsfile.ts, jenkinsPathEntries). Every command of the file is taken to run with each
 * such PATH (which `env:` reaches which step is not told apart: a wrapper there is rare, and
 * refusing for it is safe).
 */
import { yaml } from './yaml-module.js';
import { pathEntry } from '../path-entries.js';
import type { PathFolder } from '../shell/types.js';
import { LineIndex } from '../../model/text.js';
import type { ScriptFile, ScriptKind } from '../../model/script.js';

/** The CI files read for such PATHs. */
export const CI_PATH_KINDS: ReadonlySet<ScriptKind> = new Set(['github-actions', 'gitlab-ci', 'azure-pipelines', 'circleci', 'bitbucket-pipelines', 'jenkinsfile']);

const WORKSPACE = /^(?:\$\{\{\s*(?:github\.workspace|env\.GITHUB_WORKSPACE)\s*\}\}|\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR|BITBUCKET_CLONE_DIR|CIRCLE_WORKING_DIRECTORY)\}?|\$\((?:Build\.SourcesDirectory|System\.DefaultWorkingDirectory)\))(?=\/|$)/;
/** The PATH the job started with: the entries after it come after the runner's own folders. */
const STARTED = /^(?:\$\{\{\s*env\.PATH\s*\}\}|\$\{?PATH\}?|\$\(PATH\))$/;

/** An entry under the checkout's variable (`${GITHUB_WORKSPACE}/tools`), as a path from the repository's root (`./tools`); null for any other. */
export function fromCheckout(entry: string): string | null {
  const root = WORKSPACE.exec(entry);
  return root ? `.${entry.slice(root[0].length)}` : null;
}

/** Jenkins: the workspace (`${WORKSPACE}`, `${env.WORKSPACE}`, `$WORKSPACE`), where the pipeline's checkout is. */
const JENKINS_WORKSPACE = /^\$(?:\{(?:env\.)?WORKSPACE\}|(?:env\.)?WORKSPACE(?![\w.]))(?=\/|$)/;
/** Jenkins: the PATH the step started with (`${env.PATH}`, `$PATH`). */
const JENKINS_STARTED = /^\$(?:\{(?:env\.)?PATH\}|(?:env\.)?PATH)$/;

/**
 * The entries a Jenkins `environment { PATH = "…" }` or `withEnv(['PATH+NAME=…'])` value puts
 * before the PATH the step started with, as written in the Jenkinsfile (a Groovy interpolation
 * as its source text): the workspace is the repository's root, an entry under any other value,
 * or a relative one (found from each step's `dir()`), a folder only known at run time. `all`
 * false leaves out entries without a `$`, which the steps' known PATH gives already
 * (../shadowed-commands.ts knownPathEntries).
 */
export function jenkinsPathEntries(value: string, line: number, all: boolean): PathFolder[] {
  const out: PathFolder[] = [];
  for (const e of value.split(':')) {
    if (JENKINS_STARTED.test(e)) break;
    if (!all && !e.includes('$')) continue;
    const root = JENKINS_WORKSPACE.exec(e);
    // (a relative entry is found from the folder each step runs in, which differs between steps)
    const entry = root ? pathEntry(`.${e.slice(root[0].length)}`, '', line) : pathEntry(e, null, line);
    if (entry) out.push(entry);
  }
  return out;
}

const read = new WeakMap<ScriptFile, { entry: PathFolder; at: string }[]>();

/** The PATH folders `script`'s PATHs with an expression or a variable put before the runner's own, each with where (read once a file: every setup and call of it asks). */
export function expressionPathEntries(script: ScriptFile): { entry: PathFolder; at: string }[] {
  // (a Jenkinsfile's, read with its steps: ./jenkinsfile.ts)
  if (script.kind === 'jenkinsfile') return (script as { expressionPath?: { entry: PathFolder; at: string }[] }).expressionPath ?? [];
  let out = read.get(script);
  if (out === undefined) read.set(script, (out = pathsOf(script.file, script.text)));
  return out;
}

function pathsOf(file: string, text: string): { entry: PathFolder; at: string }[] {
  if (!text.includes('PATH') || !text.includes('$')) return [];
  const out: { entry: PathFolder; at: string }[] = [];
  const lines = new LineIndex(text);
  const doc = yaml().parseDocument(text);
  yaml().visit(doc, {
    Pair(_key, pair) {
      const k = pair.key as { value?: unknown } | null;
      const v = pair.value as { value?: unknown; range?: number[] } | null;
      if (k?.value !== 'PATH' || typeof v?.value !== 'string' || !v.value.includes('$')) return;
      const line = lines.lineOf(v.range?.[0] ?? 0);
      for (const e of v.value.split(':')) {
        // (the PATH the step started with: what follows is after the repository's folders)
        if (STARTED.test(e)) break;
        // (a relative entry is found from the folder each step runs in, which `working-directory` may
        // set: taken as a folder only known at run time ending in it, looked for there and above)
        const root = fromCheckout(e);
        const entry = root !== null ? pathEntry(root, '', line) : pathEntry(e.replace(/\$\{\{[^}]*\}\}|\$\([^)]*\)/g, '${__expression}'), null, line);
        if (entry) out.push({ entry, at: `${file}:${line}, a PATH the CI file sets` });
      }
    },
  });
  return out;
}
