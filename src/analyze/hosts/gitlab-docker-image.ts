/**
 * A GitLab job run in an official `docker:` image older than 23.0 (`image: docker:20.10`) runs
 * that release's docker CLI, which builds with the legacy builder unless DOCKER_BUILDKIT says
 * otherwise: BuildKit became the default builder on Linux with Docker Engine 23.0. The channel
 * tags `stable`, `edge` and `test` stopped at 19.03 (docker-library/docker#179). The legacy
 * builder cannot build what a migration may need (`COPY --chmod`, an export stage written with
 * `--output`), so such a job reads as if it set `DOCKER_BUILDKIT=0`, and a job whose image is
 * not known (given through a variable the file does not set, a tag the tool does not know, a
 * digest alone) as if it set DOCKER_BUILDKIT to a value only known at run time
 * (../../plan/build-flags.ts then refuses what the legacy builder cannot build). The image is the
 * job's own `image:` (a string, or a map's `name:`, through the templates it extends and the maps
 * it merges), else `default: image`, else the top-level `image:`; GitLab expands the job's
 * variables in it.
 *
 * A job that builds on a Docker-in-Docker service (`services: [docker:19.03-dind]`) builds on
 * that service's daemon, which decides the default too: a 23.0 or later CLI asks the daemon
 * which builder it offers, and a daemon before 23.0 answers the legacy one. So the daemon of a
 * `docker:` service counts as the CLI does (the older of the two decides), and a service whose
 * image is only known at run time makes the builder unknown. The services are the job's own
 * `services:` (through its templates and merges), else `default: services`, else the top-level
 * `services:`.
 */
import type { YAMLMap } from 'yaml';
import { yaml } from './yaml-module.js';

/** The builder the docker CLI of an image builds with by default, or null for an image that is no `docker:` one. */
export type DockerImageBuilder = { builder: 'buildkit' } | { builder: 'legacy'; cli: string } | { builder: 'unknown'; why: string };

/** Tags of the official image that follow the current release (`latest`, its variants). */
const CURRENT_TAG = /^(latest|dind|dind-rootless|git|cli|rc|windowsservercore)(-|$)/;
/** Tags of the official image that stopped at 19.03. */
const FROZEN_TAG = /^(stable|edge|test)(-|$)/;

/**
 * What an image reference says of its docker CLI: the official `docker` image (its last path
 * part `docker`, from Docker Hub or a mirror or proxy of it: `mirror.gcr.io/library/docker`,
 * `${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker`) by its tag; an image whose name or tag is
 * given through a variable may be any. Null for another image.
 */
export function dockerImageBuilder(image: string): DockerImageBuilder | null {
  const ref = image.trim();
  const slash = ref.lastIndexOf('/');
  const last = ref.slice(slash + 1);
  const [nameTag = '', digest] = last.split('@');
  const colon = nameTag.indexOf(':');
  const name = colon < 0 ? nameTag : nameTag.slice(0, colon);
  const tag = colon < 0 ? null : nameTag.slice(colon + 1);
  if (name.includes('$')) return { builder: 'unknown', why: `its name is only known at run time, and it may be a \`docker:\` image before 23` };
  if (name !== 'docker') return null;
  if (tag === null) return digest === undefined ? { builder: 'buildkit' } : { builder: 'unknown', why: 'it is pinned by digest alone, which does not say its docker version' };
  if (tag.includes('$')) return { builder: 'unknown', why: 'its tag is only known at run time, and it may name a docker CLI before 23' };
  const numbered = /^(\d+)((?:\.\d+)*)(?:-|$)/.exec(tag);
  if (numbered) return Number(numbered[1]) < 23 ? { builder: 'legacy', cli: `${numbered[1]}${numbered[2]}` } : { builder: 'buildkit' };
  if (FROZEN_TAG.test(tag)) return { builder: 'legacy', cli: '19.03' };
  if (CURRENT_TAG.test(tag)) return { builder: 'buildkit' };
  return { builder: 'unknown', why: `the tool does not know which docker version its tag ${tag} names` };
}

function imageName(node: unknown): string | null {
  const y = yaml();
  if (y.isScalar(node) && typeof node.value === 'string') return node.value;
  if (y.isMap(node)) {
    const name = node.get('name', true);
    return y.isScalar(name) && typeof name.value === 'string' ? name.value : null;
  }
  return null;
}

/**
 * The image a GitLab job runs in, as written, or null when none is written (the runner's default)
 * or it is no string. `own`: the job's `image:` as its templates and merges give it, when the
 * caller resolved it.
 */
export function gitlabJobImage(root: YAMLMap, job: YAMLMap, own: unknown = job.get('image', true)): string | null {
  return imageName(own) ?? imageName(root.getIn(['default', 'image'], true)) ?? imageName(root.get('image', true));
}

/** The images of a `services:` value (each a string, or a map's `name:`; null for one that is neither). */
export function serviceImages(node: unknown): (string | null)[] {
  const y = yaml();
  if (!y.isSeq(node)) return [];
  return node.items.map((i) => imageName(i));
}

/** The services a GitLab job runs with: `own` (its `services:` as its templates and merges give it), else `default: services`, else the top-level `services:`. */
export function gitlabJobServices(root: YAMLMap, own: unknown): (string | null)[] {
  const node = own ?? root.getIn(['default', 'services'], true) ?? root.get('services', true);
  return serviceImages(node);
}

/** An image reference with the job's variables GitLab expands in it (`$NAME`, `${NAME}`) put in where their values are known. */
export function expandImage(image: string, vars: ReadonlyMap<string, string | null>): string {
  return image.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const value = vars.get((braced ?? bare)!);
    return typeof value === 'string' ? value : whole;
  });
}

/**
 * DOCKER_BUILDKIT as a GitLab job's image gives it where the job sets none: `'0'` for a
 * `docker:` image before 23, null for one only known at run time, each with the reason said as
 * where the build runs (for messages); undefined for an image whose CLI builds with BuildKit, or
 * no `docker:` image.
 */
export function imageBuildkit(image: string, vars: ReadonlyMap<string, string | null>): { value: '0' | null; why: string } | undefined {
  const expanded = expandImage(image, vars);
  const read = dockerImageBuilder(expanded);
  const shown = expanded === image ? `\`${image}\`` : `\`${image}\` (\`${expanded}\`)`;
  if (read === null || read.builder === 'buildkit') return undefined;
  if (read.builder === 'legacy') return { value: '0', why: `in the job's image ${shown}, whose docker CLI (${read.cli}) builds with the legacy builder unless DOCKER_BUILDKIT says otherwise` };
  return { value: null, why: `in the job's image ${shown}, whose docker CLI may build with the legacy builder (a \`docker:\` image before 23 does unless DOCKER_BUILDKIT says otherwise): ${read.why}` };
}

/**
 * DOCKER_BUILDKIT as the job's `docker:` services (a Docker-in-Docker daemon) give it: `'0'` for
 * a daemon before 23, null for a service whose image is not known (a service that is no plain
 * image, a name only known at run time), undefined when no service is a `docker:` daemon before
 * 23 or unknown.
 */
export function serviceBuildkit(services: readonly (string | null)[], vars: ReadonlyMap<string, string | null>): { value: '0' | null; why: string } | undefined {
  let unknown: { value: null; why: string } | undefined;
  for (const image of services) {
    if (image === null) {
      unknown ??= { value: null, why: 'on a service of the job that is no plain image name, which may be a Docker-in-Docker daemon before 23 (which offers the legacy builder by default)' };
      continue;
    }
    const expanded = expandImage(image, vars);
    const read = dockerImageBuilder(expanded);
    const shown = expanded === image ? `\`${image}\`` : `\`${image}\` (\`${expanded}\`)`;
    if (read === null || read.builder === 'buildkit') continue;
    if (read.builder === 'legacy') return { value: '0', why: `on the job's Docker-in-Docker service ${shown}, whose daemon (${read.cli}) offers the legacy builder unless DOCKER_BUILDKIT says otherwise` };
    unknown ??= { value: null, why: `on the job's service ${shown}, whose daemon may offer the legacy builder by default (a \`docker:\` daemon before 23 does): ${read.why}` };
  }
  return unknown;
}
