/**
 * The merged build has one context and one ignore file. Until COPY sources are rewritten
 * across contexts, a setup whose two builds saw different files is refused rather than
 * silently given a different set of files.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { BuildStep, Setup } from '../model/setup.js';

/** The ignore file a build applies: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's. */
export function effectiveIgnoreFile(build: BuildStep, fs: RepoFs): string | null {
  const own = `${build.dockerfile}.dockerignore`;
  if (fs.kind(own) === 'file') return own;
  const ctx = build.context === '' ? '.dockerignore' : `${build.context}/.dockerignore`;
  return fs.kind(ctx) === 'file' ? ctx : null;
}

export function checkBuildInputs(setup: Setup, fs: RepoFs): Diagnostic[] {
  const out: Diagnostic[] = [];
  const runtime = setup.runtime!;
  const where = { file: setup.script, line: setup.builder.inv.cmd.line, setup: setup.id };
  if (setup.builder.context !== runtime.context) {
    out.push(diag('CONTEXT_MISMATCH', 'error', `the builder build's context is ${setup.builder.context || '.'} but the runtime build's is ${runtime.context || '.'}`, { ...where, hint: 'Merging builds with different contexts is not supported yet; use one context for both, or migrate by hand.' }));
    return out;
  }
  const a = effectiveIgnoreFile(setup.builder, fs);
  const b = effectiveIgnoreFile(runtime, fs);
  if (a !== b && (a === null || b === null || fs.readText(a) !== fs.readText(b))) {
    out.push(diag('IGNORE_MISMATCH', 'error', `the builder build ignores files by ${a ?? 'nothing'} but the runtime build by ${b ?? 'nothing'}`, { ...where, hint: 'Make both builds use the same ignore file, then run the tool again.' }));
  }
  return out;
}
