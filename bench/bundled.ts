/**
 * Whether a build's executable will run its bundle, by the rule of src/bin.cts: the bundle
 * (main.bundle.cjs beside bin.cjs) is run when it is at least as new as main.js. A build whose
 * modules were compiled again without bundling (`tsc`, as `npm run fuzz` does) runs them one by
 * one instead: about 0.3 s more per start and no code cache, which a comparison would count as
 * the build's own cost.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Null when `bin` runs its bundle; otherwise why not, and how to make it. */
export function unbundled(bin: string): string | null {
  if (path.basename(bin) !== 'bin.cjs') return null;
  const dir = path.dirname(bin);
  const mtime = (f: string) => fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.mtimeMs;
  const [bundled, compiled] = [mtime('main.bundle.cjs'), mtime('main.js')];
  if (bundled !== undefined && (compiled === undefined || bundled >= compiled)) return null;
  const root = path.resolve(dir, '../..');
  return bundled === undefined
    ? `${bin} has no bundle beside it (main.bundle.cjs), so it runs its modules one by one: run \`node scripts/bundle.mjs\` in ${root} first`
    : `${bin} would run its modules one by one: its main.js is newer than its bundle (compiled again without bundling, as \`npm run fuzz\` does); run \`node scripts/bundle.mjs\` in ${root} first`;
}
