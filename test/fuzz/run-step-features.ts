/**
 * How the builder's `docker run` step is written (./grammar.ts): a flag on it, standard input fed
 * to it, or a bind mount over (or beside) the path it streams out. Each either changes what the
 * run writes or reads (the migration must refuse: BUILD_AT_RUN_TIME, or keep it exactly) or
 * leaves it as it was (the migration must build the same image). Drawn from streams of their
 * own, after every other feature: a seed whose draws stay `none` writes what it wrote before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';
import { outRoot } from './out-arg-features.js';

export const RUN_STEP_FEATURES = {
  /**
   * One flag on the builder's `docker run`: what a build step runs without (a host name, no
   * network, an extra host, a tmpfs, an init, a read-only root, a terminal whose line ending
   * rewrites what is streamed out) or what the migration reads and carries over (`-e`, `-w` with
   * relative paths, `-u`, `--entrypoint`, `-i` with nothing given).
   */
  runFlag: ['none', 'hostname', 'network-none', 'add-host', 'env', 'workdir', 'user', 'entrypoint', 'tmpfs', 'init', 'read-only', 'interactive', 'tty'],
  /**
   * A run-time build fed its steps on standard input: `docker run -i … sh < steps.sh`, a
   * here-document, `cat steps.sh | docker run -i … sh`, `docker create -i` then `docker start -ai
   * x < steps.sh` (each must refuse); or the command given as arguments and input the run does
   * not keep open, by a redirect or a pipe (must migrate identically).
   */
  stdinFeed: ['none', 'redirect', 'heredoc', 'pipe', 'start', 'plain-redirect', 'plain-pipe'],
  /** A streamed-out file read through a bind mount: over the image's folder (`-v "$PWD/cache:/out"`: the host's stale copy is what comes out), or beside it. */
  volumeOver: ['none', 'over', 'beside'],
} as const;

/** The runs whose `docker run` of the builder image carries the drawn flag. */
const RUNS: ReadonlySet<string> = new Set(['run-name', 'cat-redirect', 'volume-cp', 'mount-build', 'tar-pipe', 'cmd-cat', 'detached-idle']);

/** The run-step features as the rest of the spec allows (a spec stored before they existed reads them as `none`). */
export function normalizeRunStep(s: RepoSpec): void {
  for (const k of Object.keys(RUN_STEP_FEATURES) as (keyof typeof RUN_STEP_FEATURES)[]) if (s[k] === undefined) (s as Record<string, unknown>)[k] = 'none';
  const runTime = s.extraction === 'run-name' || s.extraction === 'mount-build';
  // steps fed in: a run-time build written in the script (a here-document needs a shell script of its own)
  if (!runTime || s.runner !== 'script') s.stdinFeed = 'none';
  if (s.stdinFeed === 'heredoc' && s.driver !== 'sh' && s.driver !== 'bash') s.stdinFeed = 'redirect';
  if (s.stdinFeed === 'start' && s.extraction !== 'run-name') s.stdinFeed = 'redirect';
  // (the builder's JSON CMD, if any, is then unused: the run names its command)
  if (s.stdinFeed !== 'none') s.runFlag = 'none';
  if (!RUNS.has(s.extraction)) s.runFlag = 'none';
  // a read-only root leaves a run-time build in the container nowhere to write
  if (s.runFlag === 'read-only' && s.extraction === 'run-name') s.runFlag = 'init';
  // a terminal changes only what is streamed out (a tar stream it garbles); elsewhere the engine here cannot give one
  if (s.runFlag === 'tty' && (s.extraction === 'tar-pipe' || runTime)) s.runFlag = 'interactive';
  // flags the engine here cannot run (./run-seed.ts: the shim refuses them) only where the tool must refuse them unrun (mustRefuse)
  if (UNRUNNABLE.has(s.runFlag) && !runTime && !(s.runFlag === 'tty' && (s.extraction === 'cat-redirect' || s.extraction === 'cmd-cat' || s.extraction === 'detached-idle'))) s.runFlag = 'network-none';
  if (s.extraction !== 'cat-redirect' && s.extraction !== 'cmd-cat') s.volumeOver = 'none';
}

/** Flags the docker → podman shim cannot run (src/verify/shim/docker: podman cannot start containers here). */
const UNRUNNABLE: ReadonlySet<string> = new Set(['hostname', 'add-host', 'tmpfs', 'init', 'read-only', 'tty']);

/**
 * The refusal a drawn run step must meet, when its old pipeline cannot run on this engine (the
 * trial then checks the tool's answer alone): a run-time build with a flag a build step would
 * run without, or fed its steps through `docker start -ai` (BUILD_AT_RUN_TIME), a file streamed
 * out through a terminal (STREAM_TTY).
 */
export function mustRefuse(s: RepoSpec): string | null {
  // (the shim has no `docker start`: podman cannot start containers here)
  if (s.stdinFeed === 'start') return 'BUILD_AT_RUN_TIME';
  if (!UNRUNNABLE.has(s.runFlag)) return null;
  if (s.runFlag === 'tty') return s.extraction === 'detached-idle' ? null : 'STREAM_TTY';
  return 'BUILD_AT_RUN_TIME';
}

/** The file a bind mount of volumeOver holds (cache/APP), if any. */
export function cachedCopy(s: RepoSpec): { path: string; content: string; mode: number } | null {
  if (s.volumeOver === 'none') return null;
  return { path: `cache/${s.app}`, content: `#!/bin/sh\necho "${s.app} (a stale copy from the cache)"\n`, mode: 0o755 };
}

/**
 * The builder's `docker run` step: `lead` the flags the extraction always writes (`--rm `, `-d
 * --name x `…, each ending in a space), `tag` the image, `program` and `args` the command it
 * runs (an empty program: the image's own CMD). `dollar`: how a `$` is written.
 */
export function builderRun(s: RepoSpec, dollar: string, lead: string, tag: string, program: string, args: string[]): string {
  const words = (xs: string[]) => xs.filter((x) => x !== '').join(' ');
  let flags = lead;
  // (the folder the artifact is in: a build argument may have moved it, ./out-arg-features.ts)
  const out = outRoot(s);
  if (s.volumeOver === 'over') flags += `-v "${dollar}PWD/cache:${out}" `;
  if (s.volumeOver === 'beside') flags += `-v "${dollar}PWD/cache:/cache" `;
  let cmd = [program, ...args];
  const file = `${out}/${s.app}`;
  const runTime = s.extraction === 'run-name' || s.extraction === 'mount-build';
  switch (s.runFlag) {
    case 'hostname':
      flags += `--hostname ${s.app}-box `;
      break;
    case 'network-none':
      flags += '--network none ';
      break;
    case 'add-host':
      flags += '--add-host registry.local:10.0.0.5 ';
      break;
    case 'tmpfs':
      flags += '--tmpfs /tmp ';
      break;
    case 'init':
      flags += '--init ';
      break;
    case 'read-only':
      flags += '--read-only ';
      break;
    case 'interactive':
      flags += '-i ';
      break;
    case 'tty':
      flags += '-t ';
      break;
    case 'env':
      // a run-time build writes what it is given into the program
      flags += `-e ${s.app.toUpperCase()}_VERSION=1.4.2 `;
      if (runTime && program === 'go') cmd = ['sh', '-c', `'${words(cmd)} && echo "# version ${dollar}${s.app.toUpperCase()}_VERSION" >> ${file}'`];
      break;
    case 'workdir':
      // paths relative to the folder it names: the output of a run-time build, the file a cat reads
      if (runTime && program === 'go') {
        flags += '-w /out ';
        cmd = ['go', 'build', '-o', s.app, s.builderWorkdir];
      } else if (s.extraction === 'cat-redirect') {
        flags += `-w ${out} `;
        cmd = ['cat', s.app];
      } else if (runTime) {
        // the image's own CMD builds `.`: the folder it was written for (fuzz seed 86128)
        flags += `-w ${s.builderWorkdir} `;
      } else flags += '-w /tmp ';
      break;
    case 'user': {
      // nobody reads a file every user may read; a run that writes (or a file only its owner reads) runs as root
      const asNobody = !runTime && s.extraction !== 'volume-cp' && s.fileMode === 'default';
      flags += asNobody ? '-u 65534 ' : '--user root ';
      break;
    }
    case 'entrypoint':
      // (for the image's own CMD, the command it runs)
      if (program === '') cmd = s.extraction === 'run-name' ? ['go', 'build', '-o', file, '.'] : ['cat', file];
      flags += `--entrypoint ${cmd[0]} `;
      cmd = cmd.slice(1);
      break;
    default:
      break;
  }
  return `docker run ${flags}${words([tag, ...cmd])}`;
}

/** The lines of a run-time build fed its steps (stdinFeed), the container `name`d; `flags` what else the run carries. */
export function fedRun(s: RepoSpec, name: string | null, flags: string, tag: string, build: string): string[] {
  const named = name === null ? '' : `--name ${name} `;
  switch (s.stdinFeed) {
    case 'redirect':
      return [`docker run -i ${named}${flags}${tag} sh < steps.sh`];
    case 'heredoc':
      return [`docker run -i ${named}${flags}${tag} sh <<'EOF'\n${build}\nEOF`];
    case 'pipe':
      return [`cat steps.sh | docker run -i ${named}${flags}${tag} sh`];
    case 'start':
      return [`docker create -i ${named}${flags}${tag} sh`, `docker start -ai ${name} < steps.sh`];
    case 'plain-redirect':
      return [`docker run ${named}${flags}${tag} ${build} < steps.sh`];
    case 'plain-pipe':
      return [`cat steps.sh | docker run ${named}${flags}${tag} ${build}`];
    default:
      return [`docker run ${named}${flags}${tag} ${build}`];
  }
}

/** The steps file a fed run reads (none for a here-document, which holds them). */
export function stepsFile(s: RepoSpec, build: string): { path: string; content: string; mode: number } | null {
  if (s.stdinFeed === 'none' || s.stdinFeed === 'heredoc') return null;
  return { path: 'steps.sh', content: `set -e\n${build}\n`, mode: 0o644 };
}
