/**
 * Every message a user can get is a coded diagnostic: data here, rendered at the edge.
 * The README's "Diagnostics" table is checked against CODES by a test, so a new code
 * cannot ship undocumented.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** Repository-relative path of the file the problem is in (forward slashes). */
  file?: string;
  /** 1-based line. */
  line?: number;
  message: string;
  hint?: string;
  /** The setup this diagnostic belongs to, when it belongs to one. */
  setup?: string;
}

export const CODES = {
  NO_SETUP: 'No builder-pattern setup was found.',
  BROKEN_CONTINUATION: 'A backslash meant to continue a line is followed by spaces, so it does not continue it.',
  SHELL_PARSE_ERROR: 'A shell script could not be parsed.',
  SHELL_NOT_READ: 'A CI step that mentions docker runs in a shell the tool does not read (PowerShell, cmd, Python), so its commands were not followed.',
  DOCKERFILE_MISSING: 'A Dockerfile named by a build command does not exist.',
  DOCKERFILE_ON_STDIN: 'A build reads its Dockerfile from standard input (`-f -`), and not as the build of a file: its own ignore file lies beside it, or what is fed is no file.',
  DYNAMIC_ARTIFACT_PATH: 'An artifact path is only known at run time.',
  DYNAMIC_CONTAINER: 'A container name or id is only known at run time.',
  DYNAMIC_IMAGE: 'An image tag is only known at run time.',
  DYNAMIC_BUILD_INPUT: 'A Dockerfile path or build context is only known at run time.',
  CALLER_FOLDERS_DIFFER: 'A script is run from different folders by its callers, and its relative paths name different files from each.',
  UNKNOWN_DOCKER_FLAG: 'A docker flag is not known, so its arguments cannot be read safely.',
  ARTIFACT_UNUSED: 'An extracted artifact is not copied into the runtime image.',
  ARTIFACT_USED_ON_HOST: 'An extracted artifact is used on the host after extraction.',
  ARTIFACT_IN_BROAD_COPY: 'An artifact reaches the runtime image through a broader COPY or a wildcard.',
  ARTIFACT_DEST_EXISTS: 'An artifact is extracted onto a path that already exists in the repository.',
  ARTIFACT_ARCHIVE_ADD: 'An artifact is an archive added with ADD, which unpacks it.',
  ARTIFACT_IGNORED: 'A runtime ignore pattern may filter files inside an extracted artifact, which COPY --from would not.',
  PATH_NEEDS_QUOTING: 'An artifact path would need quoting or escaping in a Dockerfile.',
  SYMBOLIC_CHMOD: 'A runtime COPY with a symbolic `--chmod` (`u+x`) copies an artifact whose mode was set on the host: merged, the change would apply to the mode the builder stage gives it.',
  MIXED_MODES: 'Files copied by one COPY had different modes on the host after extraction.',
  RENAME_AMBIGUOUS_DEST: 'A renamed artifact is copied to a destination that may or may not be a directory.',
  BUILDER_TAG_USED: 'The builder image tag is used by other commands.',
  CONTEXT_MISMATCH: 'The builder and runtime builds use different build contexts.',
  IGNORE_MISMATCH: 'The builder and runtime builds use different ignore files.',
  ESCAPE_MISMATCH: 'The two Dockerfiles use different escape characters.',
  HEREDOC_UNREAD: 'A Dockerfile opens a heredoc in a form BuildKit reads and the tool\'s Dockerfile parser does not (`<< EOF`, `3<<EOF`).',
  HEREDOC_LINE_ENDINGS: 'A heredoc in the builder Dockerfile has line endings other than the runtime Dockerfile\'s.',
  DIRECTIVE_CONFLICT: 'The two Dockerfiles have conflicting parser directives.',
  MAKE_RECIPE_OVERRIDDEN: 'A target of the setup\'s steps gets a recipe from several rules of the Makefile, and make runs only the last one.',
  MAKE_ONESHELL: 'The setup is in a Makefile under `.ONESHELL` (each recipe runs in one shell): read, but not migrated.',
  MAKE_VARIABLE_SET_BY_CALLER: 'A make run gives the Makefile its own value of a variable the setup\'s commands read (`make image BIN=/out/app2`, `BIN=… make image` for `BIN ?= …`), and the migration would fix the value the file gives it.',
  MAKE_INCLUDE: 'A make file of the setup is joined with another by `include`, and the other may reach its recipes (variables, special targets, rules for its targets) or cannot be read.',
  SYNTAX_DIRECTIVE_REACH: 'A `# syntax=` directive of one Dockerfile would choose the frontend for the other\'s stages, which that frontend may not read as before.',
  ARG_CONFLICT: 'A build argument has different values in the two builds.',
  ARG_LEAK: 'A build argument given to one build would reach a stage that did not get it before.',
  FLAG_CONFLICT: 'A build flag has different values in the two builds.',
  UNSUPPORTED_BUILD_FLAG: 'A build flag changes what a build outputs, so the merged build would differ.',
  SHARED_DOCKERFILE: 'Two different builds would merge builders into the same Dockerfile, or builders merged together cannot all be migrated.',
  LOOP_INCONSISTENT: 'Setups read from one loop body cannot all be migrated the same way.',
  SHARED_STEPS_DIFFER: 'Builder steps several jobs or targets share are read differently in them, so one edit cannot be right for all.',
  BUILD_AT_RUN_TIME: 'The builder compiles when its container runs, not when its image is built.',
  BUILDER_SHELL_FORM: 'The builder container ran a shell-form CMD or ENTRYPOINT written after a SHELL instruction, which engines run differently.',
  COMPOSE_UNSUPPORTED: 'A compose file or command uses a feature the tool cannot reproduce exactly.',
  COMPOSE_DYNAMIC: 'A compose value is only known at run time (interpolated or taken from the environment).',
  COMPOSE_SERVICE_USED: 'The builder compose service is still needed by other services or commands.',
  REMOVED_NAME_USED: 'A command that stays uses a container, container id or builder image the migration removes, or runs or reads by its name an npm script, Make target or CI step the migration empties.',
  REMOVED_OUTPUT_USED: 'A command that stays reads a file that a command the migration removes wrote (`docker build … > build.log`, then `grep … build.log`).',
  BUILDER_INPUT_CHANGED: 'A command between the builder build and the runtime build may write a file the builder reads; merged, the builder stage is built after it.',
  HOST_POSTPROCESS: 'A host command changes an artifact (or fills its destination) around its extraction, before the runtime build copies it.',
  EXTRACTION_MODE_CHANGED: 'A plain `cp` in a container copied the artifact out, and the builder stage may give it modes that cp would not keep.',
  HOST_UMASK: 'The script sets a umask before the runtime build, and the mode of a file the shell created (`cat > f`) depends on it.',
  RUNTIME_REBUILT: 'Another build of the runtime Dockerfile would build the merged builder stage with another context or other flags than the builder build had.',
  ARTIFACT_SECOND_CONSUMER: 'Another build or CI step reads an extracted artifact from the host.',
  DOCKERFILE_WRITTEN: 'A script writes or edits a Dockerfile (or ignore file) of the setup when it runs.',
  ARTIFACT_VOLUME: 'A volume is mounted at, over or under the path copied out of the builder container.',
  FILES_COPIED_IN: 'Host files are copied into the builder container before its files are copied out.',
  SCRIPT_EDIT_UNSAFE: 'A script cannot be edited safely at this place.',
  SHARED_CI_SCRIPT: 'A command the migration would change is in CI text several jobs run (GitLab\'s default before_script or after_script, a template several jobs extend), so the change would reach the other jobs too.',
  SCRIPT_REREAD_FAILED: 'A rewritten script, read again with its own parser, does not parse or does not hold exactly the planned commands.',
  STOCK_BUILD_UNSUPPORTED: 'A build run in a stock image with the sources mounted uses something a build stage cannot give it.',
  STREAM_TTY: 'A stream extraction (docker run … cat /p > f) ran with -t, which corrupts the file it wrote.',
  STREAM_STDERR: 'A stream extraction (docker run … cat /p > f) also sent its standard error into what it wrote (2>&1).',
  STREAM_ENTRYPOINT: 'A stream extraction\'s command (docker run IMG cat /p > f), or a copy through a mount (docker run -v … IMG cp …), ran behind an ENTRYPOINT of the builder image, which decided what landed.',
  EXTRACTION_NOT_FOLLOWED: 'A command looks like it takes build output out of a container, but no setup could be linked through it.',
  DOCKER_WRAPPERS_DIFFER: 'The docker commands of a setup run through different wrappers (sudo for some, not for others), so one merged build cannot run as they all did.',
  EXEC_BEFORE_FINAL_BUILD: 'A docker command of the setup before its final build runs through `exec`, which replaces the shell running it, so the steps after it may never run.',
  FINAL_BUILD_TIMEOUT: 'The final build runs through timeout: merged, it would build the builder stage too within the limit the runtime build alone had.',
  EXEC_BUILD: 'The builder container runs commands through docker exec before files are copied out of it.',
  DAPPER_BUILD: 'The build runs through rancher/dapper (Dockerfile.dapper), which the tool does not migrate.',
  DOCKERFILE_SWAPPED: 'A script copies or moves another file onto a Dockerfile just before building it.',
  BASH_ENV_SET: 'A setup\'s steps run where BASH_ENV is set (a CI environment, a make export, the script or a caller): bash sources that file first, and the tool does not read it.',
  STEP_ENV_WRITTEN: 'An earlier CI step sets (or may set) a variable the setup\'s steps depend on for the later steps ($GITHUB_ENV, an Azure ##vso logging command, CircleCI\'s $BASH_ENV file).',
  COMMAND_SHADOWED: 'A script defines a function or alias under the name of a program one of the setup\'s steps runs (docker, chmod…).',
  MAKE_PREREQUISITE_REMOVED: 'A Makefile rule lists the builder Dockerfile the migration deletes as a prerequisite.',
  DETACHED_BUILD: 'A detached builder container (docker run -d) builds while the script copies from it.',
  STAGE_NAME_COLLISION: 'A stage name is used by both Dockerfiles.',
  CONDITIONAL_STEP: 'The steps of a setup (builder build, extraction, runtime build, cleanup) do not all run on the same paths through the script.',
  TARGET_NOT_FOUND: 'A --target names a stage the Dockerfile does not have.',
  BUILDER_ENDS_CONTINUED: 'The builder Dockerfile ends inside a line continuation the tool cannot end, which the merged file would carry into the runtime\'s FROM.',
  GENERATED_DOCKERFILE_INVALID: 'The merged Dockerfile did not validate (an internal error: please report it).',
  IGNORED_PATH: 'A file the migration would change or delete is left out by an --ignore pattern.',
  DIRTY_TREE: 'Files the migration would change have uncommitted git changes, or are not tracked (untracked or ignored).',
  GIT_ERROR: 'git refused to read a repository, so uncommitted changes cannot be checked.',
  NOT_IN_GIT: 'Files the migration changes are in no git repository: nothing checks them for uncommitted changes.',
  DECLINED: 'A setup declined in the interactive review: the setups accepted are planned again as if its files stay as they are, and shown again where that changes them.',
  VERIFY_FAILED: 'Run both ways, the migrated pipeline did not give the same images, host files and exit status as the old one, or it could not be run here.',
  ENGINE_UNAVAILABLE: 'The container engine --verify needs is not available.',
  ENGINE_ERROR: 'The container engine failed while --verify worked with it.',
  FILE_CHANGED: 'A file changed after the plan was made.',
  UNSAFE_PATH: 'A path leaves the repository or goes through a symbolic link.',
  FILE_SKIPPED: 'A file that could hold a script was not read: binary or too large.',
  READ_ERROR: 'A file could not be read.',
  WRITE_ERROR: 'A file could not be written.',
} as const;

export type Code = keyof typeof CODES;

export function diag(
  code: Code,
  severity: Severity,
  message: string,
  where: { file?: string; line?: number; hint?: string; setup?: string } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity, message };
  if (where.file !== undefined) d.file = where.file;
  if (where.line !== undefined) d.line = where.line;
  if (where.hint !== undefined) d.hint = where.hint;
  if (where.setup !== undefined) d.setup = where.setup;
  return d;
}
