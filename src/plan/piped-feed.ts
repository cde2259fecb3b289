/**
 * A command the migration removes may be fed through a pipe (`cat steps.sh | docker run …
 * IMG go build …`): half a pipe cannot be removed, so the producer goes with it when that is
 * exactly what removing `docker run … < steps.sh` does. That holds for a plain `cat FILE` of
 * a file in the repository: it only reads the file, and the pipeline's status is the last
 * command's. Any other producer (a program with effects of its own, a file that may be
 * missing) is named in the refusal.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';

export interface PipedFeeds {
  /** Indexes of the `cat FILE` commands that go with the commands they feed. */
  feeders: number[];
  diagnostics: Diagnostic[];
}

/** Why `producer` is not a plain `cat` of a repository file, or null when it is. */
function notPlainCat(producer: ScriptCommand, fs: RepoFs): string | null {
  const [program, file, ...more] = producer.words;
  if (program?.value !== 'cat' || !file || more.length > 0) return 'is not `cat` of one file';
  if (file.value === null) return `reads \`${file.raw}\`, a file only known when the script runs`;
  if (file.value.startsWith('-')) return 'is not `cat` of one file';
  if (producer.redirects.length > 0 || (producer.env?.size ?? 0) > 0 || producer.stdinFrom !== null) return 'has redirects, variables or input of its own';
  if (producer.cwd === null) return 'runs in a folder that is not known';
  const rel = resolveRel(producer.cwd, file.value);
  if (fs.kind(rel) !== 'file') return `reads ${rel}, which is no file of the repository`;
  return null;
}

/** The producers that go with the removed commands they feed, or the refusals of those that cannot. */
export function pipedFeeds(setup: Setup, script: ScriptFile, deletes: readonly number[], fs: RepoFs): PipedFeeds {
  const out: PipedFeeds = { feeders: [], diagnostics: [] };
  for (const i of deletes) {
    const cmd = script.commands[i]!;
    if (cmd.stdinFrom === null || deletes.includes(cmd.stdinFrom)) continue;
    const producer = script.commands[cmd.stdinFrom]!;
    const why = notPlainCat(producer, fs);
    const feed = [...producer.words.map((w) => w.raw), ...producer.redirects.map((r) => `${r.fd ?? ''}${r.op}${r.target.raw}`)].join(' ');
    if (why === null) out.feeders.push(producer.index);
    else
      out.diagnostics.push(
        diag('SCRIPT_EDIT_UNSAFE', 'error', `\`${shownCommand(cmd)}\` goes, but \`${feed}\` feeds it through a pipe and ${why}: only a plain \`cat FILE\` of a file in the repository goes with the command it feeds (it is then exactly \`< FILE\`)`, {
          file: setup.script,
          line: producer.line,
          setup: setup.id,
          hint: 'Feed the command from a file of the repository (`< FILE`) instead, or drop the pipe if the command does not read its input, then run the tool again.',
        }),
      );
  }
  return out;
}
