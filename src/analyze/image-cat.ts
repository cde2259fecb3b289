/**
 * `docker run --rm IMG > f` where the builder image's own ENTRYPOINT (with its CMD) is
 * `cat /path`: the same stream extraction as `docker run --rm IMG cat /path > f`, read from the
 * builder Dockerfile's stage. Only what the Dockerfile proves counts:
 *
 * - the ENTRYPOINT and CMD the stage has (its own, or an earlier stage's it starts FROM):
 *   exec-form ENTRYPOINT `["cat", "/out/app"]`, or `ENTRYPOINT ["cat"]` + `CMD ["/out/app"]`, or
 *   shell form `ENTRYPOINT cat /out/app` (which ignores CMD). A CMD alone runs under whatever
 *   ENTRYPOINT the base image has: followed only for the official images known to declare none
 *   (golang, alpine, debian…, the table run steps use) or after `ENTRYPOINT []`;
 * - the command is `cat` (or a path to it) of one absolute path, directly or as the whole of a
 *   `sh -c` script; no `--entrypoint` and no command on the `docker run` line.
 */
import path from 'node:path/posix';
import { flagValues, type DockerInvocation } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import { resolveRel } from '../model/paths.js';
import type { DockerfileFacts, StageFacts } from './dockerfile.js';
import { commandWords, wordKey, type Extraction } from './extractions.js';
import { parseShell } from './shell.js';
import { inherited } from '../plan/run-step.js';
import { streamFile } from './output-sinks.js';
import type { ScriptCommand } from '../model/script.js';

/** The argv a container of the stage runs with no command given, or null when the Dockerfile does not prove it. */
export function defaultArgv(facts: DockerfileFacts, stage: StageFacts): string[] | null {
  const { entrypoint: ep, cmd, known, entrypointArgv, cmdArgv } = inherited(facts, stage);
  // A shell form runs through the stage's SHELL (`/bin/sh -c` unless one is set before it);
  // catPath below takes it only as one simple `cat /p`, which a shell's error options do not change.
  if (typeof ep === 'string') return entrypointArgv(ep, true);
  // A CMD alone runs under the base image's ENTRYPOINT, when the tool cannot rule one out.
  if (ep === null && !known) return null;
  const tail = cmd === null ? [] : typeof cmd === 'string' ? cmdArgv(cmd, true) : cmd;
  return tail === null ? null : [...(ep ?? []), ...tail];
}

/** The absolute path `cat` prints, when argv is exactly `cat /path` or `sh -c 'cat /path'`. */
export function catPath(argv: readonly string[]): string | null {
  const isCat = (p: string | undefined) => p !== undefined && path.basename(p) === 'cat';
  if (argv.length === 2 && isCat(argv[0]) && argv[1]!.startsWith('/')) return path.normalize(argv[1]!);
  if (argv.length === 3 && /^(\/usr)?(\/bin\/)?(ba|da)?sh$/.test(argv[0]!) && argv[1] === '-c') {
    const inner = parseShell('-c', argv[2]!).script;
    const cmds = inner?.commands ?? [];
    const c = cmds[0];
    if (cmds.length !== 1 || !c || c.redirects.length > 0 || c.stdout !== null || c.words.length !== 2) return null;
    const words = c.words.map((w) => w.value);
    if (words.some((w) => w === null)) return null;
    return catPath(words as string[]);
  }
  return null;
}

/** The stage a build of `facts` ends in (its --target, or the last). */
export function builtStage(facts: DockerfileFacts, target: string | null): { facts: DockerfileFacts; stage: StageFacts } | null {
  const stage = target === null ? facts.stages[facts.stages.length - 1] : facts.stages.find((s) => s.name?.toLowerCase() === target.toLowerCase());
  return stage ? { facts, stage } : null;
}

/** The extraction, or null when the run is not this shape (the caller then reports it as not followed). */
export function fromImageCat(inv: DockerInvocation, imageIndex: number, built: { facts: DockerfileFacts; stage: StageFacts } | null, next: ScriptCommand | null = null): Extraction | null {
  const cmd = inv.cmd;
  // (the file the output lands in once every redirect is applied, `> f >&2` leaving f empty; or a plain `| tee f > /dev/null`)
  const out = streamFile(cmd, next);
  if (!out || out.target.value === null || out.cwd === null || built === null) return null;
  if (inv.operands.some((o) => o.index > imageIndex) || flagValues(inv, '--entrypoint').length > 0 || inv.flags.some((f) => f.name === '--entrypoint')) return null;
  const argv = defaultArgv(built.facts, built.stage);
  const containerPath = argv === null ? null : catPath(argv);
  if (containerPath === null) return null;
  const image = inv.operands.find((o) => o.index === imageIndex)!.word;
  return {
    image: canonicalImage(wordKey(image)),
    container: null,
    at: inv,
    commands: out.tee ? [cmd, out.tee] : [cmd],
    // The shell (or tee) creates the file: mode 0666 less the usual umask 022.
    artifacts: [{ containerPath, hostPath: resolveRel(out.cwd, out.target.value), via: inv, consumers: [], mode: 0o644, contentsOnly: false }],
    run: null,
    dirs: [],
    problems: [],
  };
}

/**
 * Why `docker run … > f` was not read as `cat /path` of the image, for its near miss
 * (./near-miss.ts): the command given on the line, or the image's own, and what is unproven of it.
 */
export function notCatWhy(inv: DockerInvocation, imageIndex: number, built: { facts: DockerfileFacts; stage: StageFacts } | null): string {
  const given = commandWords(inv, imageIndex);
  if (given.length > 0) return `the command it runs, \`${given.map((w) => w.raw).join(' ')}\`, is not \`cat\` of one absolute path known before the run`;
  if (built === null) return 'it runs the image\'s own command, and no build of that image earlier in this sequence of the script shows what that is';
  const where = `${built.facts.path}:${built.stage.from.line}`;
  const { entrypoint, known } = inherited(built.facts, built.stage);
  if (entrypoint === null && !known) return `it runs the image's own command, and the stage it is built from (${where}) runs its CMD under the ENTRYPOINT of its base image ${built.stage.image}, which the tool cannot see`;
  const argv = defaultArgv(built.facts, built.stage);
  if (argv === null) return `it runs the image's own command, which the stage it is built from (${where}) gives in a shell form under a SHELL whose effect depends on the engine`;
  return `it runs the image's own command, \`${argv.join(' ')}\` (the stage it is built from, ${where}), which is not \`cat\` of one absolute path`;
}
