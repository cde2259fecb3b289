/**
 * A GoReleaser config, parsed as YAML. `goreleaser release` (or `build`, `--snapshot`) reads
 * `.config/goreleaser.yml`, `.config/goreleaser.yaml`, `.goreleaser.yml`, `.goreleaser.yaml`,
 * `goreleaser.yml` or `goreleaser.yaml` from the folder it runs in (`loadConfigCheck` in
 * cmd/config.go), or the file `--config` names, from any folder. Each entry of `dockers:` (and
 * of `dockers_v2:`, since v2.12) builds `templated_dockerfile` when it is set, else `dockerfile`
 * (default `Dockerfile`), a path from the folder GoReleaser runs in: the config's (the folder
 * holding `.config/`), or another, such as the root. Both values are templates (`{{ .Env.X }}`):
 * one that holds an action names a Dockerfile by its literal last segment, else of any name.
 *
 * GoReleaser builds in a temporary context holding only the binaries, packages and
 * `extra_files`, so any such build of a setup's runtime Dockerfile refuses, whatever flags it
 * gives: merged, the builder stage would be built there too. What is not read exactly builds a
 * Dockerfile of any name: a file that does not parse, an `includes:` entry (another config
 * merged in), a `dockers` value or entry that is no list or map, a path that is no string.
 * Anchors and merge keys (`<<: *defaults`) are resolved as GoReleaser's YAML reader does.
 */
import type { Document, Node, YAMLMap } from 'yaml';
import path from 'node:path/posix';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import { anyBuild, folderOf, lineAt, targetsOf, type FoundBuild } from './targets.js';

/** The sections whose entries build a Dockerfile. */
const SECTIONS = ['dockers', 'dockers_v2'];

export function goreleaserBuilds(file: string, text: string): FoundBuild[] {
  const Y = yaml();
  const source = text.split('\n');
  const shownAt = (offset: number) => {
    const line = lineAt(text, offset);
    return { line, text: source[line - 1]!.trim() };
  };
  const doc: Document = Y.parseDocument(text, { merge: true });
  if (doc.errors.length > 0) {
    const line = Math.min(doc.errors[0]!.linePos?.[0]?.line ?? 1, text.trimEnd().split('\n').length || 1);
    return [anyBuild(line, source[line - 1]!.trim())];
  }
  const resolved = (n: unknown): unknown => (Y.isAlias(n) ? n.resolve(doc) : n);
  const root = resolved(doc.contents);
  if (!Y.isMap(root)) return [];
  // The folder GoReleaser runs in: the config's, or the one holding `.config/`; or, given `--config`, the root.
  const dir = folderOf(file);
  const run = path.basename(dir) === '.config' ? folderOf(dir) : dir;
  const folders = run === '' ? [''] : [run, ''];
  const out: FoundBuild[] = [];
  const includes = root.get('includes', true);
  if (includes !== undefined && !(Y.isScalar(includes) && includes.value === null)) {
    out.push(anyBuild(...lineOfKey(root, 'includes', text, source)));
  }
  for (const section of SECTIONS) {
    const value = resolved(root.get(section, true));
    if (value === undefined || (Y.isScalar(value) && value.value === null)) continue;
    if (!Y.isSeq(value)) {
      out.push(anyBuild(...lineOfKey(root, section, text, source)));
      continue;
    }
    for (const item of value.items) {
      const entry = resolved(item);
      if (!Y.isMap(entry)) {
        const at = shownAt((item as Node | null)?.range?.[0] ?? 0);
        out.push(anyBuild(at.line, at.text));
        continue;
      }
      // The entry as GoReleaser reads it, merge keys applied; its line: the path key's, else the entry's.
      const values = entry.toJS(doc) as Record<string, unknown>;
      const key = values['templated_dockerfile'] !== undefined && values['templated_dockerfile'] !== null ? 'templated_dockerfile' : 'dockerfile';
      const df = values[key];
      // An alias entry (`- *docker`) is said where the alias is.
      const own = item === entry ? ownPair(entry, key) : null;
      const at = shownAt(own?.range?.[0] ?? (item as Node).range?.[0] ?? 0);
      if (df === undefined || df === null || df === '') out.push({ ...at, ...targetsOf(folders, 'Dockerfile') });
      else if (typeof df !== 'string') out.push(anyBuild(at.line, at.text));
      else out.push({ ...at, ...targetsOf(folders, df) });
    }
  }
  return out;
}

/** The key node of `key` in `map` itself (not merged in), for its line. */
function ownPair(map: YAMLMap, key: string): Node | null {
  const Y = yaml();
  const pair = map.items.find((p) => Y.isScalar(p.key) && p.key.value === key);
  return pair && Y.isScalar(pair.key) ? pair.key : null;
}

function lineOfKey(map: YAMLMap, key: string, text: string, source: readonly string[]): [number, string] {
  const line = lineAt(text, ownPair(map, key)?.range?.[0] ?? 0);
  return [line, source[line - 1]!.trim()];
}
