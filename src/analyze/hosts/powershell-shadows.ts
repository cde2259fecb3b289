/**
 * Names a PowerShell script makes run something else than the program of that name. PowerShell
 * looks a command name up as an alias first, then a function, then a cmdlet, and only then a
 * program on PATH (any case), so `function docker { … }` or `Set-Alias docker podman` makes
 * every later `docker …` run that instead; so does such a definition in a file the script
 * dot-sources (`. ./helpers.ps1`: it runs in the script's scope), in a module it imports
 * (`Import-Module ./helpers.psm1`), or in text it runs with `Invoke-Expression`. The setups
 * whose steps run a name found here are refused (src/analyze/shadowed-commands.ts, COMMAND_SHADOWED).
 */
import path from 'node:path/posix';
import type { RepoFs } from '../../model/fs.js';
import { resolveRel } from '../../model/paths.js';
import type { TsNode } from '../tree-sitter.js';
import { argumentPieces, staticValue, unwrap, variableName } from './powershell-words.js';

const ALIAS_SETTERS = new Set(['set-alias', 'new-alias', 'sal', 'nal']);

export interface PsShadows {
  /** The names defined (lowercase): functions and aliases, each with what defines it (`a function build.ps1 defines`). */
  names: Map<string, string>;
  /** Why some name may be defined that the tool cannot tell (an alias by a computed name, a file it cannot read), or null. */
  unknown: string | null;
}

/**
 * The names `root` (the parse of `file`'s `text`) defines, and those of the files it dot-sources,
 * read from `cwd` (the folder the script runs in; null: only known at run time) with `fs`.
 * `parse` reads another file's text (null: it does not parse).
 */
export function psShadows(file: string, text: string, root: TsNode, cwd: string | null, fs: RepoFs | undefined, parse: (text: string) => TsNode | null, seen: Set<string> = new Set([file])): PsShadows {
  const out: PsShadows = { names: new Map(), unknown: null };
  const unknown = (why: string) => (out.unknown ??= why);
  for (const f of root.descendantsOfType('function_statement')) {
    const n = f.namedChildren.find((c) => c.type === 'function_name');
    // `function global:docker`, `function script:docker`: the scope goes, the name stays.
    const name = n ? text.slice(n.startIndex, n.endIndex).replace(/^[a-z]+:/i, '').toLowerCase() : null;
    if (name !== null && !out.names.has(name)) out.names.set(name, `a function ${file} defines`);
  }
  // `$env:PATH = "$PSScriptRoot\tools;" + $env:PATH`: a folder put first may hold a program of any name the steps run.
  for (const a of root.descendantsOfType('assignment_expression')) {
    const target = a.namedChildren[0] ? unwrap(a.namedChildren[0]) : null;
    const name = target && target.type === 'variable' ? variableName(text.slice(target.startIndex, target.endIndex)) : null;
    if (name !== null && name.toLowerCase() === 'env:path') unknown(`${file} sets $env:PATH (line ${text.slice(0, a.startIndex).split('\n').length}), which may put first a folder holding a program of that name`);
  }
  /**
   * `Import-Module ./build/helpers.psm1`: the module's functions and aliases are the session's
   * after it, as a dot-sourced file's are (read the same way); a module by its name (or a
   * manifest, a binary module, a path only known at run time) may define any name, except
   * PowerShell's own `Microsoft.PowerShell.*` modules.
   */
  const importedModule = (cmd: TsNode) => {
    const elements = cmd.namedChildren.find((c) => c.type === 'command_elements')?.namedChildren.filter((c) => c.type !== 'command_argument_sep') ?? [];
    const named = elements.findIndex((e) => /^-n(a(me?)?)?$/i.test(text.slice(e.startIndex, e.endIndex)));
    const arg = named >= 0 ? elements[named + 1] : elements.find((e) => !text.slice(e.startIndex, e.endIndex).startsWith('-'));
    const where = `${file} imports ${arg ? text.slice(arg.startIndex, arg.endIndex) : 'a module'} (line ${text.slice(0, cmd.startIndex).split('\n').length})`;
    const value = arg ? staticValue(argumentPieces(arg, text)) : null;
    if (value !== null && /^Microsoft\.PowerShell\.[A-Za-z.]+$/i.test(value)) return;
    if (arg === undefined || value === null && argumentPieces(arg, text)[0]?.kind !== 'self') {
      unknown(`${where}, a module the tool cannot read, whose commands may have any name`);
      return;
    }
    const rel = /\.psm1['"]?$/i.test(value ?? text.slice(arg.startIndex, arg.endIndex)) ? dotSourced(file, arg, text, cwd) : null;
    const other = rel !== null && fs ? fs.readText(rel) : null;
    const tree = other === null ? null : parse(other);
    if (rel === null || other === null || tree === null) {
      unknown(`${where}, a module the tool cannot read, whose commands may have any name`);
      return;
    }
    if (seen.has(rel)) return;
    const inner = psShadows(rel, other, tree, cwd, fs, parse, new Set([...seen, rel]));
    for (const [n, by] of inner.names) if (!out.names.has(n)) out.names.set(n, `${by} (imported by ${file})`);
    if (inner.unknown) unknown(inner.unknown);
  };
  for (const cmd of root.descendantsOfType('command')) {
    const nameNode = cmd.namedChildren.find((c) => c.type === 'command_name' || c.type === 'command_name_expr');
    if (!nameNode) continue;
    const isDotSourcing = cmd.namedChildren.some((c) => c.type === 'command_invokation_operator' && text.slice(c.startIndex, c.endIndex) === '.');
    if (isDotSourcing) {
      const where = `${file} dot-sources ${text.slice(nameNode.startIndex, nameNode.endIndex)}`;
      const target = dotSourced(file, nameNode, text, cwd);
      if (target === null || !fs) {
        unknown(`${where}, a file the tool cannot read (a path only known at run time, or outside the repository)`);
        continue;
      }
      const rel = target;
      if (seen.has(rel)) continue;
      const other = fs.readText(rel);
      const tree = other === null ? null : parse(other);
      if (other === null || tree === null) {
        unknown(`${where}, which the tool cannot read as PowerShell`);
        continue;
      }
      const inner = psShadows(rel, other, tree, cwd, fs, parse, new Set([...seen, rel]));
      for (const [n, by] of inner.names) if (!out.names.has(n)) out.names.set(n, `${by} (dot-sourced by ${file})`);
      if (inner.unknown) unknown(inner.unknown);
      continue;
    }
    const name = text.slice(nameNode.startIndex, nameNode.endIndex).toLowerCase();
    if (name === 'invoke-expression' || name === 'iex') {
      unknown(`${file} runs Invoke-Expression (line ${text.slice(0, cmd.startIndex).split('\n').length}), whose text may define a function of any name`);
      continue;
    }
    if (name === 'import-module' || name === 'ipmo') {
      importedModule(cmd);
      continue;
    }
    if (!ALIAS_SETTERS.has(name)) continue;
    // The alias's name: `-Name X`, or the first argument that is no parameter nor a parameter's value.
    const elements = cmd.namedChildren.find((c) => c.type === 'command_elements')?.namedChildren.filter((c) => c.type !== 'command_argument_sep') ?? [];
    const raw = (e: TsNode) => text.slice(e.startIndex, e.endIndex);
    let operand: TsNode | undefined;
    const positional: TsNode[] = [];
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!;
      if (!raw(e).startsWith('-')) positional.push(e);
      else if (/^-n(a(me?)?)?$/i.test(raw(e))) operand = elements[++i];
      // (-Value, -Description, -Option, -Scope take a value; -PassThru, -Force, -WhatIf, -Confirm none)
      else if (/^-(v|va|val|valu|value|d|de|des|desc\w*|o|op|opt\w*|s|sc|sco|scope)$/i.test(raw(e))) i++;
    }
    operand ??= positional[0];
    const alias = operand ? staticValue(argumentPieces(operand, text)) : null;
    if (alias === null) unknown(`${file} sets an alias by a name only known at run time (line ${text.slice(0, cmd.startIndex).split('\n').length})`);
    else if (!out.names.has(alias.toLowerCase())) out.names.set(alias.toLowerCase(), `an alias ${file} sets`);
  }
  return out;
}

/**
 * The repository path a dot-sourcing names, or null when the tool cannot tell: a bare path
 * (`. ./helpers.ps1`) from the folder the script runs in, one starting with `$PSScriptRoot`
 * (`. "$PSScriptRoot\\common.ps1"`) from the script's own folder; `\\` is a folder separator.
 */
function dotSourced(file: string, nameNode: TsNode, text: string, cwd: string | null): string | null {
  const inner = nameNode.type === 'command_name_expr' ? nameNode.namedChildren[0] ?? nameNode : nameNode;
  let from = cwd;
  let value: string | null;
  if (inner.type === 'command_name') value = text.slice(inner.startIndex, inner.endIndex);
  else {
    const pieces = argumentPieces(inner, text);
    if (pieces[0]?.kind === 'self') {
      from = path.dirname(file) === '.' ? '' : path.dirname(file);
      value = staticValue(pieces.slice(1));
      if (value !== null) value = `.${value}`;
    } else value = staticValue(pieces);
  }
  if (value === null || from === null) return null;
  const p = value.replace(/\\/g, '/');
  if (path.isAbsolute(p) || /^[A-Za-z]:/.test(p) || p.startsWith('~')) return null;
  const rel = resolveRel(from, p);
  return rel === '..' || rel.startsWith('../') ? null : rel;
}
