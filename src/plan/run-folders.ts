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
 * - any other file (a Python or Ruby script, Gradle): unknown, so its folder and every folder above
 *   it up to the root (where it may be started from).
 *
 * A file that enters folders below by name (`cd api`, `pushd web`: a CI step list's `- cd api`
 * before `- docker build .`; `os.chdir("api")`, `cwd="api"`) may run a build in any of them, in
 * any order: those folders count too. A file that changes folder otherwise (`cd ..`, `cd "$DIR"`, `os.chdir`, `cwd=`, Gradle's
 * `workingDir`) may run a build from any folder: this search does not follow the change, so
 * such a file's builds are read by their Dockerfile's name only.
 */
import path from 'node:path/posix';
import { resolveRel } from '../model/paths.js';

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
/** The file's folder and every folder above it: where a person or a runner may start it from. */
const both = (dir: string) => {
  const out = [dir];
  for (let d = dir; d !== ''; ) out.push((d = folderOf(d)));
  return out;
};

const KINDS: readonly RunKind[] = [
  { name: /^buildspec[^/]*\.ya?ml$/i, folders: () => [''], stepDir: false },
  {
    name: TASKFILE,
    folders: (dir, _text, files) => [...new Set([dir, ...files.filter((f) => TASKFILE.test(path.basename(f))).map(folderOf)])],
    stepDir: true,
  },
  { name: /^(justfile|\.justfile|.*\.just)$/i, folders: (dir, text) => (/no-cd|working-directory/.test(text) ? both(dir) : [dir]), stepDir: false },
  { name: /^cloudbuild[^/]*\.(ya?ml|json)$/i, folders: both, stepDir: true },
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
  const moves = folderMoves(text);
  if (moves === null) return { folders: null, stepDir: false };
  const folders = kind ? kind.folders(dir, text, files) : both(dir);
  return { folders: withMoves(folders, moves), stepDir: kind?.stepDir ?? false };
}

/** A folder a `cd`/`pushd` names that stays below where it starts: no `..`, nothing only known at run time. */
const STATIC_DOWN = /^(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_.][A-Za-z0-9_./-]*$/;
/** More distinct folders than this and the orders they may be entered in are too many to list. */
const MAX_MOVES = 3;

/**
 * The folders the file's `cd DIR`/`pushd DIR` enter (a CI step list's `- cd api` before
 * `- docker build .`), or null when it changes folder in a way this search does not follow: to
 * a folder above or only known at run time, `cd` alone, another program's chdir or `cwd`.
 */
function folderMoves(text: string): string[] | null {
  const words = text.split(WORDS);
  const out = new Set<string>();
  let calls = 0;
  for (let i = 0; i < words.length; i++) {
    if (!MOVES.test(words[i]!)) continue;
    if (words[i] !== 'cd' && words[i] !== 'pushd') {
      calls++;
      continue;
    }
    const target = words[i + 1] ?? '';
    if (!STATIC_DOWN.test(target)) return null;
    out.add(target);
  }
  // Every other change of folder must be a call or key given one quoted folder of that kind.
  const given = [...text.matchAll(MOVE_CALL)];
  if (given.length !== calls || given.some((m) => !STATIC_DOWN.test(m[2]!))) return null;
  for (const m of given) out.add(m[2]!);
  return out.size > MAX_MOVES ? null : [...out];
}

/** `os.chdir("svc")`, `process.chdir('svc')`, `cwd="svc"`, `cwd: 'svc'`, `workingDir = "svc"`: a folder written as one quoted string. */
const MOVE_CALL = /(?:\bchdir|\bcwd|\bworkingDir|\bworking_dir)\s*[(=:]\s*(["'])([^"'$`\\]*)\1/g;

/** `folders` and every folder reached from one of them by entering `moves` in any order, any number of times up to their count. */
function withMoves(folders: readonly string[], moves: readonly string[]): string[] {
  let all = new Set(folders);
  for (let k = 0; k < moves.length; k++) all = new Set([...all, ...[...all].flatMap((f) => moves.map((m) => resolveRel(f, m)))]);
  return [...all];
}
