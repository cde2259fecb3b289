/**
 * Several builder builds whose artifacts feed the same runtime build (an API and a worker
 * compiled apart, copied into one image) form a group: their builders are merged into the
 * runtime Dockerfile together. Here: which setups form a group, the stage names that tell
 * their builders apart, the checks one build must pass where there were several, and the
 * cleanup commands only the whole group empties.
 */
import path from 'node:path/posix';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { imageKeyOf, wordKey } from '../analyze/extractions.js';
import { canonicalImage } from '../model/image-ref.js';
import { dockerInvocation, type DockerInvocation } from '../model/docker-command.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { keepsBuilderImage, type Setup } from '../model/setup.js';
import { buildArgName, declaredArgs, valueKey } from './build-flags.js';
import { addTo } from '../model/multimap.js';

/** Setups (in script order) that share one runtime build; only groups of two or more. */
export function runtimeGroups(setups: Setup[]): Setup[][] {
  const byRuntime = new Map<ScriptCommand, Setup[]>();
  for (const s of setups) {
    // A loop body serves several passes: its setups stay one per pass.
    if (!s.runtime || s.builder.inv.cmd.iteration) continue;
    addTo(byRuntime, s.runtime.inv.cmd, s);
  }
  return [...byRuntime.values()].filter((g) => g.length > 1);
}

/**
 * A stage name per builder: `<stage name>-<what tells the builder files apart>`
 * (Dockerfile.build-api → builder-api, services/api/Dockerfile.build → builder-api).
 */
export function groupStageNames(group: Setup[], stageName: string): string[] {
  const label = (file: string | null): string => {
    if (!file) return '';
    const own = path
      .basename(file)
      .toLowerCase()
      .replace(/^dockerfile[._-]?|[._-]?dockerfile$/g, '')
      .replace(/^build(er)?([._-]|$)|([._-]|^)build(er)?$/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    return own || path.basename(path.dirname(file)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  };
  const labels = group.map((s) => label(s.builder.dockerfile));
  return labels.map((l, i) => (l && labels.indexOf(l) === i && labels.lastIndexOf(l) === i ? `${stageName}-${l}` : `${stageName}-${i + 1}`));
}

/** Flags whose value applies to every stage of one build. */
const SCOPE_CHANGING = ['--platform', '--isolation', '--cgroup-parent'];
/** Flags that may differ between builds without changing a stage. */
const FREE = new Set(['--tag', '--file', '--target', '--quiet', '--build-arg', '--no-cache', '--pull', '--rm', '--force-rm', '--progress', '--cache-from', '--cache-to', '--label']);

/**
 * One build now passes what several passed: every builder must get the build arguments it got
 * before and no other, and flags that apply to every stage must agree.
 */
export function checkBuilderGroup(group: Setup[], facts: (s: Setup) => DockerfileFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const refuseAll = (code: 'ARG_CONFLICT' | 'ARG_LEAK' | 'FLAG_CONFLICT', message: string, at: DockerInvocation, hint: string) => {
    for (const s of group) out.push(diag(code, 'error', message, { file: at.cmd.file, line: at.cmd.line, setup: s.id, hint }));
  };
  const args = (inv: DockerInvocation) => new Map(inv.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));
  for (const [i, a] of group.entries()) {
    for (const b of group.slice(i + 1)) {
      // One builder file built twice goes in once: both builds must have read it alike.
      const own = (inv: DockerInvocation) => JSON.stringify(inv.flags.filter((f) => f.name !== '--tag' && f.name !== '--target').map((f) => `${f.name} ${valueKey(f)}`).sort());
      if (a.builder.dockerfile === b.builder.dockerfile && (a.builder.context !== b.builder.context || own(a.builder.inv) !== own(b.builder.inv))) {
        for (const s of group) out.push(diag('SHARED_DOCKERFILE', 'error', `${a.builder.dockerfile} is built twice with different contexts or flags, but goes into ${a.runtime!.dockerfile} once`, { file: b.builder.inv.cmd.file, line: b.builder.inv.cmd.line, setup: s.id, hint: 'Build it the same way both times (only --target and -t differing), or migrate these setups by hand.' }));
      }
      const aArgs = args(a.builder.inv);
      const bArgs = args(b.builder.inv);
      for (const [name, value] of aArgs) {
        if (bArgs.has(name) && bArgs.get(name) !== value) {
          refuseAll('ARG_CONFLICT', `--build-arg ${name} has different values in the builds of ${a.builder.dockerfile} and ${b.builder.dockerfile}, but the one merged build can only pass one`, b.builder.inv, `Give ${name} the same value in both builds, or rename it in one Dockerfile.`);
        }
      }
      for (const [from, to, fromArgs, toArgs] of [[a, b, aArgs, bArgs], [b, a, bArgs, aArgs]] as const) {
        for (const name of fromArgs.keys()) {
          if (!toArgs.has(name) && declaredArgs(facts(to)).has(name)) {
            refuseAll('ARG_LEAK', `--build-arg ${name} was given only to the build of ${from.builder.dockerfile}, but ${to.builder.dockerfile} declares ARG ${name}, which would now receive it`, from.builder.inv, 'Rename the ARG in one Dockerfile, or pass the same value to both builds.');
          }
        }
      }
      for (const f of a.builder.inv.flags) {
        if (FREE.has(f.name) || SCOPE_CHANGING.includes(f.name)) continue;
        const other = b.builder.inv.flags.filter((x) => x.name === f.name);
        if (other.length > 0 && !other.some((x) => valueKey(x) === valueKey(f))) {
          refuseAll('FLAG_CONFLICT', `${f.name} differs between the builds of ${a.builder.dockerfile} and ${b.builder.dockerfile}`, b.builder.inv, `Use the same ${f.name} for both builds, or migrate these setups by hand.`);
        }
      }
    }
  }
  // --platform and the like apply to every stage of the one build: all builds must have agreed.
  const runtime = group[0]!.runtime!.inv;
  for (const name of SCOPE_CHANGING) {
    const value = (inv: DockerInvocation) => inv.flags.filter((f) => f.name === name).map(valueKey).join(',');
    const odd = group.find((s) => value(s.builder.inv) !== value(runtime));
    if (odd) {
      refuseAll('FLAG_CONFLICT', `${name} is ${value(odd.builder.inv) || 'not given'} for the build of ${odd.builder.dockerfile} but ${value(runtime) || 'not given'} for the final build; one build applies one ${name} to every stage`, odd.builder.inv, `Pass the same ${name} to every build, or migrate these setups by hand.`);
    }
  }
  return out;
}

/** Commands whose every operand is some group member's artifact: together they empty it, so it goes whole. */
export function emptiedByGroup(group: Setup[]): ScriptCommand[] {
  const covered = new Map<ScriptCommand, Set<number>>();
  for (const s of group) for (const { cmd, word } of s.cleanupWords) covered.set(cmd, (covered.get(cmd) ?? new Set()).add(word));
  const out: ScriptCommand[] = [];
  for (const [cmd, words] of covered) {
    const operands = cmd.words.map((w, k) => ({ w, k })).filter(({ w, k }) => k > 0 && !(w.value ?? '-').startsWith('-'));
    if (operands.every(({ k }) => words.has(k))) out.push(cmd);
  }
  return out;
}

/**
 * `docker rmi api:build worker:build` after the final build removes the builder images of
 * several setups at once, so no one setup owns it; with every builder build gone it would
 * fail. It goes, or, when it removes other images too, loses the builder tags (unless a
 * builder image is kept for other uses).
 */
export function builderRmisOfGroup(group: Setup[], script: ScriptFile): { whole: ScriptCommand[]; words: { cmd: ScriptCommand; word: number }[] } {
  const out: ReturnType<typeof builderRmisOfGroup> = { whole: [], words: [] };
  if (group.some(keepsBuilderImage)) return out;
  const tags = new Set(group.flatMap((s) => s.builder.tags));
  const after = group[0]!.runtime!.inv.cmd.index;
  const owned = new Set(group.flatMap((s) => s.cleanup));
  for (const c of script.commands) {
    if (c.index <= after || owned.has(c)) continue;
    const inv = dockerInvocation(c);
    if (inv?.verb !== 'rmi' || inv.operands.length === 0) continue;
    const hits = inv.operands.filter((o) => tags.has(imageKeyOf(o.word)));
    if (hits.length === inv.operands.length) out.whole.push(c);
    else out.words.push(...hits.map((o) => ({ cmd: c, word: o.index })));
  }
  return out;
}
