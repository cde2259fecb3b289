/**
 * Image builds a script runs through another program than `docker build`: podman, buildah and
 * nerdctl (whose build flags are docker's, plus their own), and `docker buildx bake` (which
 * builds the targets of a bake file: by default `Dockerfile` in the folder it runs in). The
 * setups themselves are read from docker commands only; these matter as other builds of a
 * Dockerfile a migration changes (src/plan/runtime-rebuilds.ts).
 */
import { parseDockerCommand, type DockerInvocation } from './docker-command.js';
import type { ScriptCommand, Word } from './script.js';

/** Each engine's spellings of a Dockerfile build, as the words after its program. */
const BUILD_VERBS: Readonly<Record<string, readonly string[]>> = {
  podman: ['build', 'image build', 'buildx build'],
  buildah: ['bud', 'build', 'build-using-dockerfile'],
  nerdctl: ['build', 'image build', 'builder build'],
};

const programOf = (w: Word | undefined) => {
  const v = w?.value;
  return v == null ? null : v.slice(v.lastIndexOf('/') + 1);
};

/** Programs that run the command after them, and their flags that take a value (`sudo -u ci`, `nice -n 10`). */
const WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']),
  env: new Set(['-u', '-C', '-S']),
  nice: new Set(['-n']),
  command: new Set(),
  time: new Set(['-f', '-o']),
  nohup: new Set(),
  exec: new Set(['-a']),
};

/** Where the program run starts, past wrappers, their flags and `NAME=value` assignments. */
function programAt(words: readonly Word[]): number {
  let i = 0;
  for (let wrapper = WRAPPERS[words[0]?.value ?? '']; wrapper; wrapper = WRAPPERS[words[i]?.value ?? '']) {
    i++;
    while (i < words.length) {
      const w = words[i]!.value ?? '';
      if (wrapper.has(w)) i += 2;
      else if ((w.startsWith('-') && w !== '-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
      else break;
    }
  }
  return i;
}

export type EngineBuild = { kind: 'build'; engine: string; inv: DockerInvocation } | { kind: 'bake' };

/**
 * What an image build by another program reads, or null when `cmd` is none: a podman, buildah or
 * nerdctl build read as the `docker build` with the same flags and operands (a flag docker does
 * not have is among `inv.unknownFlags`), or a bake.
 */
export function engineBuild(cmd: ScriptCommand): EngineBuild | null {
  const at = programAt(cmd.words);
  const program = programOf(cmd.words[at]);
  if (program === null) return null;
  const v = (k: number) => cmd.words[at + k]?.value ?? null;
  // `docker build` itself, unless run through a wrapper (`sudo docker build …`), is the build index's.
  if (program === 'docker' && at > 0 && v(1) !== 'bake' && !(v(1) === 'buildx' && v(2) === 'bake')) {
    const inv = parseDockerCommand({ ...cmd, words: cmd.words.slice(at) });
    return inv && inv.verb === 'build' ? { kind: 'build', engine: 'docker', inv } : null;
  }
  if ((program === 'docker' && ((v(1) === 'buildx' && v(2) === 'bake') || v(1) === 'bake')) || (program === 'docker-buildx' && v(1) === 'bake')) return { kind: 'bake' };
  const verbs = BUILD_VERBS[program];
  if (!verbs) return null;
  const spelled = verbs.map((s) => s.split(' ')).find((parts) => parts.every((p, k) => v(k + 1) === p));
  if (!spelled) return null;
  // The same command, spelled as docker's: `docker build` and what followed the engine's verb.
  const docker = (value: string): Word => ({ ...cmd.words[0]!, value, symbol: value, staticPrefix: value, raw: value });
  const inv = parseDockerCommand({ ...cmd, words: [docker('docker'), docker('build'), ...cmd.words.slice(at + 1 + spelled.length)] });
  return inv && inv.verb === 'build' ? { kind: 'build', engine: program, inv } : null;
}
