/**
 * npm packs a package's folder into the tarball it publishes right after the lifecycle scripts
 * `prepack`, `prepare`, `prepublishOnly` (and, before npm 7, `prepublish`) ran
 * (src/analyze/hosts/package-json.ts PACK_HOOKS). A hook that runs a setup (its steps are in the
 * hook, or in a script the hook calls: `"prepack": "npm run image"`, `"prepare": "sh build.sh"`)
 * leaves the artifact in that folder for npm to pack: with a `files` list naming it, with a
 * `bin` pointing at it, or with no list at all (every file not ignored is packed). The
 * migration would leave it out of the package; so an artifact in the package's folder stays on
 * the host (an export stage writes it where the extraction did), with the hook named.
 */
import type { EmbeddedScript } from '../analyze/embedded.js';
import { folderOf } from '../model/paths.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/**
 * Marks the artifacts of `setup` that npm may pack after a hook of `script` (a package.json)
 * that runs one of `runs` (the setup's own steps, or the caller's call of its script); `left`:
 * whether the script leaves the artifact's host path there.
 */
export function markPackedArtifacts(setup: Setup, script: ScriptFile, runs: readonly ScriptCommand[], left: (hostPath: string) => boolean): void {
  const hooks = (script as Partial<EmbeddedScript>).packHooks;
  if (script.kind !== 'package-json' || !hooks) return;
  const folder = folderOf(script.file);
  const inFolder = (p: string) => folder === '' || p === folder || p.startsWith(`${folder}/`);
  for (const { hook, line, commands } of hooks) {
    const call = runs.find((c) => commands.includes(c));
    if (!call) continue;
    for (const a of setup.artifacts) {
      if (a.hostNeeded || !left(a.hostPath) || !inFolder(a.hostPath)) continue;
      a.hostNeeded = `npm packs ${folder === '' ? 'the root folder' : folder} (the package of ${script.file}) after its \`${hook}\` script (${script.file}:${line}) ran \`${shownCommand(call)}\` (${call.file}:${call.line}), so ${a.hostPath} goes into the package`;
    }
  }
}
