/**
 * The images a script makes on the host it builds on (`docker build -t`, `docker tag`), which a
 * FROM line may name: `docker build --pull` resolves every FROM from the registry instead, so it
 * would read another image under that name, or none. `docker load`, `import` and `commit` make
 * images under names the command line does not give: then any name may be local.
 */
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import { canonicalImage } from '../model/image-ref.js';
import type { ScriptCommand, Word } from '../model/script.js';

/** Canonical names made locally, or null when a command makes images under names it does not give (or gives only at run time). */
export function localImages(commands: readonly ScriptCommand[]): Set<string> | null {
  const out = new Set<string>();
  let unknown = false;
  const add = (w: Word | undefined) => {
    if (!w) return;
    if (w.value === null) unknown = true;
    else out.add(canonicalImage(w.value));
  };
  for (const cmd of commands) {
    const inv = dockerInvocation(cmd);
    if (!inv) continue;
    if (inv.verb === 'build') flagValues(inv, '--tag').forEach(add);
    else if (inv.verb === 'tag') add(inv.operands[1]?.word);
    else if (inv.verb === 'other') {
      const words = cmd.words.slice((inv.at ?? 0) + 1, (inv.at ?? 0) + 3).map((w) => w.value);
      const sub = words[0] === 'image' || words[0] === 'container' ? words[1] : words[0];
      if (sub === 'load' || sub === 'import' || sub === 'commit') unknown = true;
    }
  }
  return unknown ? null : out;
}
