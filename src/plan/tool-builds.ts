/**
 * Image builds by build tools that never name the engine: their settings name a Dockerfile, and
 * the tool builds it (./unread-builds.ts searches the rest for engine commands). Merged, such a
 * build of a setup's runtime Dockerfile would build the builder stage too, with the tool's own
 * context and arguments, so the setup refuses (RUNTIME_REBUILT, ./runtime-rebuilds.ts). One
 * reader a tool, by file name, each giving which Dockerfile it builds and where that is said:
 *
 * - skaffold.yaml: each of `build.artifacts` (also a profile's) built with docker or kaniko, or
 *   with no builder named (docker, by default): `docker.dockerfile` (default `Dockerfile`) in its
 *   `context` (default `.`), which is relative to the skaffold.yaml's folder;
 * - devcontainer.json: `build.dockerfile` (or the older `dockerFile`), relative to the file;
 * - heroku.yml: each process of `build.docker` (`web: Dockerfile`, or `dockerfile:` under it),
 *   relative to the file;
 * - fly.toml: parsed as TOML (./tool-configs/fly.ts): `build.dockerfile`, relative to the file,
 *   else `Dockerfile` of the folder `fly deploy` runs in, unless `[build]` names an image or a
 *   builder;
 * - a GoReleaser config (`.goreleaser.yaml`, `goreleaser.yml`, `.config/goreleaser.yaml`…,
 *   parsed as YAML: ./tool-configs/goreleaser.ts): each entry of `dockers` and `dockers_v2`,
 *   its `dockerfile` (default `Dockerfile`) from the folder GoReleaser runs in; it builds in a
 *   context of its own (the binaries and `extra_files` only);
 * - a Tiltfile (Starlark, parsed with the Python grammar: ./tool-configs/tilt.ts): each
 *   `docker_build` call's `dockerfile`, else `Dockerfile` in its context, from the file's folder;
 * - a bake file (docker-bake.hcl, parsed with the HCL grammar, or docker-bake.json:
 *   ./tool-configs/bake.ts): each target's `dockerfile` in its `context`.
 *
 * Every file is parsed (YAML, JSON, TOML, Starlark, HCL); what a reader cannot read exactly
 * builds a Dockerfile of its name or of any name, and so does a file that does not parse.
 */
import path from 'node:path/posix';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { DYNAMIC } from '../model/foreign-builds.js';
import { resolveRel } from '../model/paths.js';
import { bakeHclBuilds, bakeJsonBuilds } from './tool-configs/bake.js';
import { flyBuilds } from './tool-configs/fly.js';
import { goreleaserBuilds } from './tool-configs/goreleaser.js';
import { tiltBuilds } from './tool-configs/tilt.js';
import { anyBuild, folderOf, lineAt, targetsOf, type FoundBuild, type ToolBuild } from './tool-configs/targets.js';

export type { ToolBuild } from './tool-configs/targets.js';

interface ToolReader {
  name: RegExp;
  program: string;
  /** `files`: the repository's files the walk found. */
  read(file: string, text: string, files: readonly string[]): FoundBuild[];
}

function skaffold(file: string, text: string): FoundBuild[] {
  const Y = yaml();
  const docs = Y.parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return [anyBuild(1, text.split('\n')[0]!)];
  const out: FoundBuild[] = [];
  const str = (n: unknown) => (Y.isScalar(n) && typeof n.value === 'string' ? n.value : null);
  for (const doc of docs) {
    Y.visit(doc, {
      Pair(_, pair) {
        if (str(pair.key) !== 'artifacts' || !Y.isSeq(pair.value)) return;
        for (const item of pair.value.items) {
          if (!Y.isMap(item)) continue;
          // Builders that read no Dockerfile (a custom one's command is searched as a build line).
          if (['jib', 'bazel', 'buildpacks', 'ko', 'custom'].some((k) => item.has(k))) continue;
          const builder = item.get('docker', true) ?? item.get('kaniko', true);
          const df = Y.isMap(builder) && builder.has('dockerfile') ? str(builder.get('dockerfile', true)) ?? '$' : 'Dockerfile';
          const ctx = item.has('context') ? str(item.get('context', true)) ?? '$' : '.';
          const line = lineAt(text, item.range?.[0] ?? 0);
          const shown = `image: ${str(item.get('image', true)) ?? '?'}`;
          out.push({ line, text: shown, ...targetsOf(DYNAMIC.test(ctx) || ctx.startsWith('/') ? null : [resolveRel(folderOf(file), ctx)], df) });
        }
      },
    });
  }
  return out;
}

function heroku(file: string, text: string): FoundBuild[] {
  const Y = yaml();
  const doc = Y.parseDocument(text);
  if (doc.errors.length > 0) return [anyBuild(1, text.split('\n')[0]!)];
  const docker = doc.getIn(['build', 'docker'], true);
  if (!Y.isMap(docker)) return [];
  return docker.items.map((p) => {
    const v = Y.isMap(p.value) ? p.value.get('dockerfile', true) : p.value;
    const df = Y.isScalar(v) && typeof v.value === 'string' ? v.value : '$';
    const key = Y.isScalar(p.key) ? String(p.key.value) : '?';
    const at = Y.isScalar(p.key) ? (p.key.range?.[0] ?? 0) : 0;
    return { line: lineAt(text, at), text: `${key}: ${df}`, ...targetsOf([folderOf(file)], df) };
  });
}

function devcontainer(file: string, text: string): FoundBuild[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || errors.length > 0) return /dockerfile/i.test(text) ? [anyBuild(1, text.split('\n')[0]!)] : [];
  const node: Node | undefined = findNodeAtLocation(root, ['build', 'dockerfile']) ?? findNodeAtLocation(root, ['dockerFile']);
  if (!node) return [];
  const df = typeof node.value === 'string' ? node.value : '$';
  return [{ line: lineAt(text, node.offset), text: `"dockerfile": ${JSON.stringify(node.value)}`, ...targetsOf([folderOf(file)], df) }];
}

const READERS: readonly ToolReader[] = [
  { name: /^skaffold[^/]*\.ya?ml$/i, program: 'skaffold', read: skaffold },
  { name: /^\.?devcontainer\.json$/i, program: 'Dev Containers', read: devcontainer },
  { name: /^heroku\.ya?ml$/i, program: 'Heroku', read: heroku },
  { name: /^fly([._-][^/]*)?\.toml$/i, program: 'fly', read: flyBuilds },
  { name: /^\.?goreleaser([._-][^/]*)?\.ya?ml$/i, program: 'GoReleaser', read: goreleaserBuilds },
  { name: /^tiltfile$|\.tiltfile$/i, program: 'Tilt', read: tiltBuilds },
  { name: /^docker-bake([._-][^/]*)?\.hcl$/i, program: 'docker buildx bake', read: bakeHclBuilds },
  { name: /^docker-bake([._-][^/]*)?\.json$/i, program: 'docker buildx bake', read: bakeJsonBuilds },
];

/** The builds the settings of a build tool in `file` make (none when no reader knows its name); `files`: the repository's files the walk found. */
export function toolBuilds(file: string, text: string, files: readonly string[] = []): ToolBuild[] {
  const reader = READERS.find((r) => r.name.test(path.basename(file)));
  return reader ? reader.read(file, text, files).map((b) => ({ ...b, file, program: reader.program })) : [];
}
