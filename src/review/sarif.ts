/**
 * `--format sarif` (with --check or --dry-run): a SARIF 2.1.0 log for code scanning. One rule
 * per diagnostic code (its meaning and what to do), plus BUILDER_PATTERN for a setup that can
 * be migrated; results with file and line; a migratable setup's planned edits as a SARIF fix
 * (text replacements in the files it updates; a deleted file is named in the fix's
 * description, since SARIF replacements cannot delete a file).
 */
import { structuredPatch } from 'diff';
import { CODES, type Code, type Diagnostic } from '../model/diagnostics.js';
import { shown, type RootRun } from '../pipeline.js';
import type { FileChange, SetupPlan } from '../plan/index.js';
import { codeHelp, plain } from './diagnostic-help.js';
import type { SetupOutcome } from './report.js';
import { reviewUnits } from './units.js';

export const SETUP_RULE = 'BUILDER_PATTERN';

/** The parts of the SARIF 2.1.0 object model this log uses (names as in the specification). */
namespace Sarif {
  export interface Message { text: string; markdown?: string }
  export interface ReportingDescriptor { id: string; name: string; shortDescription: Message; fullDescription?: Message; help: Message; defaultConfiguration?: { level: Result.level } }
  export interface ArtifactLocation { uri: string; uriBaseId?: string }
  export interface Location { physicalLocation: { artifactLocation: ArtifactLocation; region?: { startLine: number } } }
  export interface Replacement { deletedRegion: { charOffset: number; charLength: number }; insertedContent?: { text: string } }
  export interface Fix { description: Message; artifactChanges: { artifactLocation: ArtifactLocation; replacements: Replacement[] }[] }
  export interface Result { ruleId: string; ruleIndex: number; level: Result.level; message: Message; locations?: Location[]; fixes?: Fix[] }
  export namespace Result {
    export type level = 'none' | 'note' | 'warning' | 'error';
  }
  export interface Log {
    $schema: string;
    version: '2.1.0';
    runs: { tool: { driver: { name: string; version: string; semanticVersion: string; rules: ReportingDescriptor[] } }; invocations?: Invocation[]; columnKind: 'utf16CodeUnits'; results: Result[] }[];
  }
  /** A run that stopped before it looked at the tree: why, so a consumer does not read "no results" as "nothing found". */
  export interface Invocation { executionSuccessful: boolean; toolExecutionNotifications?: { level: Result.level; message: Message }[] }
}

const LEVEL: Record<Diagnostic['severity'], Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note' };

function rules(): Sarif.ReportingDescriptor[] {
  const setupRule: Sarif.ReportingDescriptor = {
    id: SETUP_RULE,
    name: 'BuilderPattern',
    shortDescription: { text: 'A Docker builder-pattern setup that can be migrated to one multi-stage Dockerfile.' },
    help: {
      text: 'Run multistage-codemod (or apply the fix) to merge the builder into the runtime Dockerfile and rewrite the script.',
      markdown: 'Run `multistage-codemod` (or apply the fix) to merge the builder into the runtime Dockerfile and rewrite the script.',
    },
    defaultConfiguration: { level: 'warning' },
  };
  const coded = (Object.keys(CODES) as Code[]).map((code): Sarif.ReportingDescriptor => {
    const h = codeHelp(code);
    return {
      id: code,
      name: code
        .toLowerCase()
        .split('_')
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join(''),
      shortDescription: { text: CODES[code] },
      fullDescription: { text: plain(h.meaning), markdown: h.meaning },
      help: h.todo ? { text: plain(h.todo), markdown: h.todo } : { text: CODES[code] },
    };
  });
  return [setupRule, ...coded];
}

/**
 * Where a file is: a URI reference relative to the folder the tool ran in (%SRCROOT%, each
 * segment percent-encoded), or a file: URI when the root was given as an absolute path.
 */
function artifact(run: Pick<RootRun, 'display'>, rel: string): Sarif.ArtifactLocation {
  const p = shown(run, rel);
  const encoded = p.split('/').map(encodeURIComponent).join('/');
  return p.startsWith('/') ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: '%SRCROOT%' };
}

function location(run: Pick<RootRun, 'display'>, file: string, line: number | undefined): Sarif.Location {
  return { physicalLocation: { artifactLocation: artifact(run, file), ...(line ? { region: { startLine: line } } : {}) } };
}

/** An update as replacements: each changed run of lines, by character offsets into the old text. */
function replacements(change: FileChange): Sarif.Replacement[] {
  const before = change.before ?? '';
  const after = change.after ?? '';
  const lineStarts = [0];
  for (let i = 0; i < before.length; i++) if (before[i] === '\n') lineStarts.push(i + 1);
  const offsetOfLine = (n: number) => (n - 1 < lineStarts.length ? lineStarts[n - 1]! : before.length);
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context: 0 });
  return patch.hunks.map((h) => {
    // oldStart is the first line replaced, or (with no old lines) the line the new ones go before.
    const start = offsetOfLine(h.oldStart);
    const end = offsetOfLine(h.oldStart + h.oldLines);
    const added = h.lines.filter((l) => l.startsWith('+'));
    let text = added.map((l) => `${l.slice(1)}\n`).join('');
    // "\ No newline at end of file" after an added line: the new text ends without one.
    if (h.lines.some((l, i) => l.startsWith('\\') && h.lines[i - 1]?.startsWith('+'))) text = text.slice(0, -1);
    return { deletedRegion: { charOffset: start, charLength: end - start }, ...(text ? { insertedContent: { text } } : {}) };
  });
}

function fixOf(run: RootRun, changes: FileChange[]): Sarif.Fix {
  const deleted = changes.filter((c) => c.action === 'delete').map((c) => shown(run, c.path));
  const updated = changes.filter((c) => c.action !== 'delete');
  return {
    description: { text: `Migrate to one multi-stage build: ${updated.map((c) => `${c.action === 'create' ? 'create' : 'edit'} ${shown(run, c.path)}`).join(', ')}${deleted.map((p) => `; delete ${p}`).join('')}.` },
    artifactChanges: updated.map((c) => ({ artifactLocation: artifact(run, c.path), replacements: replacements(c) })),
  };
}

/** The line of the builder build: a setup's id is `script:line`, then a loop pass's label if any. */
function builderLine(setup: SetupPlan): number | undefined {
  const m = /^:(\d+)/.exec(setup.id.slice(setup.script.length));
  return m ? Number(m[1]) : undefined;
}

export function sarifLog(outcomes: SetupOutcome[], globalDiags: { run: Pick<RootRun, 'display'>; d: Diagnostic }[], version: string, stopped?: string): Sarif.Log {
  const ruleList = rules();
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = [];
  const diagResult = (run: Pick<RootRun, 'display'>, d: Diagnostic): Sarif.Result => ({
    ruleId: d.code,
    ruleIndex: index.get(d.code)!,
    level: LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}\nHint: ${d.hint}` : d.message },
    ...(d.file ? { locations: [location(run, d.file, d.line)] } : {}),
  });
  const fixed = new Set<SetupPlan>();
  const unitsByRun = new Map<RootRun, ReturnType<typeof reviewUnits>>();
  for (const { run, setup } of outcomes) {
    if (setup.status === 'migrate') {
      const units = unitsByRun.get(run) ?? reviewUnits(run.plan);
      unitsByRun.set(run, units);
      const unit = units.find((u) => u.setups.includes(setup));
      const fix = unit && !unit.setups.some((s) => fixed.has(s)) ? fixOf(run, unit.changes) : null;
      fixed.add(setup);
      const target = setup.finalTags[0] ? ` (${setup.finalTags[0]})` : '';
      results.push({
        ruleId: SETUP_RULE,
        ruleIndex: 0,
        level: 'warning',
        message: { text: `Builder pattern: ${setup.builderDockerfile ?? 'a builder image'} is built, its files copied out of a container and into ${setup.runtimeDockerfile ?? 'the runtime image'}${target}. It can be migrated to one multi-stage build.` },
        locations: [location(run, setup.script, builderLine(setup))],
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    for (const d of setup.diagnostics) results.push(diagResult(run, d));
  }
  for (const { run, d } of globalDiags) results.push(diagResult(run, d));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'multistage-codemod', version, semanticVersion: version, rules: ruleList } },
        ...(stopped !== undefined ? { invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error' as const, message: { text: stopped } }] }] } : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
