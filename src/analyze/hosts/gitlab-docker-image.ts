/**
 * A GitLab job run in an official `docker:` image older than 23.0 (`image: docker:20.10`) runs
 * that release's docker CLI, which builds with the legacy builder unless DOCKER_BUILDKIT says
 * otherwise: BuildKit became the default builder on Linux with Docker Engine 23.0. The legacy
 * builder cannot build what a migration may need (`COPY --chmod`, an export stage written with
 * `--output`), so such a job reads as if it set `DOCKER_BUILDKIT=0` (../../plan/build-flags.ts
 * then refuses what it cannot build). The image is the job's own `image:` (a string, or a map's
 * `name:`, through the templates it extends and the maps it merges), else `default: image`, else
 * the top-level `image:`.
 */
import type { YAMLMap } from 'yaml';
import { yaml } from './yaml-module.js';

/** The docker CLI major version a `docker:` image tag names, or null (another image, `latest`, `dind`, `git`, a variable). */
export function dockerImageMajor(image: string): number | null {
  const m = /^(?:(?:docker\.io|index\.docker\.io)\/)?(?:library\/)?docker:(\d+)(?:[.-]|$)/.exec(image.trim());
  return m ? Number(m[1]) : null;
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

/** Whether the job's docker CLI builds with the legacy builder by default (a `docker:` image before 23). */
export function legacyBuilderImage(root: YAMLMap, job: YAMLMap, own?: unknown): boolean {
  const image = gitlabJobImage(root, job, own === undefined ? job.get('image', true) : own);
  const major = image === null ? null : dockerImageMajor(image);
  return major !== null && major < 23;
}
