/**
 * A renamed file copied into a directory: `docker cp x:/out/server ./gateway` then
 * `COPY gateway /usr/local/bin/` landed /usr/local/bin/gateway. `COPY --from=<stage>
 * /out/server /usr/local/bin/` would land /usr/local/bin/server, so the merged line names the
 * destination in full, spelled the way the line spells its words (shell or JSON form).
 */
import path from 'node:path/posix';
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';

interface Renamed {
  hostSource: string;
  stagePath: string;
  kind?: 'file' | 'folder' | null;
  kindWhy?: string;
}

/** The destination word to write (as the line spells it), or why it cannot be written exactly. */
export function namedDest(copy: DockerfileFacts['copies'][number], r: Renamed, hostBase: string, escape: string): string | { why: string } {
  const dest = copy.dest!.value;
  if (r.kind !== 'file') return { why: r.kindWhy ?? `nothing proves whether ${r.stagePath} is a file or a folder` };
  if (copy.sources.length !== 1) return { why: `the line copies ${copy.sources.length} sources into it, so its destination cannot name one of them` };
  if (dest.endsWith('\\') || dest.endsWith(escape)) return { why: `the destination ends in a backslash, which the tool does not extend` };
  // The name is written into the line: nothing in it may be read as a variable, a quote or a word break.
  const unsafe = copy.json ? /[$\\]/ : /[\s'"$`\\]/;
  if (unsafe.test(hostBase) || hostBase.includes(escape)) return { why: `its host name ${JSON.stringify(hostBase)} holds ${copy.json ? '`$` or a backslash' : 'spaces, quotes, `$` or backslashes'}, which the tool does not write into ${copy.json ? 'a JSON-form line' : 'a shell-form line'}` };
  const full = `${dest.replace(/\/?$/, '/')}${hostBase}`;
  return copy.json ? JSON.stringify(full) : full;
}

/**
 * A renamed file copied to a destination not spelled as a folder, and no instruction of the
 * stage before the line makes a folder there (src: ./chmod-parents.ts destFolderExists): if the
 * base image holds a folder at that path, the old line landed the file inside it under its host
 * name, where COPY --from lands it under its stage name; otherwise both write the file as that
 * path. Null where the line is exact either way: the destination's last name is the artifact's
 * host or stage name (the path names the file: no folder of that name is taken to stand there,
 * as a destination spelled as a folder is named in full, namedDest),
 * or the stage starts from `scratch` and nothing before the line may have made a folder there.
 * Else why the tool cannot tell: the base image is not seen, a relative destination needs a
 * WORKDIR of the stage, and a variable is only known at build time.
 */
export function folderMayStand(runtime: DockerfileFacts, copy: DockerfileFacts['copies'][number], dest: string, hostBase: string, stageBase: string): string | null {
  const last = path.basename(dest);
  if ((last === hostBase || last === stageBase) && !dest.endsWith('/.') && !last.includes('$')) return null;
  if (dest.includes('$')) return `the destination \`${dest}\` is written with a variable, only known at build time, so the tool cannot tell whether it names a folder`;
  const stage = runtime.stages[copy.stage]!;
  const scratch = stage.image === 'scratch';
  // (the base image's working directory is not known; scratch has none but the root)
  let workdir: string | null = scratch ? '/' : null;
  const resolve = (p: string) => (p.includes('$') ? null : p.startsWith('/') ? path.normalize(p) : workdir === null ? null : path.normalize(path.join(workdir, p)))?.replace(/(.)\/+$/, '$1') ?? null;
  /** Earlier instructions that write files: a RUN, or a COPY/ADD (with its facts). */
  const writers: { what: string; copy: DockerfileFacts['copies'][number] | null }[] = [];
  for (const ins of runtime.instructions) {
    const at = runtime.lines.offsetAt(ins.getRange().start);
    if (at < stage.from.start || at >= copy.span.start) continue;
    const kw = ins.getKeyword();
    const what = `${kw} (line ${ins.getRange().start.line + 1})`;
    if (kw === 'WORKDIR') workdir = resolve(ins.getArgumentsContent()?.trim() ?? '');
    else if (kw === 'RUN') writers.push({ what, copy: null });
    else if (kw === 'COPY' || kw === 'ADD') writers.push({ what, copy: runtime.copies.find((x) => x.span.start === at) ?? null });
  }
  const target = resolve(dest);
  if (target === null) return `the destination \`${dest}\` is relative, and the stage has no WORKDIR the tool can read (the base image's is not seen), so the tool cannot tell which path it names, nor whether that is a folder`;
  if (!scratch) return `${target} may be a folder the base image \`${stage.image}\` holds, which the tool does not see: inside it the file landed as ${path.join(target, hostBase)}, else as ${target}`;
  // (a COPY makes folders at its destination and under it; those above it destFolderExists knows)
  const inside = writers.filter((w) => {
    const d = w.copy?.dest ? resolve(w.copy.dest.value) : null;
    return d === null || d === target || target.startsWith(`${d === '/' ? '' : d}/`);
  }).map((w) => w.what);
  return inside.length > 0 ? `${inside[0]} may have made a folder at ${target} before the line, where the file landed as ${path.join(target, hostBase)}` : null;
}
