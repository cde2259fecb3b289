/**
 * Several builders merged into one Dockerfile often begin alike: the same toolchain image,
 * the same WORKDIR, the same dependency download. When that common beginning provably builds
 * the same thing for each of them (same instructions in the same order, same context, same
 * ignore file, same build arguments and flags), it becomes one base stage they all start
 * FROM. Otherwise they are merged side by side, and the note says why.
 */
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import type { ParsedFlag } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import type { BuildStep } from '../model/setup.js';
import type { SharedBase } from '../../transforms/dockerfile-merge.js';
import { effectiveIgnoreFile } from './build-inputs.js';
import { valueKey } from './build-flags.js';
import { mayHoldHeredoc } from '../analyze/dockerfile-heredocs.js';

export interface GroupBuilder {
  facts: DockerfileFacts;
  build: BuildStep;
}

export interface SharedBaseDecision {
  base: SharedBase | null;
  /** One line for the plan: why there is a base stage, or why not. */
  note: string;
}

/** Flags that only name the builder build's own output: they do not change what its RUN lines see. */
const OUTPUT_ONLY = new Set(['--tag', '--file', '--target', '--quiet', '--iidfile']);

/** The instructions of the first stage, FROM included. */
function firstStage(facts: DockerfileFacts): Instruction[] {
  const stage = facts.stages[0];
  if (!stage) return [];
  return facts.instructions.filter((ins) => {
    const start = facts.lines.offsetAt(ins.getRange().start);
    return start >= stage.from.start && start < stage.end;
  });
}

/** What an instruction does, as comparable text: FROM without its stage name, others as written (keyword case aside). */
function key(facts: DockerfileFacts, ins: Instruction, isFrom: boolean): string {
  if (isFrom) {
    const st = facts.stages[0]!;
    return `FROM --platform=${st.platform ?? ''} ${st.image}`;
  }
  const start = facts.lines.offsetAt(ins.getRange().start);
  const end = facts.lines.offsetAt(ins.getRange().end);
  return ins.getKeyword() + facts.text.slice(start + ins.getKeyword().length, end);
}

/** The flags a build's RUN lines depend on, with the script variables they read, as one comparable string. */
function flagKey(b: BuildStep, text: string): string {
  const one = (f: ParsedFlag) => {
    const words = b.inv.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount);
    const vars = words.flatMap((w) => [...text.slice(w.start, w.end).matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => `${m[1]}=${b.inv.cmd.vars.get(m[1]!) ?? '?'}`));
    return `${f.name} ${valueKey(f)} ${vars.join(',')}`;
  };
  return JSON.stringify(b.inv.flags.filter((f) => !OUTPUT_ONLY.has(f.name)).map(one).sort());
}

export function decideSharedBase(builders: GroupBuilder[], scriptText: string, fs: RepoFs, name: string): SharedBaseDecision {
  const paths = builders.map((b) => b.facts.path).join(' and ');
  const none = (why: string): SharedBaseDecision => ({ base: null, note: `no shared base stage for ${paths}: ${why}` });

  // The longest run of identical instructions at the start of every first stage.
  const lists = builders.map((b) => firstStage(b.facts));
  let n = 0;
  let stop = '';
  while (lists.every((l) => n < l.length)) {
    const keys = new Set(lists.map((l, i) => key(builders[i]!.facts, l[n]!, n === 0)));
    if (keys.size > 1) break;
    const ins = lists[0]![n]!;
    const facts = builders[0]!.facts;
    const line = ins.getRange().start.line + 1;
    if (ins.getKeyword() === 'ARG') {
      stop = `; ARG at ${facts.path}:${line} would not reach stages built FROM a base, so it cannot be shared`;
      break;
    }
    if (ins.getKeyword() === 'ONBUILD') {
      stop = `; ONBUILD at ${facts.path}:${line} would fire in every stage built FROM a base, so it cannot be shared`;
      break;
    }
    if (mayHoldHeredoc(ins)) {
      stop = `; the here-document at ${facts.path}:${line} is not compared`;
      break;
    }
    // A stage reference in the shared part would have to be resolved in every file alike.
    const copy = facts.copies.find((c) => c.line === line && c.from);
    if (copy && builders.some((b) => /^\d+$/.test(copy.from!.value) || b.facts.stages.some((s) => s.name?.toLowerCase() === copy.from!.value.toLowerCase()))) {
      stop = `; the COPY --from at ${facts.path}:${line} names a stage`;
      break;
    }
    n++;
  }
  if (n === 0) return none(`they start FROM different images${stop}`);
  if (n === 1) return none(`only their FROM line is the same${stop}`);

  // The same instructions build the same layers only from the same inputs.
  const contexts = new Set(builders.map((b) => b.build.context));
  if (contexts.size > 1) return none(`their builds use different contexts (${builders.map((b) => b.build.context || '.').join(', ')}), so the same COPY lines read different files`);
  const ignores = builders.map((b) => effectiveIgnoreFile(b.build, fs));
  if (new Set(ignores.map((f) => (f === null ? null : fs.readText(f)))).size > 1) {
    return none(`their builds ignore files by ${ignores.map((f) => f ?? 'nothing').join(' and ')}, so the same COPY lines may read different files`);
  }
  const flags = builders.map((b) => flagKey(b.build, scriptText));
  if (new Set(flags).size > 1) {
    return none('their builds get different build arguments or flags, which the shared instructions could see');
  }
  return {
    base: { name, instructions: n },
    note: `the first ${n} instructions of ${paths} are the same, with the same context, ignore file and build arguments: they become one stage \`${name}\` that each builder starts FROM${stop}`,
  };
}
