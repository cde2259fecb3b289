/**
 * A setup: one builder-pattern migration unit. It links a builder build, the steps that
 * take its artifacts out, and the runtime build that consumes them, all through image
 * tags, container names and paths read from the docker-command model.
 */
import type { Diagnostic } from './diagnostics.js';
import type { DockerInvocation } from './docker-command.js';
import type { ScriptCommand } from './script.js';

export interface BuildStep {
  inv: DockerInvocation;
  /** Tags as comparable symbols (static value, or the stable spelling of a dynamic one). */
  tags: string[];
  /** Repository-relative Dockerfile path, null when not static. */
  dockerfile: string | null;
  /** Repository-relative context directory ('' is the root), null when not static. */
  context: string | null;
  target: string | null;
  /**
   * Set when there is no builder build: a stock toolchain image ran with the sources mounted
   * (`docker run --rm -v "$PWD":/src -w /src golang:1.21 go build …`). `dockerfile` then names
   * a builder Dockerfile the tool generated (`FROM image` + `COPY folder mountpoint`), which is
   * no file of the repository.
   */
  stock?: { image: string; mountHost: string; mountPoint: string };
}

/** A host chmod of a file inside an extracted folder (Artifact.innerModes, which says what each field holds). */
export interface FolderFileChmod {
  path: string;
  mode: number | null;
  pending?: string[];
  cmd: ScriptCommand;
  throughUmask?: true;
}

export interface ArtifactConsumer {
  dockerfile: string;
  /** Index into the runtime Dockerfile's COPY/ADD facts, and into that instruction's sources. */
  copy: number;
  source: number;
  line: number;
  /** The source as written, and the path inside the builder stage it now comes from. */
  hostSource: string;
  stagePath: string;
  /**
   * Set when the COPY source is a folder of the repository holding the artifact at this
   * relative path (src/analyze/broad-copy.ts): the line stays, and a COPY --from follows it.
   */
  within?: string;
  /**
   * With `within`: the folder is not in the repository and the script made it only to hold
   * artifacts (src/analyze/artifact-folder.ts), so the line is replaced by the COPY --from
   * lines, not kept.
   */
  folderOnly?: true;
}

export interface Artifact {
  /** Absolute path inside the builder container. */
  containerPath: string;
  /** Repository-relative path on the host it was extracted to. */
  hostPath: string;
  via: DockerInvocation;
  consumers: ArtifactConsumer[];
  /**
   * The mode the host copy ends up with when extraction loses the container's (`cat > f`, then
   * `chmod`), or when a host `chmod` with an octal mode sets it whole (`docker cp`, then
   * `chmod 0700 app`: see modeSetBy).
   */
  mode: number | null;
  /**
   * The octal `chmod` that gave `mode` to a copy that had kept the container's mode: the merged
   * COPY sets it with `--chmod`, which on a folder would set every file's mode, so the plan
   * proves the artifact a file first (src/plan/inner-modes.ts).
   */
  modeSetBy?: ScriptCommand;
  /**
   * Symbolic `chmod` modes (`+x`, `go-w`) a host command applied, in order, to a copy that kept
   * the container's mode, before any octal one: the plan applies them to the modes the builder
   * stage can give the file (src/plan/inner-modes.ts hostChmodFiles).
   */
  pendingModes?: string[];
  /** `docker cp x:/dir/. dst` copies the folder's contents. */
  contentsOnly: boolean;
  /**
   * Set when copying the contents also gives the host folder the container folder's own mode:
   * tar's `./` entry (`tar -c -C /out .`), a container's `cp -a /out/. /dist` into a bind mount.
   */
  ownFolderMode?: true;
  /** Why the file is still needed on the host after the build (then an export stage keeps it), or null. */
  hostNeeded?: string | null;
  /**
   * Files inside an extracted folder whose mode a host `chmod` set between the extraction and
   * the runtime build: `path` is relative to the folder. `mode` is the whole mode an octal chmod
   * set (symbolic ones after it applied); null when only symbolic chmods ran, whose modes are in
   * `pending`, in order, for the plan to apply to the modes the builder stage can give the file.
   * `cmd` is the first chmod of the file that counts; `throughUmask` when a symbolic one without
   * who (`+x`) ran after the last octal one, so the result follows the host's umask.
   */
  innerModes?: FolderFileChmod[];
  /**
   * Set when what copied it out gives it the stage's mode less the umask, without special bits:
   * a container's plain `cp` (no `-p`/`-a`) through a bind mount (`cp`), or a host `tar -x`
   * without `-p`, run by any user but root (`tar`). src/plan/index.ts checks the builder stage
   * gives it no mode that would change so.
   */
  modesMasked?: 'cp' | 'tar';
  /**
   * A host copy of an extracted file folded into the extraction (src/analyze/copied-artifacts.ts):
   * the `cp`/`install` that puts it at hostPath, where it is first on the host.
   */
  placedBy?: ScriptCommand;
}

/** A command the builder ran when its container ran (the build happened at run time). */
export interface RunStep {
  command: string[] | null;
  entrypoint: string | null;
  env: [string, string][];
  workdir: string | null;
  at: ScriptCommand;
  /** Folders the command wrote into through a mount: created in the stage before it runs. */
  prepare?: string[];
  /** The user the command ran as (`-u`, stock-image builds): the stage switches to it first. */
  user?: string;
  /**
   * `--user root` (or 0) of a run-time build in a builder image: the build step runs as root
   * (`USER root` before it) and the stage's own USER comes back after it, as written.
   */
  asRoot?: string;
  /**
   * Set for a detached container that only idles (`docker run -d … tail -f /dev/null`) while
   * files are copied from it: the command as written, for messages. Nothing is built at run time.
   */
  idle?: string;
}

export interface Setup {
  /** Stable id: `<script>:<line of the builder build>`. */
  id: string;
  script: string;
  builder: BuildStep;
  runtime: BuildStep | null;
  artifacts: Artifact[];
  /** Commands that only serve extraction (create, cp, container rm). */
  extraction: ScriptCommand[];
  /** Commands after the runtime build that clean up extracted artifacts or the builder image. */
  cleanup: ScriptCommand[];
  /** Words to drop from commands that clean up artifacts along with other files. */
  cleanupWords: { cmd: ScriptCommand; word: number }[];
  /** Commands that still use the builder image by its tag (tests, pushes): the tag is kept with --target. */
  builderTagUsers: ScriptCommand[];
  /**
   * Set by the plan when a place outside the setup's script may use the builder image by its
   * tag (another script, a Dockerfile `FROM`, a scanner given the name): src/plan/tag-mentions.ts.
   */
  /** `via`: how the name reaches the command when no word of it spells the name (`BUILDER=app:build in its environment`). */
  builderTagUsedElsewhere?: { file: string; line: number; text: string; via?: string };
  /**
   * Set by the plan when the builder's tag is only known at run time and falls back to no name
   * (`-t "$BUILDER"`): no name to search for, so the image is kept as the old script left it.
   */
  builderTagUnknown?: { file: string; line: number; tag: string };
  /** Set when the builder compiled at run time: the builder stage must do it in a RUN. */
  run: RunStep | null;
  /**
   * Set when a builder stage starts FROM an image the script built earlier whose `ONBUILD`
   * trigger reads the build context (`ONBUILD COPY . /src`): the trigger, said as a reason
   * (src/analyze/onbuild-base.ts). The builder then reads its whole context.
   */
  builderOnbuildRead?: string;
  /**
   * Set when a stage of the runtime (or builder) Dockerfile starts FROM an image the script
   * built earlier with an `ONBUILD RUN` trigger: the trigger, said as a reason
   * (src/analyze/onbuild-base.ts onbuildRun). A RUN runs in that build though its file has none.
   */
  runtimeOnbuildRun?: string;
  builderOnbuildRun?: string;
  /** Errors here mean the setup is refused; warnings are shown with it. */
/**
   * COMMAND_SHADOWED for aliases the script defines that bash, running it as its `#!` line says,
   * never expands (src/analyze/alias-expansion.ts): they join `diagnostics` when a caller runs
   * the script with another shell (`sh build.sh`) or options that may expand them.
   */
  aliasShadows?: Diagnostic[];
  /**
   * Host paths of the artifacts whose old mode followed the umask of the shell that made them
   * (src/analyze/host-umask.ts): a caller that sets a umask before running the script refuses.
   */
  umaskModes?: string[];
  /**
   * DOCKER_BUILDKIT as the script's callers give it in its environment (`DOCKER_BUILDKIT=0
   * ./build.sh`, a CI step's `env:`): its builds run with it where the script sets none
   * (src/plan/caller-uses.ts; null: only known at run time, or callers differ). Absent: no
   * caller sets it.
   */
  callerBuildkit?: string | null;
  /**
   * Commands and Make rules of the script's callers that go by an artifact's modification time
   * (`release.tgz: dist/app` in a Makefile whose recipe runs the script, `find . -newer dist/app`
   * after `./build.sh`: src/plan/caller-uses.ts): an export build of that artifact refuses, as one
   * in the setup's own file does (src/plan/export-build.ts).
   */
  callerTimeReads?: { hostPath: string; why: string; file: string; line: number }[];
  /** Why the callers' DOCKER_BUILDKIT is what it is, where their host gives it (a GitLab job's `docker:` image; ../analyze/embedded.ts hostVarNote), said as where the builds run. */
  callerBuildkitWhy?: string;
    diagnostics: Diagnostic[];
}

/** Whether the builder image must still be built with its tag: something uses it after the setup. */
export function keepsBuilderImage(s: Setup): boolean {
  return s.builderTagUsers.length > 0 || s.builderTagUsedElsewhere !== undefined || s.builderTagUnknown !== undefined;
}

/** The commands a setup is made of: builder build, extraction, cleanup and runtime build. */
export function setupCommands(s: Setup): ScriptCommand[] {
  return [s.builder.inv.cmd, ...s.extraction, ...s.cleanup, ...(s.runtime ? [s.runtime.inv.cmd] : [])];
}
