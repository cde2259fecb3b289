import fs from 'node:fs';

let cached: string | undefined;

/** The package version, from the package.json this module was installed with. */
export function readVersion(): string {
  if (cached) return cached;
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8'));
      if (pkg.name === 'multistage-codemod') return (cached = String(pkg.version));
    } catch {
      /* try the next */
    }
  }
  return (cached = '0.0.0-unknown');
}
