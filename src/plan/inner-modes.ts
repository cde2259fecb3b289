/**
 * `docker cp c:/out ./out`, then `chmod 0750 out/app` on the host, then `COPY out/ /opt/x/`:
 * the old image held /opt/x/app with mode 0750. Merged, the folder comes from the stage with
 * the builder's modes, so a `COPY --from=<stage> --chmod=0750 /out/app /opt/x/app` follows the
 * folder's line, the way a single extracted file gets `--chmod`. `--chmod` on a folder would
 * set the mode of everything in it, so each path must be proven a file in the builder stage
 * (./artifact-kind.ts); what cannot be written exactly is refused, naming the chmod. A symbolic
 * chmod (`chmod +x out/bin/app`) is written as the one mode it gives from every mode the stage
 * may give the file, as for a single extracted file (hostChmodFiles below).
 */
import path from 'node:path/posix';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Artifact, ArtifactConsumer, FolderFileChmod, Setup } from '../model/setup.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { trimTrailingSlashes } from '../model/text.js';
import { compiledFileModes, explainedKind } from './artifact-kind.js';
import { applyChmod } from '../analyze/chmod-mode.js';
import type { PassedArgs } from '../analyze/copy-variables.js';

export interface InnerMode {
  /** The file's path inside the builder stage, and where it is relative to the copied folder. */
  stagePath: string;
  within: string;
  mode: number;
}

const HINT = 'Do that chmod in the builder Dockerfile (a RUN after the build), then run the tool again.';

/** Why a path the merge would write with `--chmod` is refused: the stage does not prove it a file. */
const notAFile = (stagePath: string, k: { kind: string | null; why: string }) => `nothing proves ${stagePath} a file in the builder stage (${k.kind === 'folder' ? 'it is a folder' : k.why}), and \`COPY --chmod\` of a folder would set the mode of everything in it`;

/** The modes each consumer of a folder must set again, by consumer; refusals for what cannot be. */
export function innerModes(setup: Setup, builder: DockerfileFacts, builderStage: number, appended: readonly string[], runtime: DockerfileFacts, buildArgs: PassedArgs): { byConsumer: Map<ArtifactConsumer, InnerMode[]>; exported: Map<Artifact, InnerMode[]>; fileModes: Map<ArtifactConsumer, { mode: number; by: string }>; notes: string[]; diagnostics: Diagnostic[] } {
  const byConsumer = new Map<ArtifactConsumer, InnerMode[]>();
  const exported = new Map<Artifact, InnerMode[]>();
  const fileModes = new Map<ArtifactConsumer, { mode: number; by: string }>();
  const notes = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const a of setup.artifacts) {
    if (!a.innerModes?.length) continue;
    const refuse = (m: FolderFileChmod, why: string) => {
      // (one reason once: a symbolic mode's is the same for every line that copies the file)
      const message = `\`${shownChmod(m, a)}\` sets the mode of a file inside ${a.hostPath}, extracted from the builder, before the runtime build copies it: ${why}`;
      if (diagnostics.some((d) => d.message === message)) return;
      diagnostics.push(diag('HOST_POSTPROCESS', 'error', message, { file: m.cmd.file, line: m.cmd.line, setup: setup.id, hint: HINT }));
    };
    const folder = trimTrailingSlashes(a.containerPath) || '/';
    const query = (stagePath: string, copy: number) => ({ stagePath, builder, builderStage, appended, runtime, copy, hostBase: path.basename(stagePath), buildArgs });
    const oddPath = (m: { path: string }) => /[\s'"$`\\*?[]/.test(m.path) || m.path.includes(runtime.escape);
    /**
     * The mode the file must get at `stagePath`, read by COPY `copy`: the chmod's octal mode, once
     * the stage proves the path a file; null when COPY --from keeps the right mode without --chmod
     * (or after a refusal).
     */
    const modeAt = (m: FolderFileChmod, stagePath: string, copy: number, before = ''): number | null => {
      if (m.mode !== null) {
        const k = explainedKind(query(stagePath, copy));
        if (k.kind === 'file') return m.mode;
        refuse(m, `${before}${notAFile(stagePath, k)}`);
        return null;
      }
      const settled = symbolicResult(m.pending ?? [], compiledFileModes(query(stagePath, copy)), stagePath);
      if ('why' in settled) {
        refuse(m, `${before}${settled.why}, so \`COPY --from\` could not set the same mode`);
        return null;
      }
      notes.add(symbolicNote(m.cmd, m.pending?.length ?? 0, path.join(a.hostPath, m.path), settled));
      return settled.keep ? null : settled.mode;
    };
    // Still needed on the host: the export stage writes the folder, then each such file again with its mode.
    if (a.hostNeeded) {
      const list: InnerMode[] = [];
      for (const m of a.innerModes) {
        const stagePath = path.join(folder, m.path);
        if (oddPath(m)) refuse(m, `the path ${JSON.stringify(m.path)} holds characters the tool does not write into a Dockerfile`);
        else {
          const mode = modeAt(m, stagePath, -1, `${a.hostPath} is still needed on the host (${a.hostNeeded}), and `);
          if (mode !== null) list.push({ stagePath, within: m.path, mode });
        }
      }
      if (list.length > 0) exported.set(a, list);
    }
    for (const c of a.consumers) {
      const copy = runtime.copies[c.copy]!;
      // `COPY --chmod=0755 out/ …`: the line gives every file it copies that mode, whatever the host's chmod left.
      if (setsEveryMode(copy.otherFlags)) continue;
      const copied = trimTrailingSlashes(c.stagePath) || '/';
      const whole = c.within === undefined && copied === folder;
      const list: InnerMode[] = [];
      for (const m of a.innerModes) {
        const stagePath = path.join(folder, m.path);
        // A line that copies that very file (`COPY out/app /usr/local/bin/`) sets its mode itself with `--chmod`.
        if (c.within === undefined && copied === stagePath) {
          const mode = modeAt(m, stagePath, c.copy);
          if (mode !== null) fileModes.set(c, { mode, by: shownCommand(m.cmd) });
          continue;
        }
        // A part of the folder without the file is copied as the stage holds it.
        if (!whole && !(stagePath.startsWith(`${copied}/`) || copied === '/')) continue;
        if (!whole) refuse(m, `\`${copy.keyword} ${c.hostSource}\` (${runtime.path}:${copy.line}) copies part of it, and the tool only sets the mode again after a line that copies the whole folder`);
        else if (copy.sources.length !== 1) refuse(m, `\`${copy.keyword}\` (${runtime.path}:${copy.line}) copies other sources into the same place, which may land over it`);
        else if (oddPath(m)) refuse(m, `the path ${JSON.stringify(m.path)} holds characters the tool does not write into a Dockerfile`);
        else {
          const mode = modeAt(m, stagePath, c.copy);
          if (mode !== null) list.push({ stagePath, within: m.path, mode });
        }
      }
      if (list.length > 0) byConsumer.set(c, list);
    }
  }
  return { byConsumer, exported, fileModes, notes: [...notes], diagnostics };
}


/** The chmod as the refusal shows it: an octal mode spelt whole, a symbolic one as written (the first, when several ran). */
function shownChmod(m: FolderFileChmod, a: Artifact): string {
  return m.mode !== null ? `chmod ${m.mode.toString(8).padStart(3, '0')} ${path.join(a.hostPath, m.path)}` : shownCommand(m.cmd);
}

/**
 * What symbolic chmods (`+x`, `go-w`), applied in order, make of a file a compiler made in the
 * builder stage (0755 or 0644: ./artifact-kind.ts compiledFileModes): one mode from every mode
 * the stage may give it, `keep` when that is the stage's only mode (COPY --from keeps it), or
 * why not.
 */
function symbolicResult(pending: readonly string[], stage: { modes: number[] } | { why: string }, name: string): { mode: number; from: number[]; keep: boolean } | { why: string } {
  if ('why' in stage) return { why: `the tool cannot tell which mode the builder stage gives ${name} (${stage.why})` };
  const results = [...new Set(stage.modes.map((m) => pending.reduce<number | null>((x, p) => (x === null ? null : applyChmod(x, p)), m)))];
  const [only] = results;
  if (results.length !== 1 || only === null || only === undefined) return { why: `the result depends on which mode the builder stage gives it (a compiler's output is 0755 or 0644; here ${results.map((m) => (m === null ? '?' : m.toString(8))).join(' or ')})` };
  return { mode: only, from: stage.modes, keep: stage.modes.length === 1 && stage.modes[0] === only };
}

/** The plan's note for a symbolic chmod written as one mode (or left to COPY --from). */
function symbolicNote(cmd: ScriptCommand, chmods: number, shownPath: string, r: { mode: number; from: number[]; keep: boolean }): string {
  const shown = `\`${shownCommand(cmd)}\``;
  const many = chmods > 1;
  const from = r.from.map((x) => x.toString(8)).join(' or ');
  if (r.keep) return `${many ? `the chmods from ${shown} on leave` : `${shown} leaves`} ${shownPath} with the mode the builder stage gives it (${from}), which \`COPY --from\` keeps`;
  return `${many ? `the chmods from ${shown} on give` : `${shown} gives`} ${shownPath} mode ${r.mode.toString(8)} from ${r.from.length > 1 ? 'either mode' : 'the mode'} the builder stage can give it (${from}: a compiler's output, 0755 or 0644, after the stage's own chmods)`;
}

/**
 * `docker cp c:/out/app ./app`, then `chmod 0700 app` on the host, then `COPY app /usr/local/bin/`:
 * the old image held the file with mode 0700, and the merged COPY --from writes it with
 * `--chmod=700` (src/analyze/link.ts gave the artifact that mode). That is exact only for a file,
 * as `--chmod` on a folder sets the mode of everything in it: each copy of the artifact (and the
 * export stage's, when the host still needs it) must prove it a file in the builder stage,
 * unless the COPY line's own octal `--chmod` sets every mode anyway. Refusals, naming the chmod.
 */
export function hostChmodFiles(setup: Setup, builder: DockerfileFacts, builderStage: number, appended: readonly string[], runtime: DockerfileFacts, buildArgs: PassedArgs): { modes: Map<Artifact, number>; notes: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const modes = new Map<Artifact, number>();
  const notes: string[] = [];
  for (const a of setup.artifacts) {
    const cmd = a.modeSetBy;
    if (!cmd) continue;
    const shown = `\`${shownCommand(cmd)}\``;
    if (a.mode === null) {
      // `chmod +x app` after `docker cp`: the result of each mode the stage may give the file must be one mode.
      const pending = a.pendingModes ?? [];
      const k = builderStage < 0 ? { why: `the builder stage of ${builder.path} is not known` } : compiledFileModes({ stagePath: a.containerPath, builder, builderStage, appended, runtime, copy: a.consumers[0]?.copy ?? -1, hostBase: path.basename(a.hostPath), buildArgs });
      const settled = symbolicResult(pending, k, a.containerPath);
      if (!('why' in settled)) {
        notes.push(symbolicNote(cmd, pending.length, a.hostPath, settled));
        // The one mode the stage gives it already: COPY --from keeps it, with no --chmod.
        if (!settled.keep) modes.set(a, settled.mode);
        continue;
      }
      diagnostics.push(diag('HOST_POSTPROCESS', 'error', `${shown} changes the mode ${a.hostPath} had in the container, before the runtime build copies it: ${settled.why}, so \`COPY --from\` could not set the same mode`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: 'Give the file its whole mode with an octal chmod (`chmod 755 …`), or do that chmod in the builder Dockerfile; then run the tool again.' }));
      continue;
    }
    // Where a copy of it lands, the path in the stage and the COPY that reads it (-1: the export stage's).
    const reads = [...a.consumers.filter((c) => !setsEveryMode(runtime.copies[c.copy]!.otherFlags)).map((c) => ({ stagePath: c.stagePath, copy: c.copy })), ...(a.hostNeeded ? [{ stagePath: a.containerPath, copy: -1 }] : [])];
    for (const r of reads) {
      const stagePath = trimTrailingSlashes(r.stagePath) || '/';
      const k = builderStage < 0 ? { kind: null, why: `the builder stage of ${builder.path} is not known` } : explainedKind({ stagePath, builder, builderStage, appended, runtime, copy: r.copy, hostBase: path.basename(a.hostPath), buildArgs });
      if (k.kind === 'file') continue;
      diagnostics.push(diag('HOST_POSTPROCESS', 'error', `${shown} sets the mode of ${a.hostPath}, extracted from the builder, before the runtime build copies it: ${notAFile(stagePath, k)}`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT }));
      break;
    }
  }
  return { modes, notes, diagnostics };
}

/** An octal `--chmod` (not a symbolic one, which changes the mode the file had): every file the line copies gets it. */
function setsEveryMode(flags: readonly string[]): boolean {
  return flags.some((f) => /^--chmod=[0-7]{3,4}$/i.test(f));
}
