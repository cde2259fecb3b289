/**
 * What the pipeline does after the image is built, from another place than the build's own
 * commands (./grammar.ts): a `docker rmi` of the builder image (in the same sequence, with `||
 * true`, or elsewhere: a `clean` branch of the script, a Makefile `clean:` target, an npm `clean`
 * script), and a sibling Make target or npm script that reads, removes or writes the artifact
 * (the image target then leaves it behind: render.ts writes no cleanup).
 * The fuzz driver runs each of them after the build (RenderedRepo.later), in the old repository
 * and in the migrated one: one that fails only after the migration is a wrong migration.
 * Drawn from streams of their own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import type { PipelineEntry } from './render.js';

export const LATER_STEP_FEATURES = {
  /** `docker rmi` of the builder tag: last in the build's sequence, the same with `|| true`, or in the driver's `clean` (a script branch, a Make target, an npm script). */
  builderRmi: ['none', 'same', 'or-true', 'elsewhere'],
  /** A Make target or npm script run after the image one: it checksums (lists) the artifact, removes it, or writes to it. */
  sibling: ['none', 'read', 'remove', 'write'],
  /** After the runtime build, a checksum of the program named in an unquoted variable the shell splits into two file names (`KEEP="out/app main.go"; sha256sum $KEEP`): the artifact stays in use on the host. */
  splitList: ['none', 'list'],
} as const;

/** The later-step features as the rest of the spec allows (a spec stored before they existed reads them as `none`). */
export function normalizeLaterStep(s: RepoSpec): void {
  for (const k of Object.keys(LATER_STEP_FEATURES) as (keyof typeof LATER_STEP_FEATURES)[]) if (s[k] === undefined) (s as Record<string, unknown>)[k] = 'none';
  if (s.extraction === 'stock-build' || s.runner !== 'script') s.builderRmi = 'none';
  // the containers `docker cp $(docker create …)` leaves keep the image in use: no engine removes it then (CI seed 22)
  if (s.extraction === 'inline-create') s.builderRmi = 'none';
  // nor before a trap removes the container, at the script's exit
  if (s.trapCleanup && s.builderRmi === 'same') s.builderRmi = 'or-true';
  // (an npm script is one `&&` chain: an `|| true` at its end would cover every command before it)
  if (s.builderRmi === 'or-true' && s.driver === 'npm') s.builderRmi = 'same';
  if (s.runner !== 'script' || (s.driver !== 'make' && s.driver !== 'npm')) s.sibling = 'none';
  // (a script's line, a recipe line or an npm script: the runners' renderings quote differently)
  if (s.runner !== 'script') s.splitList = 'none';
}

/** The line of splitList, in the driver's spelling of `$` (`dollar`); none for a program path holding a space (split in the old run too). */
export function splitListLines(s: RepoSpec, program: string, dollar: string): string[] {
  if (s.splitList !== 'list' || program.includes(' ') || program.includes('"')) return [];
  return [`KEEP="${program} main.go"; sha256sum ${dollar}KEEP > ${s.app}.sums`];
}

/** The `docker rmi` line of the builder image `tag` in the build's own sequence, if drawn there. */
export function rmiInSequence(s: RepoSpec, tag: string): string[] {
  if (s.builderRmi === 'same') return [`docker rmi ${tag}`];
  if (s.builderRmi === 'or-true') return [`docker rmi ${tag} || true`];
  return [];
}

/** A sh or bash script's `clean` branch, before the build (`sh build.sh clean` removes the builder image). */
export function cleanBranch(s: RepoSpec, tag: string): string[] {
  if (s.builderRmi !== 'elsewhere' || (s.driver !== 'sh' && s.driver !== 'bash')) return [];
  return ['case "${1:-build}" in', 'clean)', `  docker rmi ${tag}`, '  exit 0', '  ;;', 'esac', ''];
}

/**
 * The sibling's name and command (paths as the host has them: `program` the extracted program,
 * `holder` the folder holding it, if any: an extracted folder, or one the file was copied into).
 */
export function siblingStep(s: RepoSpec, program: string, holder: string | null): { name: string; line: string } | null {
  const folder = s.artifact === 'folder' && holder !== null;
  switch (s.sibling) {
    case 'read':
      return { name: 'verify', line: folder ? `find ${holder} -type f | sort > ${s.app}.files` : `sha256sum ${program} > ${s.app}.sha256` };
    case 'remove':
      // (the whole holder: an emptied folder the migrated run never made would be the only difference; fuzz seed 87138)
      return { name: 'distclean', line: holder !== null ? `rm -rf ${holder}` : `rm -f ${program}` };
    case 'write':
      // (named unlike any app: a Makefile whose artifact is a file target of the app's name would get two recipes; seed 12469)
      return { name: 'restamp', line: `echo "# stamped" >> ${program}` };
    default:
      return null;
  }
}

/** The Make targets or npm scripts besides `image` (name → recipe lines), for a Makefile or a package.json. */
export function otherTargets(s: RepoSpec, tag: string, program: string, holder: string | null): [string, string[]][] {
  const out: [string, string[]][] = [];
  if (s.builderRmi === 'elsewhere' && (s.driver === 'make' || s.driver === 'npm')) out.push(['clean', [`docker rmi ${tag}`]]);
  const sib = siblingStep(s, program, holder);
  if (sib) out.push([sib.name, [sib.line]]);
  return out;
}

/** What the driver runs after the build, in order: the sibling, then the removal of the builder image. */
export function laterEntries(s: RepoSpec, script: string | null): PipelineEntry[] {
  const out: PipelineEntry[] = [];
  const name = siblingStep(s, 'x', null)?.name;
  if (name) out.push(s.driver === 'make' ? { kind: 'make', target: name } : { kind: 'npm', script: name });
  if (s.builderRmi === 'elsewhere') {
    if (s.driver === 'make') out.push({ kind: 'make', target: 'clean' });
    else if (s.driver === 'npm') out.push({ kind: 'npm', script: 'clean' });
    else if (script !== null) out.push({ kind: 'script', script, args: ['clean'] });
  }
  return out;
}
