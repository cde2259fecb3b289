/**
 * Whether a command that stays in a setup's script after the extraction uses an extracted
 * artifact on the host, so the migrated build must still leave it there (an export stage,
 * src/plan/index.ts exportPlan).
 *
 * - A word naming the artifact, or a path inside it (`sha256sum app`, `cp out/app release/`),
 *   the program run included (`./app --version`).
 * - A command that reads a folder holding it or a pattern that may
 *   match it (`tar czf release.tgz .`, `cp -r out dist/`, `sha256sum *`), moves such a folder
 *   (`mv out dist`), hands it to a program the tool does not model (`./package.sh out`), or
 *   mounts it into a container (`docker run -v "$PWD":/w …`): the old run's folder held the
 *   artifact, the migrated run's does not.
 *
 * Removing such a folder (`rm -rf out`), making it, or changing modes, owners or times under it
 * is no use: without the artifact it does the same to the rest; nor is a listing of it printed
 * to the terminal (`ls -l out`, `du -sh .`), which succeeds either way (a pattern still counts:
 * one that matched only the artifact matches nothing, and the program fails). A container given a
 * host folder only known at run time counts (it may be this one), and so does a path only known
 * at run time that a host command reads or moves (`sha256sum "$BIN"`, `cp "$DIST"/app release/`,
 * `tar czf out.tgz -C "$OUT_DIR" .`, `[ -f "$BIN" ]`): it may be the artifact or a folder holding
 * it. A test's string operands are no paths (`[ -n "$PUBLISH" ]`, src/plan/test-operands.ts);
 * nor is a run-time word handed to a program the tool does not model (`git tag "$VERSION"`), or
 * the destination of a copy. A named volume (`-v cache:/root/.cache`) is no host folder.
 *
 * In the setup's own script, more counts (./later-uses.ts): what a script it runs or sources, or
 * a function it calls, does; and any program the tool does not model run where it may find it.
 */
import type { DockerInvocation } from '../model/docker-command.js';
import { shownCommand, type ScriptCommand, type Word } from '../model/script.js';
import type { Artifact } from '../model/setup.js';
import { mayNameFromAnywhere, resolveRel } from '../model/paths.js';
import { hostEffect, meets, TESTS, type HostEffect, type PathUse } from '../plan/host-commands.js';
import { mountHostSide } from '../plan/host-effects.js';

/** Programs whose writes to a folder holding the artifact only remove, make or re-mode what is there. */
const HARMLESS_OVER = new Set(['rm', 'rmdir', 'mkdir', 'touch', 'chmod', 'chown', 'chgrp']);

export interface ArtifactUse {
  /** The artifacts it may use: one it names or reaches, or every one for a path only known at run time. */
  artifacts: Artifact[];
  why: string;
}


export function artifactUse(cmd: ScriptCommand, inv: DockerInvocation | null, artifacts: readonly Artifact[]): ArtifactUse | null {
  if (cmd.cwd === null) return unknownFolderUse(cmd, inv, artifacts);
  const effect = inv ? null : hostEffect(cmd);
  if (effect) {
    // The program itself, when it is a path (`./relay --selftest`; a bare name is looked up on PATH).
    const program = cmd.words[0]?.value?.includes('/') ? cmd.words.slice(0, 1) : [];
    // A test names files only through its file operators (`[ "$MODE" = app ]` compares strings).
    const words = effect.program !== null && TESTS.has(effect.program) ? effect.reads.map((u) => u.word) : [...program, ...cmd.words.slice(1)];
    const paths = [...words, ...cmd.redirects.map((r) => r.target)].flatMap((w) => (w.value === null ? [] : [resolveRel(cmd.cwd!, w.value)]));
    const named = artifacts.filter((a) => paths.some((p) => p === a.hostPath || p.startsWith(`${a.hostPath}/`)));
    if (named.length > 0) return { artifacts: named, why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) uses it` };
  }
  const uses = inv ? mounts(inv, cmd) : broadUses(cmd, effect!);
  // A host folder only known at run time may hold any of them.
  const mounted = inv ? uses.find((u) => u.path === null) : undefined;
  if (mounted && artifacts.length > 0) return { artifacts: [...artifacts], why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) mounts a host folder only known at run time, which may hold it` };
  // Every artifact such a path reaches (`tar czf release.tgz .` packs all of them). The artifact
  // itself, or a path inside it, counts too: a mount of it, or an operand a host command reads
  // from another folder than its own (`tar -C out -czf app.tgz app` reads out/app), which the
  // words above, taken from the command's own folder, do not name.
  const met = artifacts.flatMap((a) => uses.map((u) => [a, meets(u, a.hostPath)] as const).filter(([, m]) => m !== null && m !== 'unknown').slice(0, 1));
  if (met.length > 0) {
    const m = met[0]![1];
    return { artifacts: met.map(([a]) => a), why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${inv ? (m === 'over' ? 'mounts the folder holding it' : 'mounts it') : m === 'glob' ? 'names it through a pattern' : m === 'over' ? 'reads the folder holding it' : 'reads it'}` };
  }
  return effect ? runTimeUse(cmd, effect, artifacts) : null;
}

/**
 * A command run from a folder only known at run time (after `cd "$RELEASE_DIR"`, or a function
 * that runs `cd`): a relative path it reads or moves (`tar czf app.tgz ../app`), or a host
 * folder it mounts, may be the artifact or a folder holding it.
 */
function unknownFolderUse(cmd: ScriptCommand, inv: DockerInvocation | null, artifacts: readonly Artifact[]): ArtifactUse | null {
  if (artifacts.length === 0) return null;
  if (inv) {
    const mounted = mounts(inv, cmd).find((u) => u.path === null);
    return mounted ? { artifacts: [...artifacts], why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) mounts ${mounted.word.raw} from a folder only known at run time, which may hold it` } : null;
  }
  const effect = hostEffect(cmd);
  const relative = (u: PathUse) => u.word.value === null || !/^[/~]/.test(u.word.value);
  const read = [...effect.reads, ...movedSources(cmd, effect)].find(relative);
  if (!read) return null;
  return { artifacts: [...artifacts], why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${effect.program === 'mv' ? 'moves' : 'reads'} ${read.word.raw} from a folder only known at run time, which may be it or a folder holding it` };
}

/**
 * A path only known at run time (`sha256sum "$BIN"`, `cp "$DIST"/app release/`, `tar -C "$OUT" .`)
 * that the command reads or moves may be any artifact or a folder holding it.
 */
function runTimeUse(cmd: ScriptCommand, effect: HostEffect, artifacts: readonly Artifact[]): ArtifactUse | null {
  const unknown = artifacts.length > 0 ? runTimeReads(cmd, effect) : null;
  if (!unknown) return null;
  return { artifacts: [...artifacts], why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${effect.program === 'mv' ? 'moves' : 'reads'} ${unknown.word.raw}, a path only known at run time, which may be it or a folder holding it` };
}

/** Programs that need what they are given to be there: they read it, or move it away (`mv "$OUT"/app dist/`). */
function runTimeReads(cmd: ScriptCommand, effect: HostEffect): PathUse | null {
  return [...effect.reads, ...movedSources(cmd, effect)].find((u) => u.path === null) ?? null;
}

/** The sources `mv SRC… DEST` moves away (none for `mv -t DEST SRC…`: the table then records no operand). */
function movedSources(cmd: ScriptCommand, effect: HostEffect): PathUse[] {
  const operands = effect.program === 'mv' ? effect.writes.filter((u) => cmd.words.indexOf(u.word) > effect.at) : [];
  return operands.slice(0, -1);
}

/**
 * A narrower reading for commands that only may run after the setup, in an order the file does
 * not fix (the other targets of its Makefile, the other scripts of its package.json): one that
 * reads the artifact, a folder holding it or a pattern over it, runs it, appends to it, or hands it to a
 * program the tool does not model uses it (handed a folder holding it, such a program is taken
 * to read its own files there: `go vet ./...`). One that only makes or writes that path
 * (`mkdir -p dist && cp -r src/. dist/` in a separate `build` script) builds its own files
 * there whether or not the image was built first, and is no use.
 */
export function artifactRead(cmd: ScriptCommand, inv: DockerInvocation | null, artifacts: readonly Artifact[]): ArtifactUse | null {
  if (cmd.cwd === null) return inv ? null : namedFromAnywhere(cmd, artifacts);
  if (inv) return artifactUse(cmd, inv, artifacts);
  // The program itself, also when the shell is replaced by it (`exec ./relay --listen :8080`).
  const first = cmd.words[0]?.value === 'exec' ? cmd.words[1] : cmd.words[0];
  const program = first?.value?.includes('/') ? first : null;
  const p = program?.value ? resolveRel(cmd.cwd, program.value) : null;
  const ran = p === null ? [] : artifacts.filter((a) => p === a.hostPath || p.startsWith(`${a.hostPath}/`));
  if (ran.length > 0) return { artifacts: ran, why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) runs it` };
  const grown = appendedTo(cmd, artifacts);
  if (grown.length > 0) return { artifacts: grown, why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) appends to it` };
  const effect = hostEffect(cmd);
  const reads = reportOnly(cmd, effect) ? effect.reads.filter((u) => u.glob) : effect.reads;
  // A program the tool does not model counts when it is handed the artifact itself; handed a
  // folder holding it (`go vet ./...`, `go build .`) it reads its own sources there.
  const handed = effect.mayTouch.filter((u) => artifacts.some((a) => { const m = meets(u, a.hostPath); return m === 'at' || m === 'under'; }));
  const met = artifacts.flatMap((a) => [...reads, ...handed].map((u) => [a, meets(u, a.hostPath)] as const).filter(([, m]) => m !== null && m !== 'unknown').slice(0, 1));
  if (met.length > 0) {
    const m = met[0]![1];
    return { artifacts: met.map(([a]) => a), why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) ${m === 'over' ? 'reads the folder holding it' : m === 'glob' ? 'names it through a pattern' : 'reads it'}` };
  }
  return runTimeUse(cmd, effect, artifacts);
}

/**
 * The artifacts an append redirect (`echo "# stamped" >> app`, `&>>`) extends, or writes a file
 * inside: it keeps what is there, so its result depends on the artifact being left (without it, a
 * stamp alone is written). A plain `>` writes the same whether or not it was there.
 */
function appendedTo(cmd: ScriptCommand, artifacts: readonly Artifact[]): Artifact[] {
  const targets = cmd.redirects.filter((r) => (r.op === '>>' || r.op === '&>>') && r.target.value !== null).map((r) => resolveRel(cmd.cwd!, r.target.value!));
  return artifacts.filter((a) => targets.some((p) => p === a.hostPath || p.startsWith(`${a.hostPath}/`)));
}

/**
 * A command run from a folder only known at run time (after an `eval` or a `cd "$DIR"` in a
 * script that may have run the setup's script in a way the tool cannot name, `sh -c "$CMD"`):
 * a relative path it is given that ends as the artifact's does (`sha256sum app`), or leads into
 * it or to a folder holding it, may be it. Only such a path counts (`cat config.json` does not).
 */
function namedFromAnywhere(cmd: ScriptCommand, artifacts: readonly Artifact[]): ArtifactUse | null {
  const effect = hostEffect(cmd);
  // What it reads, moves away or hands a program the tool does not model, and the program itself when it is a path.
  const program = cmd.words[0]?.value?.includes('/') ? [cmd.words[0]] : [];
  const words = [...program, ...[...effect.reads, ...movedSources(cmd, effect), ...effect.mayTouch].map((u) => u.word)];
  for (const w of words) {
    if (w.value === null || w.value.startsWith('-')) continue;
    const hit = artifacts.filter((a) => mayNameFromAnywhere(w.value!, a.hostPath));
    if (hit.length > 0) return { artifacts: hit, why: `\`${shownCommand(cmd)}\` (${cmd.file}:${cmd.line}) is given ${w.raw} from a folder only known at run time, which may be it or a folder holding it` };
  }
  return null;
}

/**
 * Programs that describe a folder they read (its listing, sizes, counts) and succeed whatever
 * it holds: printed to the terminal, their output is a report, not a result.
 */
const REPORTS = new Set(['ls', 'du', 'stat', 'file', 'wc', 'tree']);

/** A listing or size of what it reads, printed to the terminal: only a pattern in it still counts. */
const reportOnly = (cmd: ScriptCommand, effect: HostEffect) => effect.known && effect.program !== null && REPORTS.has(effect.program) && toTerminal(cmd);

/** Output that goes to the terminal (or nowhere): no file, pipe or variable receives it. */
export const toTerminal = (cmd: ScriptCommand) => cmd.stdout === null && cmd.redirects.every((r) => r.target.value === '/dev/null' || (r.op.includes('&') && /^[12]$/.test(r.target.value ?? '')));

/** What a host command reads, moves or hands to a program the tool does not model. */
function broadUses(cmd: ScriptCommand, effect: HostEffect): PathUse[] {
  if (reportOnly(cmd, effect)) return effect.reads.filter((u) => u.glob);
  const writes = effect.program !== null && HARMLESS_OVER.has(effect.program) ? [] : effect.writes;
  return [...effect.reads, ...effect.mayTouch, ...writes];
}

/** The host folders a container is given (`-v HOST:CTR`, `--mount type=bind,source=HOST`). */
function mounts(inv: DockerInvocation, cmd: ScriptCommand): PathUse[] {
  if (inv.verb !== 'run' && inv.verb !== 'create') return [];
  const out: PathUse[] = [];
  for (const f of inv.flags) {
    if ((f.name !== '--volume' && f.name !== '--mount') || !f.value) continue;
    // `"$PWD":/w`, `"$(pwd)/out":/out`: the folder the command runs in.
    const host = mountHostSide(f.name, f.value, cmd);
    if (host !== undefined) out.push({ path: host, glob: false, word: f.value });
  }
  return out;
}
