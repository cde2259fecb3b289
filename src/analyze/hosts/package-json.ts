/**
 * package.json host: every `scripts` entry is a snippet of shell (a JSON string). A script
 * runs from the package's folder; `npm run X` runs X (with its preX/postX) in its place, as do
 * `yarn run X`, `yarn X` and `pnpm run X` of a script without such hooks, so each script's
 * sequence expands the scripts it calls (a call passing the script arguments, `npm run X --
 * --flag`, stays a program the tool does not model: ./package-script-calls.ts).
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import { removeListItems, type ListSpans } from '../../model/list-items.js';
import type { ScriptCommand } from '../../model/script.js';
import { composeEmbedded, type EmbeddedScript, type Snippet } from '../embedded.js';
import { revivable } from '../../model/revivable.js';
import { calledScript, plainCall } from './package-script-calls.js';
import { packageHooks, type PackageHooks } from './package-hooks.js';
import { foreignScriptShell } from './npm-script-shell.js';

/** What a package none of whose scripts has a `preX`/`postX` hook reads as: nothing to run around them. */
const NO_HOOKS: PackageHooks = { byName: 'run', npm: 'run', runners: [] };
import type { RepoFs } from '../../model/fs.js';

/** Decodes a JSON string token, mapping every decoded character back to the file. */
export function decodeJsonString(text: string, offset: number, length: number): { value: string; toFile: number[] } {
  let value = '';
  const toFile: number[] = [];
  const end = offset + length - 1;
  for (let i = offset + 1; i < end; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      value += c;
      toFile.push(i);
      continue;
    }
    const n = text[i + 1]!;
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (n === 'u') {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      toFile.push(i);
      i += 5;
    } else {
      value += simple[n] ?? n;
      toFile.push(i);
      i += 1;
    }
  }
  toFile.push(end);
  return { value, toFile };
}

const encodeJson = (s: string) => JSON.stringify(s).slice(1, -1);
/** encodeJson, so that it can cross threads (model/revivable.ts). */
const jsonEncode = revivable('package-json.encode', () => encodeJson);

/**
 * The lifecycle scripts npm runs before it packs the package's folder into a tarball (npm's
 * scripts documentation: `prepare`, `prepublishOnly` and `prepack` before `npm pack` and
 * `npm publish`; `prepublish` did so before npm 7).
 */
export const PACK_HOOKS = ['prepublish', 'prepare', 'prepublishOnly', 'prepack'] as const;

/** The line of `offset` in `text`. */
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

export function parsePackageJson(file: string, text: string, fs?: RepoFs): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (!root || errors.length > 0) {
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as JSON; it was not analysed`, { file, hint: 'Fix the JSON (e.g. `node -e "require(\'./package.json\')"`), then run the tool again.' })] };
  }
  const scriptsNode = root.children?.find((p) => p.children?.[0]?.value === 'scripts')?.children?.[1];
  if (!scriptsNode || scriptsNode.type !== 'object') return { script: null, diagnostics: [] };
  // A `.npmrc` giving npm another shell for the scripts (./npm-script-shell.ts): not read as sh.
  const foreign = foreignScriptShell(file, fs);
  if (foreign) {
    const hint = 'Migrate the setups it drives by hand, or let its scripts run in sh or bash.';
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `${file} runs its scripts with \`${foreign.shell}\` (script-shell in ${foreign.npmrc}), a shell the tool does not read as sh; it was not analysed`, { file, hint })] };
  }
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const names: string[] = [];
  const snippets: Snippet[] = [];
  const props = scriptsNode.children ?? [];
  // The entries as a list: each goes with the comma that joined it (../../model/list-items.ts).
  const list: ListSpans = { open: scriptsNode.offset + 1, close: scriptsNode.offset + scriptsNode.length - 1, items: props.map((p) => [p.offset, p.offset + p.length] as const) };
  for (const [k, prop] of props.entries()) {
    const [key, value] = prop.children as [Node, Node];
    if (value.type !== 'string') continue;
    const name = String(key.value);
    const { value: shell, toFile } = decodeJsonString(text, value.offset, value.length);
    names.push(name);
    snippets.push({
      shell,
      toFile,
      encode: jsonEncode(),
      cwd: dir,
      vars: new Map(),
      remove: removeListItems(list, [k]),
      listItem: { list, index: k },
      label: `${file} script "${name}"`,
      entryNames: [name],
    });
  }
  const { script, diagnostics } = composeEmbedded(file, 'package-json', text, snippets, []);
  // Sequences: each script with its pre/post scripts where the package's manager runs them
  // (./package-hooks.ts), `npm run X` expanded in place (with X's own where npm runs them).
  const field = root.children?.find((p) => p.children?.[0]?.value === 'packageManager')?.children?.[1];
  // (only a package with a hook of one of its scripts needs to know: the hooks decide nothing else, and
  // finding the manager reads files up to the root)
  const paired = names.some((n) => names.includes(`pre${n}`) || names.includes(`post${n}`));
  const hooks = paired ? packageHooks(file, field?.type === 'string' ? String(field.value) : null, fs) : NO_HOOKS;
  const commandsOf = (i: number): ScriptCommand[] => {
    const part = script.parts.find((p) => p.snippet === snippets[i]);
    return part ? script.commands.slice(part.first, part.first + part.script.commands.length) : [];
  };
  const expand = (name: string, seen: Set<string>, hooked: boolean): ScriptCommand[] => {
    if (seen.has(name)) return [];
    const i = names.indexOf(name);
    if (i < 0) return [];
    const next = new Set(seen).add(name);
    const out: ScriptCommand[] = [];
    // (npm and yarn 1 run the hooks of the script they were asked for, not the hooks' own: `prepreimage` is not run by `npm run image`)
    if (hooked && names.includes(`pre${name}`)) out.push(...expand(`pre${name}`, next, false));
    for (const c of commandsOf(i)) {
      const called = plainCall(c, names, hooks.npm);
      if (called !== null && names.includes(called)) out.push(...expand(called, next, hooks.npm === 'run'));
      else out.push(c);
    }
    if (hooked && names.includes(`post${name}`)) out.push(...expand(`post${name}`, next, false));
    return out;
  };
  // Calls `npm run X`: recorded so that removing script X also removes its calls.
  for (const [i, name] of names.entries()) {
    snippets[i]!.callers = script.commands.filter((c) => calledScript(c, names) === name).map((c) => c.index);
  }
  // A hook is no entry of its own where the manager runs it with its script; where it may not, the script is read alone.
  const byName = hooks.byName === 'run';
  script.entries = names.filter((n) => !byName || !/^(pre|post)/.test(n) || !names.includes(n.replace(/^(pre|post)/, '')));
  script.sequences = script.entries.map((n) => expand(n, new Set(), byName));
  const hooked = byName ? script.entries.flatMap((n) => {
    const pre = names.includes(`pre${n}`) ? expand(`pre${n}`, new Set([n]), false) : [];
    const commands = [...pre, ...(names.includes(`post${n}`) ? expand(`post${n}`, new Set([n]), false) : [])];
    return commands.length > 0 ? [{ entry: n, commands, pre }] : [];
  }) : [];
  if (hooked.length > 0) script.hooked = { runners: hooks.runners, entries: hooked };
  // npm packs the package's folder after these hooks ran (`npm pack`, `npm publish`, and an
  // install from git): what they leave there goes into the package.
  const packed = PACK_HOOKS.filter((h) => names.includes(h)).map((hook) => ({ hook, line: lineAt(text, props[names.indexOf(hook)]!.offset), commands: expand(hook, new Set(), true) }));
  if (packed.length > 0) script.packHooks = packed;
  return { script, diagnostics };
}
