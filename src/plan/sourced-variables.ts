/**
 * A file sourced between the builder build and the final build (`. ./version.sh`,
 * `source ci/env.sh`) runs in the script's shell: what it assigns or exports holds from there
 * on, while the script's own reading is made without it (src/analyze/sourced-files.ts). Merged,
 * the final build takes the builder build's flags, and the one build runs with the final
 * build's environment: a variable such a file sets that the builder build read (`--build-arg
 * VERSION` passed from the environment, `--build-arg V=$VERSION`, `DOCKER_DEFAULT_PLATFORM`)
 * would reach the compile with the new value (engine-run: `dev` became `1.2.3` in the image).
 * Refused (`FLAG_CONFLICT`) when the file sets such a name, or may set any (a file the tool
 * cannot read, one that sources another or runs `eval`).
 */
import { sourcedFile, SOURCING } from '../analyze/sourced-files.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

/** Flags whose words stay with the builder build's own name, file and output, not the merged build's compile. */
const OWN = new Set(['--tag', '--file', '--iidfile', '--quiet']);
const BUILD_ENV = /^(DOCKER|BUILDKIT|BUILDX)_/;

/** The names the builder build reads that reach the compile in the merged build, each with how. */
function compileReads(setup: Setup): Map<string, string> {
  const inv = setup.builder.inv;
  const out = new Map<string, string>();
  for (const f of inv.flags) {
    if (OWN.has(f.name)) continue;
    const words = inv.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount);
    const shown = words.map((w) => w.raw).join(' ');
    for (const w of words) for (const m of w.raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) out.set(m[1]!, `\`${shown}\``);
    const value = f.value?.value;
    if (f.name === '--build-arg' && value && !value.includes('=')) out.set(value, `\`${shown}\`, which passes $${value} from the environment`);
  }
  return out;
}

export function sourcedVariableChange(setup: Setup, script: ScriptFile, fs: RepoFs): Diagnostic | null {
  const b = setup.builder.inv.cmd;
  const r = setup.runtime?.inv.cmd;
  if (!r || b.file !== script.file || r.file !== script.file || setup.builder.stock) return null;
  const reads = compileReads(setup);
  for (const c of script.commands) {
    if (c.index <= b.index || c.index >= r.index || !SOURCING.has(c.words[0]?.value ?? '')) continue;
    const sourced = sourcedFile(c, fs);
    if (sourced === null) continue;
    // The name it may change that the compile reads, or null for any name at all.
    let name: string | null | undefined;
    let why: string;
    const nested = 'unknown' in sourced ? undefined : sourced.script.commands.find((x) => SOURCING.has(x.words[0]?.value ?? '') || x.words[0]?.value === 'eval');
    if ('unknown' in sourced) {
      name = null;
      why = `sources ${sourced.unknown}, which may set any variable`;
    } else if (nested) {
      name = null;
      why = `sources ${sourced.rel}, which runs \`${shownCommand(nested)}\` (line ${nested.line}) and so may set any variable`;
    } else {
      const sets = [...sourced.script.final.vars.keys()];
      name = sets.find((n) => reads.has(n)) ?? sets.find((n) => BUILD_ENV.test(n));
      why = `sources ${sourced.rel}, which sets $${name}`;
    }
    if (name === undefined) continue;
    const how = name === null ? null : reads.get(name);
    const what = name === null ? `which may change a variable the builder build reads (${[...reads.values()][0] ?? 'docker reads DOCKER_* variables when it builds'})` : how ? `which the builder build reads (${how})` : 'which docker reads when it builds';
    return diag('FLAG_CONFLICT', 'error', `\`${shownCommand(c)}\` (line ${c.line}) stands between the builder build (line ${b.line}) and the final build (line ${r.line}) and ${why}, ${what}: merged, the compile runs in the final build, with the values the variables hold there`, {
      file: c.file,
      line: c.line,
      setup: setup.id,
      hint: 'Source the file before the builder build (or after the final build), or give the builder build the value it should compile with literally, then run the tool again; or migrate by hand.',
    });
  }
  return null;
}
