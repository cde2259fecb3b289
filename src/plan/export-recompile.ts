/**
 * With an export build, the builder stage is built twice: by the export build, where the
 * extraction was, and by the final build. The old pipeline compiled once, so the host file and
 * the image's copy were the same bytes. Merged, they are only when the final build reuses the
 * export build's cache, which it does not:
 *
 * - under `--no-cache` on either build (each compiles on its own);
 * - when the export build writes the files into the final build's context where a builder
 *   `COPY`/`ADD` reads them (`COPY . /src`): the final build's builder stage then has other
 *   input, compiles again, and compiles with the artifact in its sources. An ignore file that
 *   surely leaves the path out of the context keeps it out.
 *
 * A compile that is not byte-for-byte reproducible (timestamps, build ids) then gives the host
 * and the image different files: refused.
 */
import path from 'node:path/posix';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { globToRegExp } from '../model/glob.js';
import type { BuildStep, Setup } from '../model/setup.js';
import { effectiveIgnoreFile } from './build-inputs.js';
import { ignoreRules, type IgnoreRule } from './ignore-rules.js';

export function exportRecompiles(setup: Setup, runtime: BuildStep, builderFacts: DockerfileFacts, fs: RepoFs): Diagnostic[] {
  const at = { file: setup.script, line: setup.extraction[setup.extraction.length - 1]?.line ?? setup.builder.inv.cmd.line, setup: setup.id };
  const noCache = [setup.builder.inv, runtime.inv].find((inv) => inv.cmd.words.some((w) => w.value === '--no-cache' || w.value === '--no-cache=true' || w.value?.startsWith('--no-cache-filter')));
  if (noCache) {
    return [
      diag('ARTIFACT_USED_ON_HOST', 'error', `files are still needed on the host, so an export build would compile the builder stage where the extraction was and the final build again; \`${noCache.cmd.words.find((w) => w.value?.startsWith('--no-cache'))!.value}\` on \`${noCache.cmd.words.slice(0, 3).map((w) => w.value ?? w.raw).join(' ')} …\` (line ${noCache.cmd.line}) keeps the final build from reusing that compile: a compile that is not byte-for-byte reproducible would leave the host one binary and the image another, where the old pipeline compiled once`, { ...at, hint: 'Drop --no-cache (or migrate by hand, building the final image from the exported files).' }),
    ];
  }
  const context = runtime.context;
  if (context === null) return [];
  const ignore = effectiveIgnoreFile(runtime, fs);
  const rules = ignore === null ? [] : ignoreRules(fs.readText(ignore) ?? '');
  for (const a of setup.artifacts) {
    if (!a.hostNeeded) continue;
    const rel = context === '' ? a.hostPath : a.hostPath.startsWith(`${context}/`) ? a.hostPath.slice(context.length + 1) : null;
    if (rel === null || excluded(rules, rel)) continue;
    const copy = builderFacts.copies.find((c) => c.from === null && !c.heredoc && c.sources.some((s) => covers(s.value, rel)));
    if (!copy) continue;
    return [
      diag('ARTIFACT_USED_ON_HOST', 'error', `${a.hostPath} is still needed on the host, so an export build writes it into the final build's context before that build runs, where the builder stage's \`${builderFacts.text.slice(copy.span.start, copy.span.end).split('\n', 1)[0]}\` (${builderFacts.path}:${copy.line}) reads it: the final build would compile again, with the artifact among its sources, where the old pipeline compiled once without it`, { ...at, hint: 'Have the builder copy only the sources its compile needs (not the whole context), then run the tool again; or migrate by hand (build the final image, then export from the same build cache).' }),
    ];
  }
  return [];
}

/** Whether a COPY source (relative to the context) may bring the context path `rel`: the path, a folder above it, or a pattern that may match either. */
function covers(source: string, rel: string): boolean {
  const s = path.normalize(source).replace(/^\/+|\/+$/g, '').replace(/^\.$/, '');
  if (s === '' ) return true;
  const parts = rel.split('/');
  for (let k = 1; k <= parts.length; k++) {
    const prefix = parts.slice(0, k).join('/');
    if (s === prefix || (/[*?[]/.test(s) && globToRegExp(s).test(prefix))) return true;
  }
  return false;
}

/**
 * Whether the ignore rules surely leave `rel` out of the context: the last rule matching it or a
 * folder above it excludes (Docker decides by the last match). A pattern with `**` is read as
 * matching nothing surely, so a path only it would exclude counts as sent.
 */
function excluded(rules: readonly IgnoreRule[], rel: string): boolean {
  const parts = rel.split('/');
  let out = false;
  for (const r of rules) {
    if (r.pattern.includes('**') && !r.negated) continue;
    const re = r.pattern.includes('**') ? null : globToRegExp(r.pattern);
    const hits = parts.some((_, k) => (re ? re.test(parts.slice(0, k + 1).join('/')) : true));
    if (hits) out = !r.negated;
  }
  return out;
}
