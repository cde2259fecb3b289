/**
 * A build that stays and copies from its context a file a removed command wrote (`docker build …
 * > out/build.log`, then the runtime Dockerfile's `COPY out/ /srv/` or `COPY build.log /srv/`):
 * the old image held the log; the migrated script no longer writes it, so the image would lack
 * it (or the COPY fails, or takes a stale log left by an earlier run). A COPY/ADD source that is
 * the file, a folder holding it or a pattern that may match it reads it, unless the build's
 * ignore file provably leaves it out (its last rule over the file excludes it, no `!` rule after).
 */
import path from 'node:path/posix';
import { buildInputs } from '../analyze/link.js';
import { readDockerfile, type DockerfileFacts } from '../analyze/dockerfile.js';
import type { DockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { globToRegExp } from '../model/glob.js';
import { resolveRel } from '../model/paths.js';
import type { BuildStep } from '../model/setup.js';
import { effectiveIgnoreFile } from './build-inputs.js';
import { meets } from './host-commands.js';
import { ignoreRules, type IgnoreRule } from './ignore-rules.js';

/** What a build needs to read its Dockerfile and ignore file. */
export interface BuildReading {
  fs: RepoFs;
  dockerfiles: ReadonlyMap<string, DockerfileFacts | null>;
}

/** The first of `paths` the build `inv` copies from its context, with the line that does, or null. */
export function copiedFromContext(inv: DockerInvocation, paths: readonly string[], reading: BuildReading): { path: string; why: string } | null {
  if (inv.verb !== 'build' || paths.length === 0) return null;
  const { context, dockerfile } = buildInputs(inv);
  if (context === null || dockerfile === null) return null;
  const inside = paths.filter((p) => context === '' || p.startsWith(`${context}/`));
  if (inside.length === 0) return null;
  let facts = reading.dockerfiles.get(dockerfile) ?? null;
  if (!facts) {
    const text = reading.fs.readText(dockerfile);
    if (text === null) return null;
    facts = readDockerfile(dockerfile, text);
  }
  const ignore = effectiveIgnoreFile({ dockerfile, context } as BuildStep, reading.fs);
  const rules = ignore === null ? [] : ignoreRules(reading.fs.readText(ignore) ?? '');
  for (const copy of facts.copies) {
    if (copy.from || copy.heredoc) continue;
    for (const src of copy.sources) {
      const p = resolveRel(context, src.value.replace(/^\/+/, ''));
      const hit = inside.find((o) => {
        const m = meets({ path: p, glob: /[*?[]/.test(src.value), word: inv.cmd.words[0]! }, o);
        return m !== null && m !== 'under' && !provenIgnored(rules, context === '' ? o : o.slice(context.length + 1));
      });
      if (hit) return { path: hit, why: `\`${copy.keyword} ${src.value}\` (${facts.path}:${copy.line}) copies it into the image` };
    }
  }
  return null;
}

/**
 * Whether the rules leave `rel` out for certain: Docker takes the last rule matching the file or
 * a folder holding it; a plain pattern (`*.log`, `out/build.log`) that matches and no `!` rule
 * after it (which might send it again) prove it. Any other shape proves nothing.
 */
function provenIgnored(rules: readonly IgnoreRule[], rel: string): boolean {
  const parts = rel.split('/');
  let excluded = false;
  for (const r of rules) {
    if (r.negated) {
      excluded = false;
      continue;
    }
    if (/\*\*|[[\\]/.test(r.pattern) || r.pattern.startsWith('../')) continue;
    const re = globToRegExp(path.normalize(r.pattern));
    if (parts.some((_, k) => re.test(parts.slice(0, k + 1).join('/')))) excluded = true;
  }
  return excluded;
}
