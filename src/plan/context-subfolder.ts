/**
 * A builder built from a subfolder of the runtime build's context (`docker build -f
 * builder/Dockerfile.build builder/`, then `docker build .`): in the one merged build its
 * COPY/ADD sources are read from the runtime's context, so each gets the subfolder in front.
 * Only where that provably reads the same files: literal sources that stay inside the
 * subfolder, no bind mount of the context, and ignore rules that exclude nothing there
 * (checked in build-inputs.ts).
 */
import path from 'node:path/posix';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { globToRegExp } from '../model/glob.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Edit } from '../model/edits.js';
import type { RepoFs } from '../model/fs.js';

export interface SubfolderRewrite {
  edits: Edit[];
  diagnostics: Diagnostic[];
  note: string | null;
}

/** `sub` relative to the runtime context when the builder's context lies strictly inside it, else null. */
export function subfolderOf(builderContext: string, runtimeContext: string): string | null {
  if (builderContext === runtimeContext) return null;
  // Contexts outside the repository (`../..`) are never merged.
  const plain = (p: string) => p === '' || (!p.startsWith('/') && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'));
  if (!plain(builderContext) || !plain(runtimeContext)) return null;
  if (runtimeContext === '') return builderContext;
  return builderContext.startsWith(`${runtimeContext}/`) ? builderContext.slice(runtimeContext.length + 1) : null;
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;
const GLOB = /[*?[]/;

export function rewriteForSubfolder(facts: DockerfileFacts, sub: string, setup: string, fs?: RepoFs): SubfolderRewrite {
  const out: SubfolderRewrite = { edits: [], diagnostics: [], note: null };
  const refuse = (line: number, message: string) =>
    out.diagnostics.push(diag('CONTEXT_MISMATCH', 'error', message, { file: facts.path, line, setup, hint: 'Give the builder build the same context as the runtime build, or migrate this setup by hand.' }));
  if (GLOB.test(sub) || /[\s'"$\\]/.test(sub) || sub.includes(facts.escape)) {
    refuse(1, `the builder's context ${sub} has characters a COPY source would read as a pattern or escape`);
    return out;
  }
  let count = 0;
  for (const c of facts.copies) {
    if (c.from || c.heredoc) continue;
    for (const s of c.sources) {
      const v = s.value;
      if (c.keyword === 'ADD' && REMOTE.test(v)) continue;
      if (/[\s'"$`\\]/.test(v) || v.includes(facts.escape)) {
        refuse(c.line, `\`${c.keyword} ${v}\` uses a variable, quote or escape, so which files of ${sub}/ it reads cannot be proved`);
        continue;
      }
      const rel = path.normalize(v.replace(/^\/+/, '') || '.');
      if (rel === '..' || rel.startsWith('../')) {
        refuse(c.line, `\`${c.keyword} ${v}\` reaches outside the builder's context ${sub}/`);
        continue;
      }
      if (GLOB.test(rel) && rel.split('/').some((seg) => seg === '**')) {
        refuse(c.line, `\`${c.keyword} ${v}\` uses a pattern whose matches under ${sub}/ cannot be proved the same`);
        continue;
      }
      // A symbolic link on the way (`lib -> ../data`) resolves inside the context it is read from:
      // within sub/ before, within the runtime's context merged. The tool does not read links' targets.
      const link = fs && !GLOB.test(rel) ? linkOnTheWay(fs, sub, rel) : null;
      if (link !== null) {
        refuse(c.line, `\`${c.keyword} ${v}\` reads through ${link}, a symbolic link: the build from ${sub}/ resolved it within that folder, the merged build resolves it within its wider context, so it may read other files`);
        continue;
      }
      const trailing = /\/$/.test(v) && rel !== '.' && !rel.endsWith('/') ? '/' : '';
      const next = rel === '.' || rel === './' ? sub + (/\/$/.test(v) ? '/' : '') : `${sub}/${rel}${trailing}`;
      if (next === v) continue;
      out.edits.push({ start: s.start, end: s.end, text: c.json ? JSON.stringify(next) : next });
      count++;
    }
  }
  // A bind mount of the context (`RUN --mount=type=bind,source=…`, bind being the default) reads it directly.
  for (const ins of facts.instructions) {
    if (ins.getKeyword() !== 'RUN') continue;
    for (const f of ((ins as any).getFlags?.() ?? []) as { getName(): string; getValue(): string | null }[]) {
      const opts = (f.getValue() ?? '').split(',');
      const type = opts.find((o) => o.startsWith('type='))?.slice(5) ?? 'bind';
      if (f.getName() === 'mount' && type === 'bind' && !opts.some((o) => o.startsWith('from='))) {
        refuse(ins.getRange().start.line + 1, `\`RUN --mount=${f.getValue()}\` mounts the builder's context ${sub}/, which the merged build would not`);
      }
    }
  }
  if (count > 0) out.note = `${facts.path} was built from ${sub}/, the merged build from the runtime's context: its ${count} COPY/ADD source(s) now start with ${sub}/, so they read the same files`;
  return out;
}

/** The first symbolic link of the repository on the way from `sub` to `sub/rel`, or null. */
function linkOnTheWay(fs: RepoFs, sub: string, rel: string): string | null {
  if (rel === '.') return null;
  let at = sub;
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    at = `${at}/${seg}`;
    if (fs.kind(at) === 'symlink') return at;
  }
  return null;
}

/** Non-negated patterns of a .dockerignore text, with their lines, as Docker reads them. */
export function ignorePatterns(text: string): { pattern: string; line: number }[] {
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ pattern: l.trim(), line: i + 1 }))
    .filter((p) => p.pattern !== '' && !p.pattern.startsWith('#'))
    .map((p) => ({ ...p, negated: p.pattern.startsWith('!') }))
    .filter((p) => !p.negated)
    .map((p) => ({ pattern: path.normalize(p.pattern.replace(/^\/+/, '')), line: p.line }));
}

/**
 * Could an ignore pattern (rooted at the context) exclude anything under `sub`? It can when
 * it matches `sub` or one of its parents (Docker then excludes everything below), or when it
 * reaches below `sub`; it cannot when one of its segments fails to match the folder's name.
 */
export function mayExcludeUnder(pattern: string, sub: string): boolean {
  const p = pattern.split('/');
  const s = sub.split('/');
  for (let k = 0; k < Math.min(p.length, s.length); k++) {
    if (p[k]!.includes('**')) return true;
    if (!globToRegExp(p[k]!).test(s[k]!)) return false;
  }
  return true;
}
