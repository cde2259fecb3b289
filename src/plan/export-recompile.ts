/**
 * With an export build, the builder stage is built twice: by the export build, where the
 * extraction was, and by the final build. The old pipeline compiled once, so the host file and
 * the image's copy were the same bytes. Merged, they are only when the final build reuses the
 * export build's cache, which it does not under `--no-cache` on either build (each compiles on
 * its own): a compile that is not byte-for-byte reproducible (timestamps, build ids) then gives
 * the host and the image different files. Refused.
 *
 * (An export build that writes the files into the final build's context, where the builder
 * stage reads them, would also keep the final build from reusing the compile: ./export-ignore.ts
 * leaves them out of the merged Dockerfile's context.)
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { BuildStep, Setup } from '../model/setup.js';

export function exportRecompiles(setup: Setup, runtime: BuildStep): Diagnostic[] {
  const at = { file: setup.script, line: setup.extraction[setup.extraction.length - 1]?.line ?? setup.builder.inv.cmd.line, setup: setup.id };
  const noCache = [setup.builder.inv, runtime.inv].find((inv) => inv.cmd.words.some((w) => w.value === '--no-cache' || w.value === '--no-cache=true' || w.value?.startsWith('--no-cache-filter')));
  if (noCache) {
    return [
      diag('ARTIFACT_USED_ON_HOST', 'error', `files are still needed on the host, so an export build would compile the builder stage where the extraction was and the final build again; \`${noCache.cmd.words.find((w) => w.value?.startsWith('--no-cache'))!.value}\` on \`${noCache.cmd.words.slice(0, 3).map((w) => w.value ?? w.raw).join(' ')} …\` (line ${noCache.cmd.line}) keeps the final build from reusing that compile: a compile that is not byte-for-byte reproducible would leave the host one binary and the image another, where the old pipeline compiled once`, { ...at, hint: 'Drop --no-cache (or migrate by hand, building the final image from the exported files).' }),
    ];
  }
  return [];
}
