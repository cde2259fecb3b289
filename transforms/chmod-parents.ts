/**
 * `COPY --chmod=750 app /opt/tool/app` makes the folders it creates on the way (/opt/tool) with
 * that mode under BuildKit since v0.21 (Docker 28.1; moby/moby#49851, moby/buildkit#5943), where
 * the same line without `--chmod` makes them 0755. A `--chmod` the merge adds to a line (the mode
 * the host copy had) is therefore exact only where every folder the line may create exists
 * before it; elsewhere a twin of the line without `--chmod` goes first and makes them as the old
 * line did, and the line after it only writes the file again with its mode.
 *
 * Existence is proven by the stage's own instructions only (a WORKDIR, an earlier COPY or ADD
 * destination, each with every folder above it): what the base image holds is not known here.
 */
import path from 'node:path/posix';
import type { CopyFacts, DockerfileFacts } from '../src/analyze/dockerfile.js';

/**
 * A line that adds `chmod` (` --chmod=750`, or '' for none) to a COPY: the line alone where the
 * folder it lands in exists, else its twin without `--chmod` first.
 */
export function chmodTwin(line: (chmod: string) => string, chmod: string, folderExists: () => boolean): string[] {
  return chmod !== '' && !folderExists() ? [line(''), line(chmod)] : [line(chmod)];
}

/** Every folder from `dir` up to the root. */
export function withAncestors(dir: string, into: Set<string>): void {
  for (let d = path.normalize(dir); ; d = path.dirname(d)) {
    into.add(d);
    if (d === '/' || d === '.') return;
  }
}

/**
 * Whether the folder a COPY line lands its files in (`dest` itself when it names a folder, else
 * the folder above it) exists in the stage before `copy`, with every folder above it.
 */
export function destFolderExists(runtime: DockerfileFacts, copy: CopyFacts, dest: string, destIsDir: boolean): boolean {
  const stage = runtime.stages[copy.stage];
  if (!stage) return false;
  const made = new Set<string>(['/']);
  // (the base image's own WORKDIR is not known: a relative path needs one of the stage's)
  let workdir: string | null = null;
  // (absolute, without a trailing slash: `/opt/tool/` is the folder /opt/tool)
  const resolve = (p: string) => (p.includes('$') ? null : p.startsWith('/') ? path.normalize(p) : workdir === null ? null : path.normalize(path.join(workdir, p)))?.replace(/(.)\/+$/, '$1') ?? null;
  const before = runtime.instructions.filter((i) => {
    const at = runtime.lines.offsetAt(i.getRange().start);
    return at >= stage.from.start && at < copy.span.start;
  });
  for (const ins of before) {
    const kw = ins.getKeyword();
    if (kw === 'WORKDIR') {
      const arg = ins.getArgumentsContent()?.trim() ?? '';
      workdir = arg === '' ? null : resolve(arg);
      if (workdir !== null) withAncestors(workdir, made);
    } else if (kw === 'COPY' || kw === 'ADD') {
      const at = runtime.lines.offsetAt(ins.getRange().start);
      const c = runtime.copies.find((x) => x.span.start === at);
      const d = c?.dest?.value;
      if (!c || d === undefined) continue;
      const abs = resolve(d);
      if (abs === null) continue;
      withAncestors(d.endsWith('/') || c.sources.length > 1 ? abs : path.dirname(abs), made);
    }
  }
  const target = resolve(dest);
  if (target === null) return false;
  return made.has(destIsDir ? target : path.dirname(target));
}
