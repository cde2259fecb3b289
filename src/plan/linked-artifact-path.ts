/**
 * An artifact extracted to a path that runs through a symbolic link the repository holds
 * (`docker cp x:/out/app ./bin/tool` with `bin -> build/bin`): docker writes through the link,
 * so the file lands at another path than the one written, where later commands may read it by
 * that other name (`sha256sum build/bin/tool`), and an export build would write a real folder
 * over the link. The tool reads paths as written: refused.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { Setup } from '../model/setup.js';

export function linkedArtifactPaths(setup: Setup, fs: RepoFs): Diagnostic[] {
  for (const a of setup.artifacts) {
    const parts = a.hostPath.split('/');
    for (let k = 1; k <= parts.length; k++) {
      const p = parts.slice(0, k).join('/');
      if (p === '' || p === '.' || fs.kind(p) !== 'symlink') continue;
      const at = a.via.cmd;
      return [
        diag('DYNAMIC_ARTIFACT_PATH', 'error', `${a.hostPath} is extracted through ${p}, a symbolic link the repository holds: the file lands at the link's target, under another name than the one written, and later commands may use it by that name`, {
          file: at.file,
          line: at.line,
          setup: setup.id,
          hint: 'Extract to the folder the link points to, by its own path, then run the tool again; or migrate by hand.',
        }),
      ];
    }
  }
  return [];
}
