/**
 * Declarative stages the migration may empty. Jenkins rejects a `steps {}` block without a step
 * and a `stages {}` block without a stage, so a stage whose `steps` hold nothing but the `sh`
 * steps the migration removes goes whole with them: its `sh` snippets share the stage as their
 * host item (Snippet.host). That is exact only for a stage that does nothing but run those
 * steps: one with any other section (`agent` other than `none`, `environment`, `options`,
 * `tools`, `post`, `when`, `input`, `parallel`, nested `stages`…) would take that along, and
 * is refused when it would be left empty, as is emptying every stage of a `stages` block.
 */
import type { Edit } from '../../model/edits.js';
import type { Snippet, SnippetHost } from '../embedded.js';
import type { TsNode } from '../tree-sitter.js';

const HINT = 'Move the setup\'s `sh` steps into a stage that keeps a step of its own, or migrate this pipeline by hand.';

const isComment = (n: TsNode) => n.type === 'line_comment' || n.type === 'block_comment';

/** The call a statement is (`sh '…'`, `steps { … }`), or null. */
function callOf(s: TsNode): TsNode | null {
  const e = s.type === 'expression_statement' ? s.namedChildren[0] : s;
  return e && (e.type === 'method_invocation' || e.type === 'juxt_function_call') ? e : null;
}

function nameOf(call: TsNode, text: string): string | null {
  if (call.childForFieldName('object')) return null;
  const name = call.childForFieldName('name');
  return name ? text.slice(name.startIndex, name.endIndex) : null;
}

function closureOf(call: TsNode): TsNode | null {
  const body = call.childForFieldName('body');
  if (body) return body;
  const args = call.childForFieldName('arguments') ?? call.childForFieldName('args');
  const last = args?.namedChildren[args.namedChildren.length - 1];
  return last?.type === 'closure' ? last : null;
}

/** `agent none` (which the grammar reads as a declaration of `none` typed `agent`). */
function isAgentNone(s: TsNode, text: string): boolean {
  if (s.type !== 'local_variable_declaration') return false;
  const type = s.childForFieldName('type');
  const declarators = s.childrenForFieldName('declarator');
  const name = declarators.length === 1 ? declarators[0]!.childForFieldName('name') : null;
  return !!type && !!name && declarators[0]!.namedChildren.length === 1 && text.slice(type.startIndex, type.endIndex) === 'agent' && text.slice(name.startIndex, name.endIndex) === 'none';
}

/** What a section of a stage is called, for messages (`options`, `agent`, `post`). */
function sectionName(s: TsNode, text: string): string {
  const call = callOf(s);
  if (call) return nameOf(call, text) ?? text.slice(call.startIndex, call.endIndex).split(/[\s({]/, 1)[0]!;
  return text.slice(s.startIndex, s.endIndex).split(/\s/, 1)[0]!;
}

export interface StageReading {
  text: string;
  lineOf: (offset: number) => number;
  /** The snippet a statement-level step (`sh '…'`, `docker.build(…)`) gave, by the call's start offset. */
  snippetAt: ReadonlyMap<number, number>;
  snippets: readonly Snippet[];
  /** Edits removing a statement's whole lines, or null when other text shares them. */
  removal: (stmt: TsNode) => Edit[] | null;
}

/** Gives the `sh` snippets of every declarative stage that holds only them the stage as host item. */
export function markStageHosts(root: TsNode, r: StageReading): void {
  const { text } = r;
  for (const stagesCall of root.descendantsOfType('method_invocation')) {
    if (nameOf(stagesCall, text) !== 'stages') continue;
    const block = closureOf(stagesCall);
    if (!block) continue;
    const stages = block.namedChildren.filter((s) => !isComment(s));
    const within = { size: stages.length, error: `every stage of the \`stages\` block at line ${r.lineOf(stagesCall.startIndex)} would be left without a step, and Jenkins rejects a \`stages\` block without a stage`, hint: HINT };
    for (const stage of stages) {
      const call = callOf(stage);
      const body = call && nameOf(call, text) === 'stage' ? closureOf(call) : null;
      if (!call || !body) continue;
      const sections = body.namedChildren.filter((s) => !isComment(s));
      const steps = sections.filter((s) => callOf(s) !== null && nameOf(callOf(s)!, text) === 'steps');
      const stepsBody = steps.length === 1 ? closureOf(callOf(steps[0]!)!) : null;
      if (!stepsBody) continue;
      const ids: number[] = [];
      for (const s of stepsBody.namedChildren) {
        if (isComment(s)) continue;
        const id = callOf(s) ? r.snippetAt.get(callOf(s)!.startIndex) : undefined;
        if (id === undefined) {
          ids.length = 0;
          break;
        }
        ids.push(id);
      }
      if (ids.length === 0) continue;
      const name = call.childForFieldName('arguments')?.namedChildren[0];
      const label = `the stage ${name ? text.slice(name.startIndex, name.endIndex) : ''} (line ${r.lineOf(call.startIndex)})`.replace('stage  (', 'stage (');
      const others = sections.filter((s) => s !== steps[0] && !isAgentNone(s, text));
      let remove: SnippetHost['remove'];
      if (others.length > 0) {
        remove = { error: `${label} would be left without a step, which Jenkins rejects, and removing it would also remove its ${[...new Set(others.map((s) => `\`${sectionName(s, text)}\``))].join(', ')}`, hint: HINT };
      } else {
        remove = r.removal(stage) ?? { error: `${label} would be left without a step, which Jenkins rejects, and it shares its lines with other text, so it cannot be removed whole`, hint: 'Write the stage on lines of its own, then run the tool again.' };
      }
      const host: SnippetHost = { size: ids.length, remove, within };
      for (const id of ids) r.snippets[id]!.host = host;
    }
  }
}
