/**
 * A Makefile's builder tag written with Make variables (`-t $(IMAGE):builder`, `IMAGE ?= app`) is
 * read with the values the file gives them, and searched for by that name in the other files
 * (./tag-mentions.ts). A `make` run given another value (`make image IMAGE=relay-ci`, or
 * `IMAGE=relay-ci make image` for a `?=` variable) builds the builder image under another name,
 * which whatever runs after it may use by that name (`docker run relay-ci:builder go test`):
 * the search by the file's value does not find that use.
 *
 * So a `make` anywhere in the scripts the tool reads that sets one of those variables (as an
 * argument or in its environment) keeps the builder build as written: it builds the same image
 * under the same name, whatever the caller sets. (The tool does not follow which Makefile a
 * `make` runs, so any such call counts, which errs towards keeping the build.)
 */
import path from 'node:path/posix';
import type { Analysis } from '../analyze/index.js';
import { callerScript } from './caller-uses.js';
import { flagValues } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { keepsBuilderImage, type Setup } from '../model/setup.js';
import { programAt } from '../model/wrappers.js';

/** A Make variable as the recipe's shell reads it (../analyze/hosts/makefile.ts writes `$(NAME)` as `${NAME}`). */
const MAKE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const MAKES = new Set(['make', 'gmake']);

/** The names a `make` command sets for the Makefile: its `NAME=value` arguments and its environment. */
function makeSets(cmd: ScriptCommand): Set<string> | null {
  const { at, known } = programAt(cmd.words);
  const prog = cmd.words[at]?.value;
  if (!known || prog == null || !MAKES.has(path.basename(prog))) return null;
  const names = new Set<string>([...(cmd.env?.keys() ?? []), ...(cmd.exported ?? [])]);
  for (const w of cmd.words.slice(0, at)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.value ?? '');
    if (m) names.add(m[1]!);
  }
  for (const w of cmd.words.slice(at + 1)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.value ?? w.raw);
    if (m) names.add(m[1]!);
  }
  return names;
}

export function markMakeOverrides(analysis: Analysis, fs: RepoFs): void {
  const byName = new Map<string, Set<Setup>>();
  for (const setup of analysis.setups) {
    if (!setup.runtime || setup.builder.stock || keepsBuilderImage(setup) || analysis.scripts.get(setup.script)?.kind !== 'make') continue;
    for (const w of flagValues(setup.builder.inv, '--tag')) {
      for (const m of w.raw.matchAll(MAKE_REFERENCE)) byName.set(m[1]!, (byName.get(m[1]!) ?? new Set()).add(setup));
    }
  }
  if (byName.size === 0) return;
  const names = [...byName.keys()];
  for (const rel of [...new Set([...analysis.files, ...(analysis.quiet ?? [])])].sort()) {
    const text = fs.peekText?.(rel) ?? fs.readText(rel);
    if (text === null || !text.includes('make') || !names.some((n) => text.includes(n))) continue;
    const script = callerScript(analysis, fs, rel, text);
    if (!script) continue;
    for (const cmd of script.commands) {
      const sets = makeSets(cmd);
      if (!sets) continue;
      for (const name of names.filter((n) => sets.has(n))) {
        for (const setup of byName.get(name)!) {
          if (keepsBuilderImage(setup)) continue;
          setup.builderTagUsedElsewhere = { file: cmd.file, line: cmd.line, text: shownCommand(cmd), via: `${name} set for the Makefile, which names the builder image otherwise than the file does` };
        }
      }
    }
  }
}
