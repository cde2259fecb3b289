/**
 * The merged build has one context and one ignore file. A builder built from a subfolder of
 * the runtime's context can be merged (its COPY sources get the subfolder in front, see
 * context-subfolder.ts) when the ignore rules provably exclude the same files there; any
 * other pair of contexts, or ignore files that differ in effect, are refused rather than
 * silently given a different set of files.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { BuildStep, Setup } from '../model/setup.js';
import { checkArtifactIgnores } from './artifact-ignore.js';
import { ignorePatterns, mayExcludeUnder, subfolderOf } from './context-subfolder.js';
import { siblingIgnoreProblem, siblingsOf, type Siblings } from './context-siblings.js';

/** The ignore file a build applies: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's. */
export function effectiveIgnoreFile(build: BuildStep, fs: RepoFs): string | null {
  const own = `${build.dockerfile}.dockerignore`;
  if (fs.kind(own) === 'file') return own;
  const ctx = build.context === '' ? '.dockerignore' : `${build.context}/.dockerignore`;
  return fs.kind(ctx) === 'file' ? ctx : null;
}

export interface BuildInputs {
  diagnostics: Diagnostic[];
  /** The builder's context relative to the runtime's (or to the common parent of sibling contexts), when it is a subfolder of it. */
  subfolder: string | null;
  /** Set for sibling contexts (context-siblings.ts): the merged build reads their common parent. */
  siblings: Siblings | null;
}

export function checkBuildInputs(setup: Setup, fs: RepoFs): BuildInputs {
  const out: Diagnostic[] = [];
  const runtime = setup.runtime!;
  const where = { file: setup.script, line: setup.builder.inv.cmd.line, setup: setup.id };
  const a = effectiveIgnoreFile(setup.builder, fs);
  const b = effectiveIgnoreFile(runtime, fs);
  out.push(...checkArtifactIgnores(setup, b, fs));
  if (setup.builder.context !== runtime.context) {
    const sub = subfolderOf(setup.builder.context!, runtime.context!);
    if (sub === null) {
      // Sibling contexts: both are read from their common parent.
      const sib = setup.builder.stock ? null : siblingsOf(setup.builder.context!, runtime.context!);
      const problem = sib ? siblingIgnoreProblem(sib, a, b, fs) : null;
      if (sib && !problem) return { diagnostics: out, subfolder: sib.builderSub, siblings: sib };
      out.push(diag('CONTEXT_MISMATCH', 'error', `the builder build's context is ${setup.builder.context || '.'} but the runtime build's is ${runtime.context || '.'}, which does not hold it${problem ? `, and ${problem}, so their common parent cannot stand in for both` : ''}`, { ...where, hint: 'Use one context for both builds (or no ignore files, for contexts side by side), or migrate by hand.' }));
      return { diagnostics: out, subfolder: null, siblings: null };
    }
    // The builder's files are now read through the runtime's ignore file.
    const own = a === null ? [] : ignorePatterns(fs.readText(a) ?? '');
    if (own.length > 0) {
      out.push(diag('IGNORE_MISMATCH', 'error', `the builder build ignored files by ${a} (\`${own[0]!.pattern}\`), relative to ${sub}/; the merged build reads ${sub}/ through ${b ?? 'no ignore file'} instead`, { file: a!, line: own[0]!.line, setup: setup.id, hint: `Move the patterns into ${b ?? '.dockerignore'} with ${sub}/ in front (when the runtime stage does not need those files), then run the tool again.` }));
    }
    const reaching = b === null ? [] : ignorePatterns(fs.readText(b) ?? '').filter((p) => mayExcludeUnder(p.pattern, sub));
    if (reaching.length > 0) {
      out.push(diag('IGNORE_MISMATCH', 'error', `${b} has \`${reaching[0]!.pattern}\`, which may exclude files under ${sub}/ that the builder build (whose context was ${sub}/) saw`, { file: b!, line: reaching[0]!.line, setup: setup.id, hint: 'Make the pattern exclude nothing under the builder\'s folder, then run the tool again.' }));
    }
    return { diagnostics: out, subfolder: sub, siblings: null };
  }
  if (a !== b && (a === null || b === null || fs.readText(a) !== fs.readText(b))) {
    out.push(diag('IGNORE_MISMATCH', 'error', `the builder build ignores files by ${a ?? 'nothing'} but the runtime build by ${b ?? 'nothing'}`, { ...where, hint: 'Make both builds use the same ignore file, then run the tool again.' }));
  }
  return { diagnostics: out, subfolder: null, siblings: null };
}
