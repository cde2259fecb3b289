/**
 * Interactive review (inquirer): setup by setup, its notes and diffs, then
 * yes / no / all / quit, or view the files as they would be. Nothing is written here:
 * the answers go back to the CLI, which writes only once the review is over.
 */
import { expand } from '@inquirer/prompts';
import { shown, type RootRun } from '../pipeline.js';
import type { SetupPlan } from '../plan/index.js';
import type { Colors } from './colors.js';
import { changesOf, describeSetup, renderDiffs } from './report.js';

export type Decision = 'yes' | 'no' | 'quit';

export class ReviewInterrupted extends Error {}

export async function reviewSetups(
  items: { run: RootRun; setup: SetupPlan }[],
  c: Colors,
  out: NodeJS.WritableStream,
): Promise<Map<SetupPlan, Decision>> {
  const decisions = new Map<SetupPlan, Decision>();
  let all = false;
  for (const [i, { run, setup }] of items.entries()) {
    if (all) {
      decisions.set(setup, 'yes');
      continue;
    }
    const changes = changesOf(run, setup);
    out.write(`\n${c.dim(`[${i + 1}/${items.length}]`)} ${describeSetup(run, setup, c)}\n\n${renderDiffs(run, changes, c)}\n`);
    for (;;) {
      let answer: string;
      try {
        answer = await expand({
          message: `Apply this setup (${changes.length} file change(s))?`,
          default: 'y',
          expanded: true,
          choices: [
            { key: 'y', name: 'yes: apply this setup', value: 'yes' },
            { key: 'n', name: 'no: skip this setup', value: 'no' },
            { key: 'a', name: 'all: apply this and every remaining setup', value: 'all' },
            { key: 'q', name: 'quit: stop now and write nothing', value: 'quit' },
            { key: 'v', name: 'view: show the resulting files in full', value: 'view' },
          ],
        });
      } catch (e) {
        if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError') throw new ReviewInterrupted();
        throw e;
      }
      if (answer === 'view') {
        for (const ch of changes) {
          out.write(`\n${c.bold(`${shown(run, ch.path)} (${ch.action === 'delete' ? 'deleted' : ch.action === 'create' ? 'new' : 'after the change'})`)}\n`);
          out.write(ch.after ?? c.dim('(the file is deleted)\n'));
        }
        continue;
      }
      if (answer === 'quit') {
        decisions.set(setup, 'quit');
        return decisions;
      }
      if (answer === 'all') all = true;
      decisions.set(setup, answer === 'no' ? 'no' : 'yes');
      break;
    }
  }
  return decisions;
}
