/**
 * The exported variables a command's program may read from its environment. A script that
 * exports the builder's tag (`export BUILDER=app:build`, any assignment under `set -a`) hands
 * it to every program it runs after: a test script run as `sh ./test.sh` may then use the
 * image by that name, though no word of the command spells it.
 *
 * Only programs known to read no variable of the user's choosing are passed over: shell
 * builtins, file utilities, and the docker verbs that take no value from the environment. A
 * docker command passes a variable on only where a flag names it bare (`--build-arg NAME`,
 * `-e NAME`, `--secret id=x,env=NAME`); compose, stack, exec and buildx read the environment
 * as they like. Any other program (a script, make, npm, env, find, xargs, awk, jq…) may read
 * every exported variable.
 */
import path from 'node:path/posix';
import type { DockerInvocation } from '../model/docker-command.js';
import type { ScriptCommand } from '../model/script.js';

/** Programs that read no environment variable a script may choose (locale and the like aside). */
const ENV_BLIND = new Set([
  // Builtins and utilities that take no paths.
  'echo', 'printf', 'true', 'false', ':', 'set', 'export', 'cd', 'pushd', 'popd', 'exit', 'return', 'shift', 'unset',
  'local', 'readonly', 'declare', 'typeset', 'sleep', 'date', 'pwd', 'whoami', 'id', 'uname', 'umask', 'wait',
  'basename', 'dirname', 'hostname', 'shopt', 'seq', 'expr', 'test', '[', '[[',
  // File utilities.
  'cat', 'ls', 'sha256sum', 'sha1sum', 'sha512sum', 'md5sum', 'cksum', 'grep', 'head', 'tail', 'wc', 'file', 'stat',
  'du', 'diff', 'cmp', 'cut', 'sort', 'uniq', 'od', 'readlink', 'realpath', 'tr', 'tee', 'sed',
  'rm', 'rmdir', 'mkdir', 'touch', 'truncate', 'strip', 'gzip', 'gunzip', 'chmod', 'chown', 'chgrp',
  'cp', 'mv', 'ln', 'install', 'tar', 'zip', 'unzip',
]);

/** docker subcommands (outside the verbs the model reads) that take values from the environment. */
const DOCKER_ENV_READERS = new Set(['compose', 'stack', 'exec', 'buildx', 'bake', 'context']);

/** Flags that pass a variable of the environment on by its bare name. */
const PASSING_FLAGS: Partial<Record<DockerInvocation['verb'], readonly string[]>> = {
  build: ['--build-arg', '--secret'],
  run: ['--env'],
  create: ['--env'],
};

export function exportedReadBy(cmd: ScriptCommand, inv: DockerInvocation | null): string[] {
  const names = cmd.exported;
  if (!names || names.length === 0) return [];
  if (inv) {
    if (inv.verb === 'other') return DOCKER_ENV_READERS.has(cmd.words[inv.verbIndex]?.value ?? '') ? [...names] : [];
    const flags = PASSING_FLAGS[inv.verb] ?? [];
    return names.filter((n) => inv.flags.some((f) => flags.includes(f.name) && passes(f.value?.value ?? null, n)));
  }
  const prog = cmd.words[0]?.value;
  return prog != null && ENV_BLIND.has(path.basename(prog)) ? [] : [...names];
}

/**
 * A flag value that hands `name` over from the environment: the bare name, or a secret's
 * `env=NAME` (or `id=NAME` with no source given, which the engine may take from a variable of
 * that name); one only known at run time may.
 */
function passes(value: string | null, name: string): boolean {
  if (value === null) return true;
  return value === name || value.split(',').some((part) => part === `env=${name}` || part === `id=${name}`);
}
