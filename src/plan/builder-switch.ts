/**
 * Docker commands that change which builder (or engine) later builds run on: `docker buildx use
 * NAME`, `docker buildx create --use`, `docker buildx rm` (the current one removed, the default
 * takes its place), `docker buildx install`/`uninstall` (what `docker build` runs), `docker
 * context use NAME`. Between a setup's builder build and its runtime build, such a command moves
 * the merged compile to another builder than the one the builder build ran on: another driver
 * (a `docker-container` builder cannot see the engine's local images, such as a base image
 * built earlier in the job), another cache, network and BuildKit. Variables that pick them
 * (`BUILDX_BUILDER`, `DOCKER_CONTEXT`) are compared as build flags are (./build-flags.ts).
 */
import type { DockerInvocation } from '../model/docker-command.js';

/** The subcommand that switches, as written (`docker buildx create --use`), or null. */
export function switchesBuilder(inv: DockerInvocation): string | null {
  if (inv.verb !== 'other') return null;
  const words = inv.cmd.words;
  const first = words[inv.verbIndex]?.value ?? null;
  const second = words[inv.verbIndex + 1]?.value ?? null;
  const rest = words.slice(inv.verbIndex + 2).map((w) => w.value);
  if (first === 'context') return second === 'use' ? 'docker context use' : null;
  if (first !== 'buildx' && first !== 'builder') return null;
  if (second === 'use' || second === 'rm' || second === 'install' || second === 'uninstall') return `docker ${first} ${second}`;
  // (`--use` given as a word only known at run time may be it)
  if (second === 'create' && rest.some((v) => v === '--use' || v === null)) return `docker ${first} create --use`;
  return null;
}
