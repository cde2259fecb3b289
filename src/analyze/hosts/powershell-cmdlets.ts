/**
 * The PowerShell cmdlets a build script uses around the builder pattern, as the shell commands
 * that do the same to files, so the host-effects pass and the folder tracking read them with
 * the shell's tables: `Remove-Item` is `rm` (`-Recurse` → `-r`, `-Force` → `-f`),
 * `New-Item -ItemType Directory` is `mkdir` (`-p` with `-Force`), `New-Item -ItemType File`
 * is `touch`, `Copy-Item` is `cp` (`-r`), `Move-Item` is `mv`, `Set-Location`/`cd` is `cd`,
 * `Push-Location`/`Pop-Location` are `pushd`/`popd`, `Test-Path` is `test -e`, `Get-Content`
 * is `cat`, `Write-Host`/`Write-Output` are `echo` and `Write-Error` is `echo … >&2`.
 *
 * Parameters are matched as PowerShell binds them (any case, any unique prefix). A parameter the
 * table does not know (`-Include`, `-WhatIf`, `-Credential`…) leaves the cmdlet unmodelled: it
 * is then a program the tool does not know, which may touch every path it is given.
 */
import type { TsNode } from '../tree-sitter.js';

export interface CmdletArgs {
  /** Parameters by full name (lower case): the value node, or null for a switch. */
  named: Map<string, TsNode | null>;
  positional: TsNode[];
}

interface Cmdlet {
  /** The shell program it reads as. */
  shell: (a: CmdletArgs) => { program: string; flags: string[]; operands: TsNode[]; stderr?: boolean } | null;
  /** Parameters (lower case) and whether they take a value. */
  params: Record<string, boolean>;
  positions: number;
}

/** Parameters every cmdlet takes that change nothing about the files it touches. */
const COMMON: Record<string, boolean> = { erroraction: true, warningaction: true, informationaction: true, verbose: false, debug: false, progressaction: true };

const paths = (a: CmdletArgs, literal = true): TsNode[] | null => {
  const p = a.named.get('path') ?? (literal ? a.named.get('literalpath') : undefined);
  if (a.named.has('path') && a.named.has('literalpath')) return null;
  if (p === null) return null;
  return p ? [p, ...a.positional] : a.positional;
};

/** Copy-Item / Move-Item: exactly one source and one destination, named or by position; null otherwise. */
function sourceAndDestination(a: CmdletArgs): [TsNode, TsNode] | null {
  const namedSource = a.named.has('path') || a.named.has('literalpath');
  const dest = a.named.get('destination') ?? (a.named.has('destination') ? null : a.positional[namedSource ? 0 : 1]);
  const src = a.named.get('path') ?? a.named.get('literalpath') ?? (a.named.has('path') ? null : a.positional[0]);
  const count = (a.named.has('destination') ? 1 : 0) + (namedSource ? 1 : 0) + a.positional.length;
  return src && dest && count === 2 ? [src, dest] : null;
}

const CMDLETS: Record<string, Cmdlet> = {
  'remove-item': {
    params: { path: true, literalpath: true, recurse: false, force: false },
    positions: 1,
    shell: (a) => {
      const ps = paths(a);
      if (!ps || ps.length !== 1) return null;
      return { program: 'rm', flags: [...(a.named.has('recurse') ? ['-r'] : []), ...(a.named.has('force') ? ['-f'] : [])], operands: ps };
    },
  },
  'new-item': {
    params: { path: true, itemtype: true, type: true, force: false },
    positions: 1,
    shell: (a) => {
      const ps = paths(a, false);
      const type = a.named.get('itemtype') ?? a.named.get('type');
      if (!ps || ps.length !== 1 || !type) return null;
      return { program: 'new-item', flags: a.named.has('force') ? ['-p'] : [], operands: ps };
    },
  },
  'copy-item': {
    params: { path: true, literalpath: true, destination: true, recurse: false, force: false },
    positions: 2,
    shell: (a) => {
      const pair = sourceAndDestination(a);
      return pair && { program: 'cp', flags: a.named.has('recurse') ? ['-r'] : [], operands: pair };
    },
  },
  'move-item': {
    params: { path: true, literalpath: true, destination: true, force: false },
    positions: 2,
    shell: (a) => {
      const pair = sourceAndDestination(a);
      return pair && { program: 'mv', flags: [], operands: pair };
    },
  },
  'set-location': {
    params: { path: true, literalpath: true },
    positions: 1,
    shell: (a) => {
      const ps = paths(a);
      return ps && ps.length === 1 ? { program: 'cd', flags: [], operands: ps } : null;
    },
  },
  'push-location': {
    params: { path: true, literalpath: true },
    positions: 1,
    shell: (a) => {
      const ps = paths(a);
      return ps && ps.length <= 1 ? { program: 'pushd', flags: [], operands: ps } : null;
    },
  },
  'pop-location': { params: {}, positions: 0, shell: () => ({ program: 'popd', flags: [], operands: [] }) },
  'test-path': {
    params: { path: true, literalpath: true, pathtype: true },
    positions: 1,
    shell: (a) => {
      const ps = paths(a);
      return ps && ps.length === 1 && !a.named.has('pathtype') ? { program: 'test', flags: ['-e'], operands: ps } : null;
    },
  },
  'get-content': {
    params: { path: true, literalpath: true, raw: false },
    positions: 1,
    shell: (a) => {
      const ps = paths(a);
      return ps && ps.length === 1 ? { program: 'cat', flags: [], operands: ps } : null;
    },
  },
  'write-host': { params: { nonewline: false, foregroundcolor: true, backgroundcolor: true, separator: true, object: true }, positions: 99, shell: (a) => ({ program: 'echo', flags: [], operands: a.positional }) },
  'write-output': { params: { inputobject: true, noenumerate: false }, positions: 99, shell: (a) => ({ program: 'echo', flags: [], operands: a.positional }) },
  'write-error': { params: { message: true }, positions: 1, shell: (a) => ({ program: 'echo', flags: [], operands: a.named.get('message') ? [a.named.get('message')!] : a.positional, stderr: true }) },
};

/**
 * Aliases PowerShell has on every platform. `rm`, `cp`, `mv`, `cat`, `ls`, `mkdir` and `rmdir`
 * are aliases on Windows only (elsewhere they run the native programs, with other parameters):
 * they are left as programs the tool does not model.
 */
const ALIASES: Record<string, string> = {
  cd: 'set-location',
  sl: 'set-location',
  chdir: 'set-location',
  pushd: 'push-location',
  popd: 'pop-location',
  del: 'remove-item',
  erase: 'remove-item',
  ri: 'remove-item',
  rd: 'remove-item',
  ni: 'new-item',
  copy: 'copy-item',
  cpi: 'copy-item',
  move: 'move-item',
  mi: 'move-item',
  gc: 'get-content',
  type: 'get-content',
  echo: 'write-output',
  write: 'write-output',
};

/** Names that are PowerShell aliases on Windows but native programs elsewhere: not modelled. */
export const PLATFORM_ALIASES = new Set(['rm', 'cp', 'mv', 'cat', 'ls', 'mkdir', 'rmdir', 'sort', 'tee', 'diff', 'sleep', 'ps', 'kill']);

/** The cmdlet a command name stands for (lower case), or null. */
export function cmdletOf(name: string): string | null {
  const n = name.toLowerCase();
  if (CMDLETS[n]) return n;
  return ALIASES[n] ?? null;
}

/**
 * Binds a cmdlet's arguments (elements after the name, separators left out): parameters by
 * unique prefix, switches, and positionals. Null when an argument does not bind to a known
 * parameter, so the cmdlet is not modelled.
 */
function bind(cmdlet: Cmdlet, elements: TsNode[], text: string): CmdletArgs | null {
  const all: Record<string, boolean> = { ...COMMON, ...cmdlet.params };
  const named = new Map<string, TsNode | null>();
  const positional: TsNode[] = [];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.type !== 'command_parameter') {
      positional.push(e);
      continue;
    }
    const raw = text.slice(e.startIndex, e.endIndex);
    const m = /^-([A-Za-z]+)$/.exec(raw);
    if (!m) return null;
    const prefix = m[1]!.toLowerCase();
    const hits = Object.keys(all).filter((p) => p.startsWith(prefix));
    const exact = hits.find((p) => p === prefix);
    const name = exact ?? (hits.length === 1 ? hits[0]! : null);
    if (!name) return null;
    if (all[name]) {
      const v = elements[i + 1];
      if (!v || v.type === 'command_parameter') return null;
      named.set(name, v);
      i++;
    } else named.set(name, null);
  }
  if (positional.length > cmdlet.positions) return null;
  for (const k of Object.keys(COMMON)) named.delete(k);
  return { named, positional };
}

export interface ShellCommandOfCmdlet {
  program: string;
  flags: string[];
  operands: TsNode[];
  /** `Write-Error`: the words go to standard error. */
  stderr: boolean;
  /** `New-Item`'s -ItemType value node, when the program depends on it. */
  itemType?: TsNode;
  /** Operands PowerShell reads as wildcard paths (`-Path`, by name or position; not `-LiteralPath` or a destination). */
  patterns: TsNode[];
}

/** Cmdlets whose `-Path` takes wildcards (`Copy-Item dist/* release/` copies each match). */
const WILDCARD_PATHS = new Set(['remove-item', 'copy-item', 'move-item', 'test-path', 'get-content', 'set-location', 'push-location']);

/** The shell command a cmdlet call reads as, or null when it is not modelled. */
export function cmdletCommand(name: string, elements: TsNode[], text: string): ShellCommandOfCmdlet | null {
  const key = cmdletOf(name);
  if (!key) return null;
  const cmdlet = CMDLETS[key]!;
  const args = bind(cmdlet, elements, text);
  if (!args) return null;
  // A list of paths in one argument (`Remove-Item -Path 'app', 'stale.txt'`) is not read item by
  // item: one missing item fails the whole call, and the shell tables read one path a word.
  if ([...args.named.values(), ...args.positional].some((v) => v !== null && v.type === 'array_literal_expression' && v.namedChildren.length > 1)) return null;
  const r = cmdlet.shell(args);
  if (!r) return null;
  if (key === 'new-item') {
    const type = (args.named.get('itemtype') ?? args.named.get('type'))!;
    return { program: 'new-item', flags: r.flags, operands: r.operands, stderr: false, itemType: type, patterns: [] };
  }
  const literal = args.named.get('literalpath');
  const sources = key === 'copy-item' || key === 'move-item' ? r.operands.slice(0, 1) : r.operands;
  const patterns = WILDCARD_PATHS.has(key) ? sources.filter((n) => n !== literal) : [];
  return { program: r.program, flags: r.flags, operands: r.operands, stderr: r.stderr ?? false, patterns };
}
