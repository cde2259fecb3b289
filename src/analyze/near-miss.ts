/**
 * Near misses: commands that look like they take build output out of a container (`docker cp`,
 * `docker run … > f`, a build in a container with a folder mounted) that the linker could not
 * follow into a setup. Each is reported (EXTRACTION_NOT_FOLLOWED, with its file and line and
 * why), so a script the tool did not migrate is never passed over in silence.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { flagValues, type DockerInvocation } from '../model/docker-command.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';


export function notFollowed(cmd: ScriptCommand, why: string, hint: string): Diagnostic {
  return diag('EXTRACTION_NOT_FOLLOWED', 'warning', `\`${shownCommand(cmd)}\` was not followed: ${why}`, { file: cmd.file, line: cmd.line, hint });
}

/**
 * Where a command stands in a function body: a function's body is read as a sequence of its
 * own, apart from where it is called, so a setup split between the two is not followed.
 */
function inFunction(cmd: ScriptCommand): { why: string; hint: string } | null {
  const fn = cmd.branches?.find((b) => /^(\d+\/)?(ps)?fn\d/.test(b.id));
  if (!fn) return null;
  return { why: ` (it runs ${fn.where ?? 'in a function body'}, which the tool reads apart from where the function is called)`, hint: 'Write the steps where the function is called (or the whole setup in the function), or migrate by hand.' };
}

/** An extraction from an image no earlier build of the script makes. */
export function noBuilder(cmd: ScriptCommand, image: string): Diagnostic {
  const fn = inFunction(cmd);
  return notFollowed(cmd, `it takes files out of ${image}, which no earlier \`docker build\` in this sequence of the script makes${fn?.why ?? ''}`, fn?.hint ?? 'Build the builder image in the same script (docker build -t TAG), or migrate by hand.');
}

/** `docker cp NAME:/p dst` from a container the script does not create. */
export function unknownContainer(cmd: ScriptCommand, name: string): Diagnostic {
  const fn = inFunction(cmd);
  return notFollowed(cmd, `the container ${name} is not created (docker create / docker run --name) earlier in this sequence of the script${fn?.why ?? ''}`, fn?.hint ?? 'Create the container in the same script, or migrate by hand.');
}

/**
 * `nohup docker cp NAME:/p dst`, `sudo -D /srv docker cp …` (docker behind a wrapper the docker
 * model does not read through: src/model/docker-command.ts dockerAt). Through sudo, docker also
 * talks to root's daemon with root's config, and the copy lands owned by root.
 */
export function wrappedExtraction(cmd: ScriptCommand, wrappers: readonly string[]): Diagnostic {
  return notFollowed(cmd, `it runs docker through ${wrappedThrough(wrappers)}, which the tool does not read through here (it reads sudo, nice, env, command, timeout, time (alone or with -p), and exec on the final build, with options it knows and words known before the run)`, 'Run docker directly in the script (run the whole script with sudo if it needs root), or migrate by hand.');
}

/**
 * A copy the docker model reads (through wrappers it reads through) that was not linked, after a
 * build the model does not read: docker run through a wrapper that sets a variable docker
 * reads (`sudo BUILDKIT_PROGRESS=plain docker build …`), or with options it does not know.
 */
export function unreadBuildBefore(cmd: ScriptCommand, build: ScriptCommand): Diagnostic {
  return notFollowed(
    cmd,
    `the image it takes files from may be the one \`${shownCommand(build)}\` (${build.file}:${build.line}) builds, and the tool does not read that build: it runs docker through a wrapper that sets or unsets a variable docker reads, or with options the tool does not follow`,
    'Set the variable with an `env` of assignments alone right before docker (`sudo env NAME=value docker build …`), or drop the wrapper options the tool does not read (`time -v`), or migrate by hand.',
  );
}

/** `\`sudo\`` or `\`timeout\`` said with what sudo changes (root's daemon and config, root-owned files). */
export function wrappedThrough(wrappers: readonly string[]): string {
  const names = wrappers.map((w) => `\`${w}\``).join(' and ');
  return wrappers.includes('sudo') ? `${names} (as root: root's daemon and config, and files left owned by root)` : names;
}

/** A stock-image build with the sources mounted whose output no later build copies. */
export function stockUnused(cmd: ScriptCommand, image: string, mount: string): Diagnostic {
  return notFollowed(cmd, `it builds in ${image} with ${mount || '.'} mounted, but no later build copies a file of that folder the repository does not hold`, 'Copy the build output by its own path (COPY bin/app …) in the runtime Dockerfile, or migrate by hand.');
}

/**
 * `docker run … > f` or `docker run -v …` that no extraction shape recognised; null when the
 * run does neither (an ordinary container run).
 */
export function unrecognisedRun(inv: DockerInvocation, why: () => string): Diagnostic | null {
  const cmd = inv.cmd;
  const redirect = cmd.redirects.find((r) => (r.op === '>' || r.op === '>|' || r.op === '>>') && (r.fd === null || r.fd === '1'));
  if (redirect?.op === '>>') {
    return notFollowed(cmd, `it appends its output (\`>>\`) to ${redirect.target.raw}, which keeps whatever that file held before, where an extraction makes the file anew`, 'Write `>` instead of `>>` (the file is then made anew), or migrate by hand.');
  }
  if (redirect) return notFollowed(cmd, `it streams a command's output into ${redirect.target.raw}, and only \`cat /path\` (given on the line, or as the image's own ENTRYPOINT and CMD) is read as an extraction: ${why()}`, 'Write it as `docker run --rm IMAGE cat /path > file`, or migrate by hand.');
  const mounts = flagValues(inv, '--volume');
  if (mounts.length > 0 && inv.flags.some((f) => f.name === '--rm')) {
    return notFollowed(cmd, `it runs with ${mounts.map((m) => m.raw).join(', ')} mounted, in a shape the tool does not read as a build or an extraction`, 'Mount only the repository folder (-v "$PWD":/src) or an output folder, or migrate by hand.');
  }
  return null;
}

/** `docker cp NAME:/p dst` whose container the linker did not know; null when it is no extraction. */
export function unfollowedCp(inv: DockerInvocation, known: (w: DockerInvocation['operands'][number]['word']) => boolean): Diagnostic | null {
  const [src, dst] = inv.operands;
  if (!src || !dst || src.word.value === null || known(src.word)) return null;
  const v = src.word.value;
  const colon = v.indexOf(':');
  if (colon <= 0 || v.startsWith('/') || v.startsWith('.')) return null;
  return unknownContainer(inv.cmd, v.slice(0, colon));
}

/** Near misses on lines a setup found in another sequence (a Makefile target run with its prerequisites) uses are no misses. */
export function dropFollowed(diagnostics: Diagnostic[], used: (file: string, line: number) => boolean): Diagnostic[] {
  return diagnostics.filter((d) => d.code !== 'EXTRACTION_NOT_FOLLOWED' || d.file === undefined || d.line === undefined || !used(d.file, d.line));
}
