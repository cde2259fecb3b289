/**
 * Image builds by programs whose flags are not docker's and which the tool does not read as
 * builds: kaniko's executor (`/kaniko/executor --context … --dockerfile …`, the usual image
 * build of a GitLab CI job without a docker daemon) and BuildKit's own client (`buildctl build
 * --frontend dockerfile.v0 --local dockerfile=. --opt filename=…`). Such a build of a setup's
 * runtime Dockerfile would now build the merged file's builder stage too, from a context and with
 * build arguments the tool does not know (src/plan/runtime-rebuilds.ts). What can be read is the
 * name of the Dockerfile it builds: a literal name other than the runtime Dockerfile's cannot be
 * that file; anything else may be.
 */
import path from 'node:path/posix';
import type { ScriptCommand, Word } from './script.js';

export interface ForeignBuild {
  /** The program, as messages name it. */
  program: 'kaniko' | 'buildctl';
  /** The file name (last segment) of the Dockerfile it builds; null when only known at run time. */
  dockerfileName: string | null;
}

/** kaniko's flags that name the Dockerfile, and the file it builds without them. */
const KANIKO_DOCKERFILE = new Set(['--dockerfile', '-f']);
const KANIKO_FLAGS = /^--(context|dockerfile|destination|no-push|build-arg|target|cache)\b|^-[cf]$/;

/** The value of flag `names` among `words` (`--f v` or `--f=v`); undefined when absent, null when only known at run time. */
function flagValue(words: readonly Word[], names: ReadonlySet<string>): string | null | undefined {
  let found: string | null | undefined;
  for (let i = 0; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === null) continue;
    const eq = v.indexOf('=');
    if (eq > 0 && names.has(v.slice(0, eq))) found = v.slice(eq + 1);
    else if (names.has(v)) found = words[i + 1] ? words[i + 1]!.value : null;
  }
  return found;
}

/** The `--opt filename=NAME` of a buildctl build (undefined: none; null: only known at run time). */
function buildctlFilename(words: readonly Word[]): string | null | undefined {
  let found: string | null | undefined;
  for (let i = 0; i < words.length; i++) {
    const v = words[i]!.value;
    const opt = v === '--opt' ? words[i + 1]?.value : v?.startsWith('--opt=') ? v.slice('--opt='.length) : undefined;
    if (opt === undefined) continue;
    if (opt === null) found = null;
    else if (opt.startsWith('filename=')) found = opt.slice('filename='.length);
  }
  return found;
}

const named = (value: string | null | undefined): string | null => (value === undefined ? 'Dockerfile' : value === null || value === '' ? null : path.basename(value));

/** The build `cmd` runs with kaniko or buildctl, from its program word `at`; null when it is none. */
export function foreignBuild(cmd: ScriptCommand, at: number): ForeignBuild | null {
  const program = cmd.words[at]?.value;
  if (program == null) return null;
  const base = program.slice(program.lastIndexOf('/') + 1);
  const rest = cmd.words.slice(at + 1);
  if (base === 'executor' && (program.includes('kaniko') || rest.some((w) => w.value !== null && KANIKO_FLAGS.test(w.value)))) {
    return { program: 'kaniko', dockerfileName: named(flagValue(rest, KANIKO_DOCKERFILE)) };
  }
  if ((base === 'buildctl' || base === 'buildctl-daemonless.sh') && rest.some((w) => w.value === 'build')) {
    return { program: 'buildctl', dockerfileName: named(buildctlFilename(rest)) };
  }
  return null;
}
