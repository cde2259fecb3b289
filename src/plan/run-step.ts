/**
 * A builder that compiled when its container ran (`docker run --name x img make`, or
 * `docker create` + `docker start`) must compile in the builder stage instead: the same
 * argv docker would have run (ENTRYPOINT + CMD or the given command), as an exec-form RUN,
 * with the same environment and working directory.
 */
import type { DockerfileFacts, StageFacts } from '../analyze/dockerfile.js';
import { writeExecForm } from '../analyze/exec-form.js';
import { canonicalImage } from '../model/image-ref.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RunStep } from '../model/setup.js';
import { trimTrailingSlashes } from '../model/text.js';

/** Official images known to declare no ENTRYPOINT, so a command given to `docker run` runs as is. They declare no USER either: they run as root. */
const NO_ENTRYPOINT = /^(golang|alpine|debian|ubuntu|busybox|rust|python|gcc|buildpack-deps|fedora|rockylinux|amazonlinux|eclipse-temurin|openjdk):/;

type Form = string[] | string | null;

/**
 * The argv of a shell-form CMD or ENTRYPOINT. `oneCommand`: the caller takes the text only
 * when it is one simple command and reads only its output (`cat /p`); a SHELL that is a POSIX
 * shell with nothing but error and trace options (`-e`, `-u`, `-x`, `-o pipefail`) runs such a
 * command as `/bin/sh -c` does, so it reads as that on every engine.
 */
export type ShellArgv = (text: string, oneCommand?: boolean) => string[] | null;

/** `["/bin/sh", "-ec"]`, `["/bin/bash", "-o", "pipefail", "-c"]`: a shell with options that do not change what one simple command prints. */
function errorOptionsOnly(shell: string[]): boolean {
  if (!/^(\/usr)?(\/bin\/)?(ba|da|a)?sh$/.test(shell[0] ?? '') || shell.length < 2 || !/^-[eux]*c$/.test(shell[shell.length - 1]!)) return false;
  const opts = shell.slice(1, -1);
  for (let i = 0; i < opts.length; i++) {
    if (/^-[eux]+$/.test(opts[i]!)) continue;
    if (opts[i] === '-o' && ['pipefail', 'errexit', 'nounset', 'xtrace'].includes(opts[i + 1] ?? '')) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}

/**
 * The ENTRYPOINT, CMD and VOLUMEs a stage has through its chain of stages; `known` when no
 * unseen base image may add an ENTRYPOINT; `entrypointArgv`/`cmdArgv` turn a shell form into
 * the argv it runs, `/bin/sh -c` and its text, or null when a SHELL other than that is in
 * effect where it was written: Docker then runs it through that SHELL, buildah (podman 4.3)
 * still through `/bin/sh -c`, so what the old container ran depends on the engine.
 */
export function inherited(facts: DockerfileFacts, stage: StageFacts): { entrypoint: Form; cmd: Form; known: boolean; volumes: string[]; entrypointArgv: ShellArgv; cmdArgv: ShellArgv } {
  const chain: StageFacts[] = [];
  let cur: StageFacts | undefined = stage;
  while (cur) {
    chain.push(cur);
    const parent: string = cur.image.toLowerCase();
    cur = facts.stages.find((s) => s.index < cur!.index && s.name?.toLowerCase() === parent);
  }
  let entrypoint: Form = null;
  let cmd: Form = null;
  let epSet = false;
  let cmdSet = false;
  const plainShell: ShellArgv = (text) => ['/bin/sh', '-c', text];
  let cmdArgv = plainShell;
  let entrypointArgv = plainShell;
  const isPlain = (sh: string[] | 'unknown' | null) => sh === null || (Array.isArray(sh) && sh.length === 2 && sh[0] === '/bin/sh' && sh[1] === '-c');
  /** The shell a shell form of stage `i` of the chain runs through, given the SHELL its own stage set before it. */
  const through = (i: number, own: string[] | 'unknown' | null): ShellArgv => {
    const inherits = own === null ? chain.slice(i + 1).find((s) => s.shell !== null)?.shell ?? null : own;
    if (isPlain(inherits)) return plainShell;
    return (text, oneCommand) => (oneCommand && Array.isArray(inherits) && errorOptionsOnly(inherits) ? plainShell(text) : null);
  };
  chain.forEach((s, i) => {
    if (!cmdSet && s.cmd !== null) {
      cmd = s.cmd;
      cmdSet = true;
      cmdArgv = through(i, s.cmdShell);
    }
    if (!epSet && s.entrypoint !== null) {
      entrypoint = s.entrypoint;
      epSet = true;
      entrypointArgv = through(i, s.entrypointShell);
      // ENTRYPOINT resets a CMD inherited from below it.
      if (!cmdSet) cmdSet = true;
    }
  });
  const root = chain[chain.length - 1]!;
  const known = NO_ENTRYPOINT.test(canonicalImage(root.image)) || epSet;
  return { entrypoint: epSet ? entrypoint : null, cmd: cmdSet ? cmd : null, known, volumes: chain.flatMap((s) => s.volumes), entrypointArgv, cmdArgv };
}

/** A shell-form CMD or ENTRYPOINT the merged stage would have to run, written under a SHELL: engines disagree on what it ran. */
function shellFormDiag(kw: 'CMD' | 'ENTRYPOINT', where: { file: string; line: number; setup: string }): Diagnostic {
  return diag('BUILDER_SHELL_FORM', 'error', `the builder's container ran its shell-form ${kw}, written after a SHELL instruction: Docker runs it through that shell, buildah (podman) through /bin/sh -c, so what the old build ran depends on the engine`, { ...where, hint: `Write the ${kw} in exec form, naming the shell it is meant to run in (\`${kw} ["/bin/sh", "-c", "…"]\`), then run the tool again.` });
}

export interface RunStepResult {
  lines: string[];
  note: string;
  diagnostics: Diagnostic[];
}

const envValue = (v: string) => `"${v.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;

export function runStepLines(run: RunStep, facts: DockerfileFacts, stageIndex: number, artifactPaths: string[], setup: string): RunStepResult {
  const diagnostics: Diagnostic[] = [];
  const where = { file: run.at.file, line: run.at.line, setup };
  const stage = facts.stages[stageIndex]!;
  const image = inherited(facts, stage);
  const refuse = (message: string, hint: string) => diagnostics.push(diag('BUILD_AT_RUN_TIME', 'error', message, { ...where, hint }));
  if (run.idle !== undefined) {
    // The container only waited while files were copied from it: no RUN, as with `docker create`,
    // provided nothing runs in front of the idle command.
    const ep = image.entrypoint !== null ? 'the image\'s ENTRYPOINT' : !image.known ? `an ENTRYPOINT ${stage.image} may have` : null;
    if (ep) {
      diagnostics.push(diag('DETACHED_BUILD', 'error', `the detached builder container runs \`${run.idle}\` as the arguments of ${ep}, which may build while the script copies from it`, { ...where, hint: 'Declare `ENTRYPOINT []` in the builder Dockerfile, or migrate this setup by hand.' }));
      return { lines: [], note: '', diagnostics };
    }
    return { lines: [], note: `the builder container only idled (\`${run.idle}\`, ${run.at.file}:${run.at.line}) while files were copied from it, so its stage runs nothing more`, diagnostics };
  }

  let argv: string[] | null = null;
  if (run.entrypoint !== null) {
    argv = [run.entrypoint, ...(run.command ?? [])];
  } else if (typeof image.entrypoint === 'string') {
    argv = image.entrypointArgv(image.entrypoint);
    if (argv === null) diagnostics.push(shellFormDiag('ENTRYPOINT', where));
  } else {
    const args: Form = run.command ?? image.cmd;
    const tail = typeof args === 'string' ? image.cmdArgv(args) : args;
    if (typeof args === 'string' && tail === null) {
      diagnostics.push(shellFormDiag('CMD', where));
    } else if (!image.known && image.entrypoint === null) {
      refuse(`the builder's base image ${stage.image} may have an ENTRYPOINT the tool cannot see, which \`docker run\` would have used`, 'Declare the ENTRYPOINT (or `ENTRYPOINT []`) in the builder Dockerfile, then run the tool again.');
    } else if (tail === null) {
      refuse(`the builder runs its image's default command, which ${facts.path} does not declare (it comes from ${stage.image})`, 'Pass the command to `docker run` explicitly, or declare CMD in the builder Dockerfile.');
    } else {
      argv = [...(image.entrypoint ?? []), ...tail];
    }
  }
  for (const v of image.volumes) {
    const vol = trimTrailingSlashes(v);
    for (const p of artifactPaths) {
      if (p === vol || p.startsWith(`${vol}/`)) {
        refuse(`${p} is under VOLUME ${v}: written by a RUN step it would be discarded`, 'Write the build output outside the VOLUME, or migrate this setup by hand.');
      }
    }
  }
  // `--user root`: root for the build step, then the stage's own USER again (see stageUser).
  // (null: the stage runs as root all along, as its official base image does)
  const back = run.asRoot !== undefined ? stageUser(facts, stage) : null;
  if (back !== null && 'why' in back) refuse(`the builder runs with --user ${run.asRoot}, and ${back.why}, so the user its stage must return to after the build step cannot be written`, 'Declare the builder image\'s user with a literal USER in its Dockerfile, or drop --user root if the image already runs as root, then run the tool again.');
  if (!argv || (back !== null && 'why' in back)) return { lines: [], note: '', diagnostics };
  const lines = [
    // The user the command ran as makes its folders too (they were the host user's).
    ...(run.user !== undefined ? [`USER ${run.user}`] : []),
    ...(back !== null ? [`USER ${run.asRoot}`] : []),
    // A folder the command wrote into through a mount must exist before it runs.
    ...(run.prepare?.length ? [`RUN ${writeExecForm(['mkdir', '-p', ...run.prepare])}`] : []),
    ...(run.workdir ? [`WORKDIR ${run.workdir}`] : []),
    ...run.env.map(([k, v]) => `ENV ${k}=${envValue(v)}`),
    `RUN ${writeExecForm(argv)}`,
  ];
  const note = `the builder compiled when its container ran (${run.at.file}:${run.at.line}); its stage now does the same in \`${lines[lines.length - 1]}\``;
  if (back === null) return { lines, note, diagnostics };
  return { lines: [...lines, `USER ${back.user}`], note: `${note}, as root (\`--user ${run.asRoot}\`), then as its USER ${back.user} again`, diagnostics };
}

/**
 * The USER a builder stage runs as at its end, as its own or its parent stages' last USER
 * wrote it: written again after the build step, it gives the same user. One written with a
 * variable (which may read otherwise at the end of the stage), or none in the file (the base
 * image's, not seen), cannot be written again.
 */
function stageUser(facts: DockerfileFacts, stage: StageFacts): { user: string } | { why: string } | null {
  let root: StageFacts = stage;
  for (let cur: StageFacts | undefined = stage; cur; ) {
    if (cur.user !== null) return /[$\\]/.test(cur.user) || cur.user.trim() === '' ? { why: `its USER ${cur.user} is not literal` } : { user: cur.user.trim() };
    root = cur;
    const parent = cur.image.toLowerCase();
    const from: StageFacts = cur;
    cur = facts.stages.find((s) => s.index < from.index && s.name?.toLowerCase() === parent);
  }
  // No USER anywhere: an official image that runs as root already runs the step as root.
  if (NO_ENTRYPOINT.test(canonicalImage(root.image))) return null;
  return { why: `${facts.path} declares no USER (the one ${root.image} runs as is not known)` };
}

/**
 * A runtime `FROM <builder tag>` or `COPY --from=<builder tag>` read the builder image as its
 * build left it, before its container ran. The merge makes each such reference name the builder
 * stage (transforms/dockerfile-merge.ts), which now also runs that container's build: the image
 * would hold what the build wrote, and the environment and folder it ran with. Refused, one
 * diagnostic per reference.
 */
export function runtimeReadsRanStage(runtime: DockerfileFacts, builderTags: readonly string[], run: RunStep, setup: string): Diagnostic[] {
  const tags = new Set(builderTags);
  const refs = [
    ...runtime.stages.filter((s) => tags.has(canonicalImage(s.image))).map((s) => ({ text: `FROM ${s.image}`, line: s.from.line })),
    ...runtime.copies.filter((c) => c.from !== null && tags.has(canonicalImage(c.from.value))).map((c) => ({ text: `${c.keyword} --from=${c.from!.value}`, line: c.line })),
  ];
  return refs.map((r) =>
    diag('BUILDER_TAG_USED', 'error', `\`${r.text}\` (${runtime.path}:${r.line}) reads the builder image as its build left it, before its container ran (${run.at.file}:${run.at.line}); merged, it would read the builder stage, which now also runs that container's build, so the image would hold what the build wrote and the environment it ran with`, {
      file: runtime.path,
      line: r.line,
      setup,
      hint: 'Build the runtime image from the base image the builder starts from (or copy only the build\'s files), or migrate this setup by hand.',
    }),
  );
}
