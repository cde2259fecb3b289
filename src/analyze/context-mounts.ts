/**
 * `RUN --mount` bind mounts that read the build context: `type=bind` (the default type) with no
 * `from=`, mounting `source=` (default: the context's root) at `target=`. Such a RUN sees the
 * context's files as they are when the build runs, as a COPY of that path would, so a file an
 * extraction left in the context reaches it (and is gone once the extraction is).
 */
import type { DockerfileFacts } from './dockerfile.js';

export interface ContextMount {
  /** The mounted path relative to the context, '' for its root (leading slashes dropped, `.` read as the root). */
  source: string;
  /** 1-based line of the RUN. */
  line: number;
  /** The flag's value as written, for messages. */
  text: string;
}

interface MountFlag {
  getName(): string;
  getValue(): string | null;
}

/** Whether a mount of `mounted` (context-relative, '' the whole context) shows the file at `hostPath`: it, a path in it, or a folder holding it. */
export function mountReaches(mounted: string, hostPath: string): boolean {
  return mounted === '' || mounted === hostPath || mounted.startsWith(`${hostPath}/`) || hostPath.startsWith(`${mounted}/`);
}

export function contextMounts(facts: DockerfileFacts): ContextMount[] {
  const out: ContextMount[] = [];
  for (const ins of facts.instructions) {
    if (ins.getKeyword() !== 'RUN') continue;
    const flags = ((ins as unknown as { getFlags?: () => MountFlag[] }).getFlags?.() ?? []).filter((f) => f.getName() === 'mount');
    for (const f of flags) {
      const text = f.getValue() ?? '';
      const opts = new Map(text.split(',').map((o) => [o.slice(0, o.indexOf('=') < 0 ? o.length : o.indexOf('=')), o.includes('=') ? o.slice(o.indexOf('=') + 1) : '']));
      if ((opts.get('type') ?? 'bind') !== 'bind' || opts.has('from')) continue;
      const raw = opts.get('source') ?? opts.get('src') ?? '';
      const source = raw.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.(\/|$)/, '');
      out.push({ source, line: ins.getRange().start.line + 1, text });
    }
  }
  return out;
}
