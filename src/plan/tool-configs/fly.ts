/**
 * fly.toml, parsed as TOML: the `[build]` table (also written as `build = { … }` or with dotted
 * keys, `build.dockerfile = …`). flyctl deploys `build.image` without building it, and builds
 * with buildpacks when a `builder` (or its own `builtin` or `buildpacks`) is named; otherwise it
 * builds `build.dockerfile`, relative to the file's folder (`resolveDockerfilePath` in
 * internal/command/deploy/deploy.go), else `Dockerfile` of the folder `fly deploy` runs in (the
 * file's, or another, such as the root). Any such build of a setup's runtime Dockerfile
 * refuses, whatever `[build.args]` it gives (its context is fly's, not the setup's), so the
 * arguments decide nothing here. A `dockerfile` that is no string, or a file that does not parse,
 * builds a Dockerfile of any name.
 */
import { createRequire } from 'node:module';
import type { AST } from 'toml-eslint-parser';

type TomlModule = typeof import('toml-eslint-parser');
let tomlModule: TomlModule | undefined;
/** The TOML parser, loaded only when a fly.toml needs reading (it costs start-up time: scripts/bundle.mjs LAZY). */
function toml(): TomlModule {
  return (tomlModule ??= createRequire(import.meta.url)('toml-eslint-parser') as TomlModule);
}
import { anyBuild, folderOf, targetsOf, type FoundBuild } from './targets.js';

/** The line of each key path the file sets (`["build","dockerfile"]`, as JSON), and of each table header. */
function keyLines(program: AST.TOMLProgram): Map<string, number> {
  const lines = new Map<string, number>();
  const name = (k: AST.TOMLBare | AST.TOMLQuoted) => (k.type === 'TOMLBare' ? k.name : k.value);
  const visit = (prefix: readonly (string | number)[], kvs: readonly AST.TOMLKeyValue[]) => {
    for (const kv of kvs) {
      const keys = [...prefix, ...kv.key.keys.map(name)];
      // Each prefix of a dotted key defines that table on this line, unless an earlier line did.
      for (let n = prefix.length + 1; n <= keys.length; n++) if (!lines.has(JSON.stringify(keys.slice(0, n)))) lines.set(JSON.stringify(keys.slice(0, n)), kv.loc.start.line);
      if (kv.value.type === 'TOMLInlineTable') visit(keys, kv.value.body);
    }
  };
  for (const top of program.body) {
    for (const item of top.body) {
      if (item.type === 'TOMLKeyValue') visit([], [item]);
      else {
        if (!lines.has(JSON.stringify(item.resolvedKey))) lines.set(JSON.stringify(item.resolvedKey), item.loc.start.line);
        visit(item.resolvedKey, item.body);
      }
    }
  }
  return lines;
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function flyBuilds(file: string, text: string): FoundBuild[] {
  const source = text.split('\n');
  const shown = (line: number) => source[line - 1]!.trim();
  let program: AST.TOMLProgram;
  try {
    program = toml().parseTOML(text, { tomlVersion: 'latest' });
  } catch (e) {
    // The line the parser stopped on (an error at the end of the file: its last line that says something).
    const at = (e as { lineNumber?: unknown }).lineNumber;
    const line = Math.min(Math.max(typeof at === 'number' ? at : 1, 1), text.trimEnd().split('\n').length);
    return [anyBuild(line, shown(line))];
  }
  const root = toml().getStaticTOMLValue(program) as Record<string, unknown>;
  const lines = keyLines(program);
  const lineOf = (...keys: string[]) => lines.get(JSON.stringify(keys));
  const build = root['build'];
  if (build !== undefined && !isTable(build)) return [anyBuild(lineOf('build') ?? 1, shown(lineOf('build') ?? 1))];
  const df = build?.['dockerfile'];
  if (df !== undefined && typeof df !== 'string') return [anyBuild(lineOf('build', 'dockerfile')!, shown(lineOf('build', 'dockerfile')!))];
  if (df === undefined && ['image', 'builder', 'builtin', 'buildpacks'].some((k) => build?.[k] !== undefined)) return [];
  const line = lineOf('build', 'dockerfile') ?? lineOf('build') ?? 1;
  const dir = folderOf(file);
  const folders = df !== undefined || dir === '' ? [dir] : [dir, ''];
  return [{ line, text: shown(line), ...targetsOf(folders, df ?? 'Dockerfile') }];
}
