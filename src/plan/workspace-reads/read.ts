/**
 * What a CI-native key or step reads from the job's workspace: one path or pattern with the
 * line that names it and what reads it. Shared by the reader of each CI kind.
 */
import type { Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';

export interface WorkspaceRead {
  /** What reads it, for a diagnostic: "the step `uses: softprops/action-gh-release@v2` (`files:`)". */
  by: string;
  /** Repository-relative path or pattern ('' the root), null when only known at run time. */
  path: string | null;
  glob: boolean;
  line: number;
  /**
   * The job whose folder it reads (its name, as the CI file's entries give it); absent when the
   * key may be any job's (GitLab's `default:` or a template) or the CI kind is not cut into jobs here.
   */
  job?: string;
  /** A step that runs its own code (a local action, one the tool does not know): it reads only when it runs after the extraction. */
  afterOnly?: true;
  /** What to do about a refusal it causes, where the usual hint (read the artifact by its own path) would not help. */
  hint?: string;
}

/**
 * Normalises one written path: `./dist/` → `dist`, `.` → ''; null for one only known at run
 * time (`$VAR`, `$(Macro)`, `${{ … }}`, a `..` above the root); undefined for one outside the
 * workspace (absolute, `~/…`: a cache of the toolchain, never a file of the repository).
 */
export function workspacePath(raw: string, base = ''): string | null | undefined {
  const p = raw.trim();
  if (p.includes('$')) return null;
  if (p.startsWith('/') || p.startsWith('~')) return undefined;
  const parts: string[] = base === '' ? [] : base.split('/');
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/**
 * The read of one written path, none when it is outside the workspace. `root` matches the
 * variable a CI kind gives for the checkout (`$CI_PROJECT_DIR`): a path under it is relative.
 */
export function read(by: string, raw: string, line: number, root?: RegExp): WorkspaceRead[] {
  const path = workspacePath(root ? raw.trim().replace(root, './') : raw);
  if (path === undefined) return [];
  return [{ by, path, glob: path !== null && /[*?[]/.test(path), line }];
}

/** The line a node starts on (1-based). */
export function lineOf(lines: LineIndex, node: unknown, fallback: unknown = null): number {
  const y = yaml();
  const at = (n: unknown) => (y.isNode(n) && (n as Node).range ? (n as Node).range![0] : null);
  return lines.lineOf(at(node) ?? at(fallback) ?? 0);
}

/** The string values of a scalar or a sequence of scalars, each with its node. */
export function stringsOf(node: unknown): { value: string; node: Scalar }[] {
  const y = yaml();
  if (y.isScalar(node)) return typeof node.value === 'string' ? [{ value: node.value, node }] : [];
  if (y.isSeq(node)) return (node as YAMLSeq).items.flatMap((i) => (y.isScalar(i) && typeof i.value === 'string' ? [{ value: i.value, node: i }] : []));
  return [];
}

/** One path a line of a multi-line value, `!` exclusions left out (they only narrow what is read). */
export function pathLines(value: string): string[] {
  return value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('!') && !l.startsWith('#'));
}

/** A map's value by key, compared without case (Azure input names), or undefined. */
export function getNoCase(map: YAMLMap, key: string): unknown {
  const y = yaml();
  const hit = map.items.find((p) => y.isScalar(p.key) && String(p.key.value).toLowerCase() === key.toLowerCase());
  return hit?.value ?? undefined;
}

/** Every map in a tree, depth first. */
export function* maps(node: unknown): Generator<YAMLMap> {
  const y = yaml();
  if (y.isMap(node)) {
    yield node;
    for (const p of node.items) yield* maps(p.value);
  } else if (y.isSeq(node)) for (const i of node.items) yield* maps(i);
}
