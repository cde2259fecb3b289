/**
 * The compose side of a plan: a setup whose builder was a compose service removes that
 * service from its compose file, unless anything left behind still names it.
 */
import type { Analysis } from '../analyze/index.js';
import { isExpanded, type ComposeOrigin } from '../analyze/compose.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { removeServices } from '../../transforms/compose.js';

export interface ComposeDraft {
  id: string;
  script: string;
  /** Indexes of the script's (expanded) commands the setup removes. */
  deletes: number[];
}

export interface ComposeFileChange {
  path: string;
  before: string;
  after: string | null;
  setups: string[];
}

/** The compose service a command was made from, or null for a command as written. */
export function composeOrigin(analysis: Analysis, cmd: ScriptCommand): ComposeOrigin | null {
  const script = analysis.scripts.get(cmd.file);
  return script && isExpanded(script) ? script.compose.origin[cmd.index] ?? null : null;
}

/** The parsed compose file `file` as the first script expanded from it holds it (no copy of the scripts per file). */
function composeFile(analysis: Analysis, file: string) {
  for (const s of analysis.scripts.values()) {
    const f = isExpanded(s) ? s.compose.files.get(file) : undefined;
    if (f) return f;
  }
  return undefined;
}

/** Subcommands that only stop or remove a service's containers: with the service gone, they go too. */
const CLEANUP = new Set(['rm', 'stop', 'kill']);

export interface ComposeCleanup {
  id: string;
  /** Index of the command in the (expanded) script. */
  index: number;
}

export function planCompose(drafts: readonly ComposeDraft[], analysis: Analysis): { changes: ComposeFileChange[]; cleanup: ComposeCleanup[] } | { refused: { id: string; diagnostic: Diagnostic }[] } {
  // Which services go, and for which setups.
  const removed = new Map<string, Map<string, string[]>>();
  for (const d of drafts) {
    const script = analysis.scripts.get(d.script);
    if (!script || !isExpanded(script)) continue;
    for (const i of d.deletes) {
      const o = script.compose.origin[i];
      if (!o) continue;
      const services = removed.get(o.file) ?? new Map<string, string[]>();
      services.set(o.service, [...new Set([...(services.get(o.service) ?? []), d.id])]);
      removed.set(o.file, services);
    }
  }
  if (removed.size === 0) return { changes: [], cleanup: [] };
  const refused: { id: string; diagnostic: Diagnostic }[] = [];
  const cleanup: ComposeCleanup[] = [];
  // Compose commands that stay, by the compose file they read: compose fails without it.
  const readers = new Map<string, ScriptCommand[]>();

  // A compose command that stays and names a service that goes would fail.
  for (const script of analysis.scripts.values()) {
    if (!isExpanded(script)) continue;
    const x = script.compose;
    const deleted = new Set(drafts.filter((d) => d.script === script.file).flatMap((d) => d.deletes));
    for (const [b, call] of x.calls) {
      const services = call.file ? removed.get(call.file) : undefined;
      if (!services) continue;
      const mine = x.baseIndex.flatMap((bb, k) => (bb === b ? [k] : []));
      if (mine.length > 0 && mine.every((k) => deleted.has(k))) continue;
      const cmd = x.base.commands[b]!;
      if (CLEANUP.has(call.subcommand) && call.named.length > 0 && call.named.every((n) => services.has(n)) && mine.length === 1) {
        for (const id of new Set(call.named.flatMap((n) => services.get(n)!))) if (drafts.find((d) => d.id === id)?.script === script.file) cleanup.push({ id, index: mine[0]! });
        if (cleanup.some((c) => c.index === mine[0])) continue;
      }
      readers.set(call.file!, [...(readers.get(call.file!) ?? []), cmd]);
      for (const n of call.named) {
        for (const id of services.get(n) ?? []) {
          refused.push({ id, diagnostic: diag('COMPOSE_SERVICE_USED', 'error', `\`${shownCommand(cmd)}\` still uses the compose service ${n}, which the migration removes from ${call.file}`, { file: cmd.file, line: cmd.line, setup: id, hint: 'Remove or change that command, or migrate by hand.' }) });
        }
      }
    }
  }
  if (refused.length > 0) return { refused };

  const changes: ComposeFileChange[] = [];
  for (const [file, services] of removed) {
    const compose = composeFile(analysis, file)!;
    const ids = [...new Set([...services.values()].flat())];
    const r = removeServices(compose, [...services.keys()]);
    if ('error' in r) {
      for (const id of ids) refused.push({ id, diagnostic: diag('COMPOSE_UNSUPPORTED', 'error', `cannot remove the builder service from ${file}: ${r.error}`, { file, setup: id, hint: 'Migrate this setup by hand.' }) });
      continue;
    }
    // `docker compose down` (ps, logs, config…) loads the project from the file, and fails once it is gone.
    const reader = r.after === null ? readers.get(file)?.[0] : undefined;
    if (reader) {
      for (const id of ids) refused.push({ id, diagnostic: diag('COMPOSE_SERVICE_USED', 'error', `\`${shownCommand(reader)}\` still reads ${file}, which the migration deletes (the builder was its only service): compose would stop with "no configuration file provided"`, { file: reader.file, line: reader.line, setup: id, hint: 'Remove that command if it is no longer needed, or migrate by hand.' }) });
      continue;
    }
    changes.push({ path: file, before: compose.text, after: r.after, setups: ids });
  }
  return refused.length > 0 ? { refused } : { changes, cleanup };
}
