/**
 * The shell npm runs a package's scripts with: `/bin/sh -c` on POSIX systems, unless a `.npmrc`
 * sets `script-shell` (npm's config documentation: "The shell to use for scripts run with the
 * npm exec, npm run and npm init commands"; pnpm and yarn 1 read it too). Another shell reads
 * the script's text otherwise (PowerShell sends `> app` through Out-File, which writes text,
 * not the bytes docker printed), and a program of the repository may do anything before it runs
 * the text (`umask 077`): the scripts are then not read as sh, as a Makefile setting `SHELL` to
 * another program is not. The `.npmrc` of the package's folder and of every folder above it is
 * read (npm reads its project's, pnpm its workspace root's too); the user's and global ones, and
 * an `npm_config_script_shell` in the environment, are not the repository's.
 */
import path from 'node:path/posix';
import type { RepoFs } from '../../model/fs.js';
import { POSIX_SHELL_PATH } from '../../model/shells.js';


/** The `script-shell` a `.npmrc` (ini: `key=value` lines) sets, or null when it sets none; the last line wins. */
function scriptShellIn(text: string): string | null {
  let found: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0 || line.slice(0, eq).trim() !== 'script-shell') continue;
    const value = line.slice(eq + 1).trim();
    found = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return found;
}

/**
 * The `script-shell` the package at `file` (a package.json) is run with and the `.npmrc` setting
 * it, where it is no POSIX shell; null where its scripts run in sh (or bash, dash).
 */
export function foreignScriptShell(file: string, fs: RepoFs | undefined): { shell: string; npmrc: string } | null {
  if (fs === undefined) return null;
  let dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  for (;;) {
    const rel = dir === '' ? '.npmrc' : `${dir}/.npmrc`;
    const text = (fs.peekText ?? fs.readText).call(fs, rel);
    const shell = text === null ? null : scriptShellIn(text);
    // (the nearest setting is the one npm reads for the project)
    if (shell !== null) return POSIX_SHELL_PATH.test(shell) ? null : { shell, npmrc: rel };
    if (dir === '') return null;
    dir = path.dirname(dir) === '.' ? '' : path.dirname(dir);
  }
}
