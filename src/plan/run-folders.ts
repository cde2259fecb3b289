/**
 * Where a file the tool does not read as a script runs its commands (./unread-builds.ts), by the
 * kind of file, so that a build of `.` in it is read from that folder only:
 *
 * - an AWS CodeBuild buildspec: the source root (CODEBUILD_SRC_DIR), wherever the file is ("a
 *   buildspec file somewhere other than the root of your source directory, such as
 *   config/buildspec.yml": https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html);
 * - a Taskfile: its own folder ("Tasks run from the directory containing that Taskfile unless
 *   their dir setting changes it": https://taskfile.dev/docs/guide/running-tasks), a task's
 *   `dir:` read from there; but a Taskfile another one includes ran, before Task 3.35, from the
 *   including file's folder (https://github.com/go-task/task/issues/1579), so the folders of the
 *   repository's other Taskfiles count too;
 * - a justfile: its own folder ("By default, recipes run with the working directory set to the
 *   directory that contains the justfile": https://just.systems/man/en/working-directory.html),
 *   unless it says `[no-cd]` or `working-directory`, which this search does not read (any
 *   mention keeps the root as well);
 * - a Cloud Build config: its steps run in the build's source (/workspace), a step's `dir:`
 *   relative to it (https://cloud.google.com/build/docs/build-config); which folder was sent as
 *   the source is said where the build is started, so both the file's folder and the root count;
 * - tox.ini: its own folder (tox_root), unless it sets `changedir`/`change_dir`, which this search
 *   does not read (https://tox.wiki/en/latest/config.html#change_dir);
 * - any other file (a Python or Ruby script, Gradle): unknown, so both its folder and the root.
 *
 * A file that changes folder anywhere (`cd ..`, `pushd`, `os.chdir`, `cwd=`, Gradle's
 * `workingDir`) may run a build from any folder: this search does not follow the change, so
 * such a file's builds are read by their Dockerfile's name only.
 */
import path from 'node:path/posix';

interface RunKind {
  /** The file names of this kind. */
  name: RegExp;
  /** The folders its commands may run from (repository paths, '' the root). */
  folders(dir: string, text: string, files: readonly string[]): string[];
  /** Whether a YAML step's or task's `dir:` moves its commands (relative to those folders). */
  stepDir: boolean;
}

const TASKFILE = /^taskfile(\.dist)?\.ya?ml$/i;
/** Words that change the folder later commands run in, in the languages searched (`os.chdir`, `Dir.chdir`, `cwd=`, `{ cwd: … }`). */
const MOVES = /^(cd|pushd|chdir|cwd|workingDir|working_dir)$|\.(chdir|cwd)$/;
const WORDS = /[\s"'`,;()[\]{}=:]+/;
const both = (dir: string) => (dir === '' ? [''] : [dir, '']);

const KINDS: readonly RunKind[] = [
  { name: /^buildspec[^/]*\.ya?ml$/i, folders: () => [''], stepDir: false },
  {
    name: TASKFILE,
    folders: (dir, _text, files) => [...new Set([dir, ...files.filter((f) => TASKFILE.test(path.basename(f))).map(folderOf)])],
    stepDir: true,
  },
  { name: /^(justfile|\.justfile|.*\.just)$/i, folders: (dir, text) => (/no-cd|working-directory/.test(text) ? both(dir) : [dir]), stepDir: false },
  { name: /^cloudbuild[^/]*\.ya?ml$/i, folders: both, stepDir: true },
  { name: /^tox\.ini$/i, folders: (dir, text) => (/change_?dir/.test(text) ? both(dir) : [dir]), stepDir: false },
];

function folderOf(file: string): string {
  const dir = path.dirname(file);
  return dir === '.' ? '' : dir;
}

/**
 * Where the commands of `file` run (null: only known at run time), and whether a YAML `dir:`
 * moves them; `files` are the repository's files the walk found.
 */
export function runFolders(file: string, text: string, files: readonly string[]): { folders: string[] | null; stepDir: boolean } {
  const dir = folderOf(file);
  const kind = KINDS.find((k) => k.name.test(path.basename(file)));
  const moves = text.split(WORDS).some((w) => MOVES.test(w));
  if (moves) return { folders: null, stepDir: false };
  return kind ? { folders: kind.folders(dir, text, files), stepDir: kind.stepDir } : { folders: both(dir), stepDir: false };
}
