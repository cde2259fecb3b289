/**
 * Image builds a script runs through another program than `docker build`: podman, buildah and
 * nerdctl (whose build flags are docker's, plus their own), and `docker buildx bake` (which
 * builds the targets of a bake file: by default `Dockerfile` in the folder it runs in). The
 * setups themselves are read from docker commands only; these matter as other builds of a
 * Dockerfile a migration changes (src/plan/runtime-rebuilds.ts).
 */
import { dockerAt, parseDockerCommand, type DockerInvocation } from './docker-command.js';
import type { ScriptCommand, Word } from './script.js';
import { OTHER_ENGINES } from './engine-names.js';
import { foreignBuild, type ForeignBuild } from './foreign-builds.js';
import { programAt } from './wrappers.js';

/** Each engine's spellings of a Dockerfile build, as the words after its program (one entry for each of OTHER_ENGINES). */
export const BUILD_VERBS: Readonly<Record<(typeof OTHER_ENGINES)[number], readonly string[]>> = {
  podman: ['build', 'image build', 'buildx build'],
  buildah: ['bud', 'build', 'build-using-dockerfile'],
  nerdctl: ['build', 'image build', 'builder build'],
};

/** docker's spellings of a Dockerfile build (../model/docker-command.ts reads them all) and of a bake, as the words after its program. */
const DOCKER_BUILD_VERBS: readonly string[] = ['build', 'image build', 'buildx build', 'builder build'];
const BAKE_VERBS: Readonly<Record<string, readonly string[]>> = { docker: ['bake', 'buildx bake'], 'docker-buildx': ['bake'] };

/**
 * What the words after an engine's program (`program`, its base name) start, by the spellings the
 * engine has: a build (and how many words spell its verb), a bake, or neither (another verb, or
 * one the engine does not have: there is no `podman bake` nor `podman builder build`).
 */
export function engineVerb(program: string, after: readonly (string | null | undefined)[]): { kind: 'build' | 'bake'; length: number } | null {
  const spelled = (list: readonly string[] | undefined) => list?.map((s) => s.split(' ')).find((parts) => parts.every((p, k) => after[k] === p));
  const bake = spelled(BAKE_VERBS[program]);
  if (bake) return { kind: 'bake', length: bake.length };
  const build = spelled(program === 'docker' ? DOCKER_BUILD_VERBS : BUILD_VERBS[program]);
  return build ? { kind: 'build', length: build.length } : null;
}

const programOf = (w: Word | undefined) => {
  const v = w?.value;
  return v == null ? null : v.slice(v.lastIndexOf('/') + 1);
};

/** Programs that may build an image from a Dockerfile, and the words that make a build of their commands. */
const ENGINES = new Set(['docker', 'docker-buildx', ...OTHER_ENGINES]);
const BUILDS = new Set(['build', 'bud', 'build-using-dockerfile', 'bake']);

/**
 * A build by another engine (`build`), a bake (`bake`: its bake file is not read), a build by kaniko
 * or buildctl (`foreign`: only the name of its Dockerfile is read), or a command
 * run through a wrapper whose options the tool cannot read (`sudo -D dir docker build …`) that
 * names an engine after them (`wrapped`): it may build any Dockerfile of its folder.
 */
export type EngineBuild = { kind: 'build'; engine: string; inv: DockerInvocation } | { kind: 'bake' } | { kind: 'wrapped'; wrapper: string } | ({ kind: 'foreign' } & ForeignBuild);

/**
 * What an image build by another program reads, or null when `cmd` is none: a podman, buildah or
 * nerdctl build read as the `docker build` with the same flags and operands (a flag docker does
 * not have is among `inv.unknownFlags`), a bake, or an engine behind a wrapper the tool cannot read.
 */
export function engineBuild(cmd: ScriptCommand): EngineBuild | null {
  const { at, known } = programAt(cmd.words);
  if (!known) {
    // Past the options it cannot read, any word may be the engine, and any later one its build verb.
    const rest = cmd.words.slice(at + 1);
    const engine = rest.findIndex((w) => ENGINES.has(programOf(w) ?? ''));
    return engine >= 0 && rest.slice(engine + 1).some((w) => BUILDS.has(w.value ?? '')) ? { kind: 'wrapped', wrapper: cmd.words[at]!.raw } : null;
  }
  const program = programOf(cmd.words[at]);
  if (program === null) return null;
  // kaniko and buildctl: builds whose flags are not docker's (./foreign-builds.ts).
  const foreign = foreignBuild(cmd, at);
  if (foreign) return { kind: 'foreign', ...foreign };
  const verb = engineVerb(program, cmd.words.slice(at + 1).map((w) => w.value));
  if (verb?.kind === 'bake') return { kind: 'bake' };
  // `docker build` itself, also through a wrapper the docker model reads through (`sudo docker build …`: dockerAt), is the build index's.
  if (program === 'docker' && at > 0 && dockerAt(cmd.words) === null) {
    const inv = parseDockerCommand({ ...cmd, words: cmd.words.slice(at) });
    return inv && inv.verb === 'build' ? { kind: 'build', engine: 'docker', inv } : null;
  }
  if (!verb || program === 'docker') return null;
  // The same command, spelled as docker's: `docker build` and what followed the engine's verb.
  const docker = (value: string): Word => ({ ...cmd.words[0]!, value, symbol: value, staticPrefix: value, raw: value });
  const inv = parseDockerCommand({ ...cmd, words: [docker('docker'), docker('build'), ...cmd.words.slice(at + 1 + verb.length)] });
  return inv && inv.verb === 'build' ? { kind: 'build', engine: program, inv } : null;
}
