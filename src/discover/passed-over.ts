/**
 * Files the walk passes over that may still use an image by its tag. The walk keeps only the
 * candidates that say docker (./walk.ts), and reads no other file; but a builder image the
 * migration stops building can be used from elsewhere: a compose file no read script calls
 * (`image: app:build`), a scanner script that never says docker (`trivy image app:build`), a
 * Python, Ruby or Perl script, a task runner (a Taskfile, a justfile, tox.ini), a Dockerfile
 * nothing read builds. The walk records those paths (cheap: names it already has), and the
 * plan searches them for a builder tag only when a setup would delete a builder build
 * (src/plan/tag-mentions.ts).
 *
 * What is recorded:
 * - every candidate the walk read and dropped for not saying docker (a shell script, a Makefile,
 *   CI YAML, package.json, JS/TS outside the source folders or named by a script, a
 *   Jenkinsfile, PowerShell, any file without an extension);
 * - compose files (`compose.yaml`, `docker-compose.test.yml`, `compose.ci.yaml`…) and
 *   Dockerfiles / Containerfiles (`Dockerfile.test`, `ci.Dockerfile`), wherever they are;
 * - outside the source folders (SOURCE_DIRS: application code and its tests), other YAML
 *   (Taskfile.yml, Kubernetes or skaffold manifests, CI systems the tool does not read), TOML
 *   and INI files (tox.ini), bake and Terraform files (`.hcl`, `.tf`, `docker-bake.json`), Cloud
 *   Build's `cloudbuild.json`, dev-container settings,
 *   and scripts in other languages: Python, Ruby, Perl, PHP, Lua, Tcl, Groovy/Gradle, fish,
 *   zsh, batch files, `.justfile`, `magefile.go`.
 *
 * Never recorded: documentation. A README, a `*.md` page or anything under `docs/` showing
 * `docker run app:build` is read by a person, who builds the image as the migrated script
 * says; it uses no image, so it must not keep a build (and searching every page of a monorepo's
 * documentation would cost a read of thousands of files for nothing). Application code under
 * the source folders is not searched either, as the walk does not read it (its cost on a
 * monorepo would be most of a sweep): a program that runs the builder image from there is a
 * documented limit.
 */

/** Folders of documentation, at any depth. */
const DOC_DIRS: ReadonlySet<string> = new Set(['docs', 'doc', 'documentation']);
/** Files without an extension (so candidates) that are documentation, by name, any case. */
const DOC_NAMES = /^(readme|license|licence|copying|notice|authors|contributors|contributing|changelog|changes|history|news|code_of_conduct|security|maintainers|codeowners)([._-].*)?$/i;

/** Other-language scripts and task-runner files, by extension (outside the source folders). */
const SCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['py', 'rb', 'rake', 'pl', 'pm', 'php', 'lua', 'tcl', 'groovy', 'gradle', 'kts', 'fish', 'zsh', 'ksh', 'bat', 'cmd', 'justfile', 'yml', 'yaml', 'toml', 'ini', 'hcl', 'tf']);
/** Settings files that name images, by name (outside the source folders). */
const SETTINGS_NAMES: ReadonlySet<string> = new Set(['devcontainer.json', '.devcontainer.json', 'magefile.go']);
/** Build settings written as JSON, by name (outside the source folders): a bake file, a Cloud Build config. */
const JSON_BUILD_SETTINGS = /^(docker-bake|cloudbuild)([._-][^/]*)?\.json$/i;
/** A compose file, by the names `docker compose -f` is usually given. */
export const COMPOSE_FILE = /^(docker-)?compose([._-][^/]*)?\.ya?ml$/i;
/** A Dockerfile or Containerfile, by name (`Dockerfile`, `Dockerfile.test`, `ci.Dockerfile`, `Containerfile`). */
export const DOCKERFILE = /^(dockerfile|containerfile)([._-].*)?$|\.(dockerfile|containerfile)$/i;

/** A package manager's lock file (`pnpm-lock.yaml`): generated, large, and names no image. */
const LOCK_FILE = /[.-]lock\.ya?ml$/i;

/** Whether a path is documentation: under a docs folder, a `.md`/`.rst`/`.adoc`/`.txt` page, or a README-like name. */
export function isDocumentation(rel: string): boolean {
  const slash = rel.lastIndexOf('/');
  const name = rel.slice(slash + 1);
  if (DOC_NAMES.test(name) || /\.(md|markdown|mdx|rst|adoc|asciidoc|txt)$/i.test(name)) return true;
  if (slash < 0) return false;
  return rel.slice(0, slash).split('/').some((d) => DOC_DIRS.has(d.toLowerCase()));
}

/**
 * Whether a file the walk does not read (not a candidate) may use an image and so is recorded.
 * `inSource`: the file is under one of the source folders.
 */
export function passedOverByName(rel: string, name: string, inSource: boolean): boolean {
  let hit = COMPOSE_FILE.test(name) || DOCKERFILE.test(name);
  if (!hit && !inSource) {
    const dot = name.lastIndexOf('.');
    hit = SETTINGS_NAMES.has(name) || JSON_BUILD_SETTINGS.test(name) || (dot >= 0 && SCRIPT_EXTENSIONS.has(name.slice(dot + 1).toLowerCase()));
  }
  return hit && !LOCK_FILE.test(name) && !isDocumentation(rel);
}
