/**
 * The builder build moves: in the old pipeline it ran where the script built the builder
 * image; merged, the builder stage runs inside the final build. Every command that stays
 * between the two places now runs BEFORE the builder reads its build context. One that writes a
 * file the builder's Dockerfile reads (`git describe > VERSION` with `COPY . .`) would hand the
 * merged builder another input than the old builder had, and so another artifact.
 *
 * What the builder reads: the sources of its Dockerfile's COPY and ADD lines that come from its
 * context (not `--from`, not a URL), the path a `RUN --mount` of type bind (the default) without
 * `from` mounts (the whole context when it names no `source`), the host files and folders its build
 * flags name (a `--secret` file, `--ssh` keys, a local cache, a `--build-context` folder), the whole
 * context when a stage starts FROM an image the script built with a context-reading `ONBUILD`
 * trigger (../analyze/onbuild-base.ts), and the mounted folder of a stock toolchain build. What a command writes comes from
 * the host-command table (./host-commands.ts); a program the table does not know may write
 * anything, so it meets every read. A Dockerfile that cannot be read is taken as reading it all.
 */
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { resolveRel } from '../model/paths.js';
import { contextMounts } from '../analyze/context-mounts.js';
import type { ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { hostEffect, meets, printsFromNamedFiles, type HostEffect, type PathUse } from './host-commands.js';
import { flagHostPaths } from './flag-host-reads.js';

/** A path the builder reads ('' is the repository root), and the instruction that reads it. */
export interface BuilderRead {
  path: string;
  why: string;
}

/** What the setup's builder reads from the host; null when nothing is known to be read but the context as a whole. */
export function builderReads(setup: Setup, dockerfiles: ReadonlyMap<string, DockerfileFacts | null>): BuilderRead[] {
  const b = setup.builder;
  if (b.stock) return [{ path: b.stock.mountHost, why: `the folder mounted into ${b.stock.image}` }];
  const context = b.context;
  const facts = b.dockerfile ? dockerfiles.get(b.dockerfile) ?? null : null;
  if (context === null) return [{ path: '', why: 'its build context, known only at run time' }];
  if (!facts) return [{ path: context, why: `its build context (${b.dockerfile ?? 'its Dockerfile'} could not be read)` }];
  const reads: BuilderRead[] = [];
  if (setup.builderOnbuildRead) reads.push({ path: context, why: `its build context, through the ${setup.builderOnbuildRead}` });
  for (const copy of facts.copies) {
    if (copy.from || copy.heredoc) continue;
    for (const src of copy.sources) {
      if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(src.value)) continue;
      reads.push({ path: resolveRel(context, src.value.replace(/^\/+/, '')), why: `\`${copy.keyword} ${src.value}\` (${facts.path}:${copy.line})` });
    }
  }
  // A bind mount (the default type) of the context, or of a path in it.
  for (const m of contextMounts(facts)) reads.push({ path: resolveRel(context, m.source), why: `\`RUN --mount=${m.text}\` (${facts.path}:${m.line})` });
  // A file or folder a flag of the build names (`--secret id=tok,src=token.txt`), which the merged build reads when it runs (./flag-host-reads.ts).
  const cwd = b.inv.cmd.cwd;
  for (const f of b.inv.flags) {
    if (!f.value) continue;
    const value = f.value.value;
    // (a path only known at run time, `src=$HOME/token`, is met by every write whose path is not known either)
    if (value === null) {
      for (const p of flagHostPaths(f.name, f.value.symbol)) reads.push({ path: `\0${p}`, why: `\`${f.name} ${f.value.raw}\`` });
      continue;
    }
    for (const p of flagHostPaths(f.name, value)) {
      if (p.startsWith('/')) reads.push({ path: p, why: `\`${f.name} ${value}\`` });
      else if (cwd !== null) reads.push({ path: resolveRel(cwd, p), why: `\`${f.name} ${value}\`` });
    }
  }
  return reads;
}

/** How a written path meets a read one (the root '' holds every relative path). */
/** Flags whose words stay with the builder build (its own name and file): never carried to the final build. */
const NOT_CARRIED = new Set(['--tag', '--file', '--iidfile', '--quiet']);

/**
 * What the command substitutions in the builder build's flags read (`--build-arg V="$(cat
 * VERSION)"`): carried to the final build, they run there, after the commands between the builds,
 * and the merged builder stage compiles with what they print then. A substitution whose program
 * prints more than the files it names hold (`git describe`), the tool does not model, or that
 * writes, may read anything: the whole repository.
 */
export function carriedSubstitutionReads(setup: Setup, commands: readonly ScriptCommand[]): BuilderRead[] {
  const b = setup.builder.inv;
  if (setup.builder.stock) return [];
  const out: BuilderRead[] = [];
  for (const f of b.flags) {
    if (NOT_CARRIED.has(f.name)) continue;
    const words = b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount);
    const shown = words.map((w) => w.raw).join(' ');
    for (const c of commands) {
      if (c === b.cmd || c.file !== b.cmd.file || c.stdout?.kind !== 'capture' || !words.some((w) => w.end > w.start && c.start >= w.start && c.end <= w.end)) continue;
      const effect = hostEffect(c);
      const why = `\`${c.words.map((w) => w.raw).join(' ')}\` in \`${shown}\`, which the final build now runs`;
      if (!effect.known || !printsFromNamedFiles(effect.program) || effect.writes.length > 0 || effect.mayTouch.length > 0) out.push({ path: '', why: `${why} (and which may read any file)` });
      else for (const r of effect.reads) out.push({ path: r.path ?? '', why });
    }
  }
  return out;
}

function meetsRead(u: PathUse, read: string): boolean {
  if (read === '') return u.path === null || !u.path.startsWith('/');
  return meets(u, read) !== null;
}

/**
 * Why `cmd`, which stays between the builder build and the runtime build, changes what the
 * merged builder reads (null when it provably does not).
 */
export function changesBuilderInput(cmd: ScriptCommand, effect: HostEffect, reads: readonly BuilderRead[], unknownProgram?: string): string | null {
  if (reads.length === 0) return null;
  for (const w of effect.writes.concat(effect.mayTouch)) {
    const hit = reads.find((r) => meetsRead(w, r.path));
    if (hit) return `it ${effect.writes.includes(w) ? 'writes' : 'is given'} ${w.path === null ? `\`${w.word.raw}\` (a path known only at run time)` : w.path || 'the repository root'}, which the builder reads (${hit.why})`;
  }
  if (!effect.known || effect.program === null) return `the tool does not know what \`${unknownProgram ?? effect.program ?? cmd.words[0]?.raw ?? 'it'}\` writes, while the builder reads ${reads[0]!.why}`;
  return null;
}
