/**
 * Files the removed commands wrote through a redirect: `docker build … > build.log 2>&1`, `docker
 * run … go test ./... > report.txt`. The migrated script no longer writes them, so a command
 * that stays and reads one (`grep -c Step build.log`, `tar czf logs.tgz .`), or a CI key or step
 * of the same file taking it from the job's folder (`actions/upload-artifact` `path: build.log`),
 * would fail or read something else. Such a read refuses the setup (REMOVED_OUTPUT_USED), and a
 * removed command writing to a file only known at run time refuses it too, as what reads that
 * file cannot be told. A file nothing reads afterwards is simply no longer written.
 *
 * The artifact itself (`docker run IMG cat /app > app`) is the extraction's own output, checked
 * as the artifact; `/dev/null` and descriptor moves (`2>&1`) write no file.
 */
import { artifactUse } from '../analyze/host-uses.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation } from '../model/docker-command.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { readMeets, workspaceReads } from './workspace-reads/index.js';
import type { Artifact, Setup } from '../model/setup.js';

const shown = (cmd: ScriptCommand) => cmd.words.map((w) => w.raw).join(' ');

/** Redirect operators that write a file. */
const WRITES = new Set(['>', '>>', '>|', '&>', '&>>', '>&']);

interface Output {
  path: string | null;
  by: ScriptCommand;
  raw: string;
}

/** The files `cmd` writes through its redirects (null: a path only known at run time). */
function outputsOf(cmd: ScriptCommand, artifacts: readonly Artifact[]): Output[] {
  const out: Output[] = [];
  for (const r of cmd.redirects) {
    if (!WRITES.has(r.op)) continue;
    const v = r.target.value;
    // `>&2`, `2>&1`: a descriptor, no file.
    if (v !== null && (/^[0-9-]$/.test(v) || v === '/dev/null' || v === '/dev/stderr' || v === '/dev/stdout')) continue;
    const path = v === null || cmd.cwd === null ? null : resolveRel(cmd.cwd, v);
    if (path !== null && artifacts.some((a) => a.hostPath === path)) continue;
    out.push({ path, by: cmd, raw: `${r.op}${r.target.raw}` });
  }
  return out;
}

/**
 * The diagnostics for the setup's commands that stay after a removed command wrote a file:
 * `sequence` in the order the commands run, `removed` what the migration takes out.
 */
export function removedOutputUses(setup: Setup, sequence: readonly ScriptCommand[], removed: ReadonlySet<ScriptCommand>, script?: ScriptFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const outputs: Output[] = [];
  for (const cmd of sequence) {
    if (removed.has(cmd)) {
      for (const o of outputsOf(cmd, setup.artifacts)) {
        if (o.path !== null) {
          outputs.push(o);
          continue;
        }
        out.push(diag('REMOVED_OUTPUT_USED', 'error', `\`${shown(cmd)}\` (${cmd.file}:${cmd.line}) goes, and it wrote a file only known at run time (\`${o.raw}\`), which the migrated script no longer writes: what reads it cannot be told`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT }));
      }
      continue;
    }
    if (outputs.length === 0) continue;
    // A file read where it was written, or through a folder or pattern holding it, as an artifact is.
    const pseudo = outputs.map((o) => ({ hostPath: o.path! }) as Artifact);
    const use = artifactUse(cmd, dockerInvocation(cmd), pseudo);
    if (!use) continue;
    const o = outputs[pseudo.indexOf(use.artifacts[0]!)]!;
    out.push(diag('REMOVED_OUTPUT_USED', 'error', `${use.why.replace(/\bit$/, o.path!)}, but it was written by \`${shown(o.by)}\` (${o.by.file}:${o.by.line}), which the migration removes: the migrated script no longer writes it`, { file: cmd.file, line: cmd.line, setup: setup.id, hint: HINT }));
  }
  // A CI key or step that takes the file from the job's folder afterwards (`actions/upload-artifact` `path: build.log`).
  if (script) {
    for (const o of outputs) {
      const r = workspaceReads(script.kind, script.text).find((x) => readMeets(x, o.path!, o.by.words[0]!) !== null);
      if (!r) continue;
      const what = r.path === null ? `a path only known at run time, which may be ${o.path}` : r.path === o.path ? o.path! : `${r.path}, which holds ${o.path}`;
      out.push(diag('REMOVED_OUTPUT_USED', 'error', `${r.by} (${script.file}:${r.line}) reads ${what}, but it was written by \`${shown(o.by)}\` (${o.by.file}:${o.by.line}), which the migration removes: the migrated job no longer writes it`, { file: script.file, line: r.line, setup: setup.id, hint: HINT }));
    }
  }
  return out;
}

const HINT = 'Write that file from a command that stays (or stop reading it), then run the tool again; or migrate by hand.';
