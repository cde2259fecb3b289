/**
 * analyze: parse each candidate script with its adapter, reduce it to the docker-command
 * model, and link setups. Pure over a RepoFs; nothing is executed or written.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import type { DockerfileFacts } from './dockerfile.js';
import { linkScript } from './link.js';
import { parseShell } from './shell.js';

export interface Analysis {
  scripts: Map<string, ScriptFile>;
  setups: Setup[];
  /** Diagnostics not tied to a setup (parse warnings, nothing found…). */
  diagnostics: Diagnostic[];
  dockerfiles: Map<string, DockerfileFacts | null>;
}

/** Which adapter reads a file, by name and first line. */
export function scriptKindOf(rel: string, text: string): 'shell' | null {
  if (/\.(sh|bash)$/i.test(rel)) return 'shell';
  const first = text.slice(0, 200).split(/\r?\n/, 1)[0] ?? '';
  if (/^#!.*\b(sh|bash|dash|ksh|zsh)\b/.test(first)) return 'shell';
  return null;
}

function setupCommands(s: Setup) {
  return [s.builder.inv.cmd, ...s.extraction, ...s.cleanup, ...(s.runtime ? [s.runtime.inv.cmd] : [])];
}

export function analyze(fs: RepoFs, files: readonly string[]): Analysis {
  const analysis: Analysis = { scripts: new Map(), setups: [], diagnostics: [], dockerfiles: new Map() };
  for (const rel of files) {
    const text = fs.readText(rel);
    if (text === null) {
      analysis.diagnostics.push(diag('READ_ERROR', 'warning', `cannot read ${rel}; it was skipped`, { file: rel }));
      continue;
    }
    // Cheap pre-filter: a script that never says docker cannot drive a setup.
    if (!text.includes('docker')) continue;
    if (scriptKindOf(rel, text) !== 'shell') continue;
    const { script, diagnostics } = parseShell(rel, text);
    if (!script) {
      analysis.diagnostics.push(...diagnostics);
      continue;
    }
    analysis.scripts.set(rel, script);
    const linked = linkScript(script, fs, analysis.dockerfiles);
    analysis.setups.push(...linked.setups);
    analysis.diagnostics.push(...linked.diagnostics);
    // A parse warning on a line a setup uses is shown with that setup.
    for (const d of diagnostics) {
      const owner = linked.setups.find((s) => setupCommands(s).some((c) => d.line !== undefined && c.line <= d.line && d.line <= script.lines.lineOf(Math.max(c.start, c.end - 1))));
      if (owner) owner.diagnostics.push({ ...d, setup: owner.id });
      else analysis.diagnostics.push(d);
    }
  }
  return analysis;
}
