/**
 * One setup, several readings: a file whose commands run in several sequences (Make targets that
 * share prerequisites, Travis jobs that inherit one root phase, npm scripts that call each other)
 * links a setup once per sequence that runs its builder build, and the migration then edits the
 * one shared text for all of them. That is exact only when every sequence that reaches a runtime
 * build reads the setup the same way: the same runtime build, extraction, artifacts, cleanup,
 * builder-tag uses and run-time build. A sequence that reads it
 * differently (a job whose own phase builds another runtime image from the artifact, or uses it
 * on the host afterwards) would be broken by an edit planned from another's reading, so the
 * setup is refused (SHARED_STEPS_DIFFER), naming the sequences that disagree; where they agree,
 * a refusal one of them found is the setup's. A sequence without
 * a runtime build (a Makefile `builder` target that `all` also runs) takes no part.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { resolveRel } from '../model/paths.js';
import { addTo } from '../model/multimap.js';

export interface Reading {
  /** The sequence's index, and what a user runs to run it (a target, a job), when it has a name. */
  sequence: number;
  entry: string | undefined;
  setup: Setup;
  /** The sequence's commands, in the order they run. */
  commands: readonly ScriptCommand[];
}

/** What the migration of a setup depends on, as text two readings can be compared by (`needs`: whether the host's use of an artifact counts). */
function shape(s: Setup, needs = true): string {
  const at = (c: ScriptCommand) => c.index;
  return JSON.stringify({
    builder: [s.builder.tags, s.builder.dockerfile, s.builder.context, s.builder.target, s.builder.stock ?? null],
    runtime: s.runtime ? [at(s.runtime.inv.cmd), s.runtime.dockerfile, s.runtime.context, s.runtime.target] : null,
    extraction: s.extraction.map(at),
    cleanup: s.cleanup.map(at),
    cleanupWords: s.cleanupWords.map((w) => [at(w.cmd), w.word]),
    tagUsers: s.builderTagUsers.map(at),
    run: s.run ? [s.run.command, s.run.entrypoint, s.run.env, s.run.workdir, at(s.run.at), s.run.prepare ?? null, s.run.user ?? null, s.run.asRoot ?? null, s.run.idle ?? null] : null,
    artifacts: s.artifacts.map((a) => [a.containerPath, a.hostPath, at(a.via.cmd), a.mode, a.contentsOnly, needs ? a.hostNeeded ?? null : null, (a.innerModes ?? []).map((m) => [m.path, m.mode, m.pending ?? [], m.throughUmask ?? false, at(m.cmd)]), a.consumers.map((c) => [c.dockerfile, c.copy, c.source, c.stagePath, c.within ?? null, c.folderOnly ?? false])]),
  });
}

/**
 * What to add to the chosen reading of a setup from its other readings that reach a runtime
 * build: a refusal when they read it differently; when they agree, the errors only some of
 * them found (a step of one job the tool does not read), since the edit reaches every job.
 */
export function fromOtherReadings(readings: readonly Reading[], chosen: Setup, sameTree = false): Diagnostic[] {
  const full = readings.filter((r) => r.setup.runtime !== null);
  if (full.length === 0) return [];
  const partial = readings.flatMap((r) => (r.setup.runtime === null ? hostUseAfter(r) : []));
  if (partial.length > 0) return [partial[0]!.refusal(full, chosen)];
  if (full.length < 2) return [];
  if (sameTree) shareHostNeeds(full, chosen);
  const differ = disagreement(full, chosen, !sameTree);
  if (differ) return [differ];
  const seen = new Set(chosen.diagnostics.map(key));
  const out: Diagnostic[] = [];
  for (const r of full) {
    for (const d of r.setup.diagnostics) {
      if (d.severity !== 'error' || seen.has(key(d))) continue;
      seen.add(key(d));
      out.push({ ...d, setup: chosen.id });
    }
  }
  return out;
}

/**
 * Entries run one after another in one working tree (Make targets, npm scripts): an artifact one
 * of them still uses on the host after the shared steps is written there by the export build for
 * all of them, as the extraction wrote it for all of them. So when the readings differ only in
 * that use, the chosen one takes the first use another reading found.
 */
function shareHostNeeds(full: readonly Reading[], chosen: Setup): void {
  if (new Set(full.map((r) => shape(r.setup, false))).size > 1) return;
  chosen.artifacts.forEach((a, k) => {
    if (a.hostNeeded) return;
    const other = full.find((r) => r.setup.artifacts[k]?.hostNeeded);
    if (other) a.hostNeeded = `${other.setup.artifacts[k]!.hostNeeded}, in ${nameOf(other)}`;
  });
}

const key = (d: Diagnostic) => `${d.code} ${d.file ?? ''}:${d.line ?? ''} ${d.message}`;

/**
 * A sequence that runs the shared builder steps with no runtime build (a Makefile `builder`
 * target) loses only what it made when they go, unless a later command of it uses an artifact
 * on the host (a Travis job that tests the binary): the migration would take it away there.
 */
function hostUseAfter(r: Reading): { refusal: (full: readonly Reading[], chosen: Setup) => Diagnostic }[] {
  const last = Math.max(...r.setup.extraction.map((c) => r.commands.indexOf(c)));
  if (last < 0) return [];
  const paths = r.setup.artifacts.map((a) => a.hostPath);
  const names = (c: ScriptCommand, v: string | null) => v !== null && c.cwd !== null && paths.some((p) => {
    const rel = resolveRel(c.cwd!, v);
    return rel === p || rel.startsWith(`${p}/`);
  });
  const user = r.commands.slice(last + 1).find((c) => !r.setup.cleanup.includes(c) && (c.words.some((w) => names(c, w.value)) || c.redirects.some((x) => names(c, x.target.value))));
  if (!user) return [];
  return [
    {
      refusal: (full, chosen) => {
        const builder = chosen.builder.inv.cmd;
        return diag(
          'SHARED_STEPS_DIFFER',
          'error',
          `the builder build \`${shownCommand(builder)}\` is shared by ${[...full, r].map(nameOf).join(', ')}: ${nameOf(r)} runs no runtime build after it but uses the artifact on the host (\`${shownCommand(user)}\`, line ${user.line}); removing the shared extraction for ${full.map(nameOf).join(', ')} would take the file away from it`,
          { file: builder.file, line: builder.line, setup: chosen.id, hint: HINT },
        );
      },
    },
  ];
}

const HINT = 'Give each job (or target) its own copy of the builder steps, or make them use the artifact the same way; or migrate by hand.';
const nameOf = (r: Reading) => (r.entry ? `\`${r.entry}\`` : `sequence ${r.sequence + 1}`);

function disagreement(full: readonly Reading[], chosen: Setup, needs: boolean): Diagnostic | null {
  const groups = new Map<string, Reading[]>();
  for (const r of full) {
    const k = shape(r.setup, needs);
    addTo(groups, k, r);
  }
  if (groups.size < 2) return null;
  const [a, b] = [...groups.values()].map((g) => g[0]!);
  const builder = chosen.builder.inv.cmd;
  return diag(
    'SHARED_STEPS_DIFFER',
    'error',
    `the builder build \`${shownCommand(builder)}\` is shared by ${full.map(nameOf).join(', ')}, which read the setup differently: ${differenceOf(a!, b!)}; one edit of the shared lines would change all of them, and it could be right for only some`,
    { file: builder.file, line: builder.line, setup: chosen.id, hint: HINT },
  );
}

/** The first part of two readings that differs, said in words. */
function differenceOf(ra: Reading, rb: Reading): string {
  const [a, b] = [ra.setup, rb.setup];
  const [na, nb] = [nameOf(ra), nameOf(rb)];
  const cmd = (c: ScriptCommand) => `\`${shownCommand(c)}\` (line ${c.line})`;
  if (a.runtime!.inv.cmd.index !== b.runtime!.inv.cmd.index) return `${na} builds the runtime image with ${cmd(a.runtime!.inv.cmd)}, ${nb} with ${cmd(b.runtime!.inv.cmd)}`;
  const needed = (s: Setup) => s.artifacts.find((x) => x.hostNeeded)?.hostNeeded ?? null;
  if (needed(a) !== needed(b)) {
    const [which, other, why] = needed(a) ? [na, nb, needed(a)] : [nb, na, needed(b)];
    return `${which} still needs the artifact on the host afterwards (${why}), ${other} does not`;
  }
  const lines = (cs: readonly ScriptCommand[]) => (cs.length === 0 ? 'no command' : `the commands on lines ${cs.map((c) => c.line).join(', ')}`);
  if (a.extraction.map((c) => c.index).join() !== b.extraction.map((c) => c.index).join()) return `the extraction is ${lines(a.extraction)} in ${na}, ${lines(b.extraction)} in ${nb}`;
  if (a.cleanup.map((c) => c.index).join() !== b.cleanup.map((c) => c.index).join()) return `the cleanup is ${lines(a.cleanup)} in ${na}, ${lines(b.cleanup)} in ${nb}`;
  if (a.builderTagUsers.map((c) => c.index).join() !== b.builderTagUsers.map((c) => c.index).join()) return `the builder image is used by its tag in ${lines(a.builderTagUsers)} in ${na}, ${lines(b.builderTagUsers)} in ${nb}`;
  return `${na} and ${nb} link its artifacts or build steps differently`;
}
