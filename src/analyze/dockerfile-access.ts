/**
 * Why a Dockerfile a build names could not be read, as the code that says so: a file that is
 * not there, a symbolic link (the tool never follows one, and would not write through it), or
 * something that is not a text file (a FIFO, UTF-16, a NUL byte, too large); or a Dockerfile
 * fed on standard input that cannot be read as the file it is fed from.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { flagValues, type DockerInvocation } from '../model/docker-command.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand, Word } from '../model/script.js';

export function unreadableDockerfile(rel: string, role: 'builder' | 'runtime', fs: RepoFs, where: { file: string; line: number; setup?: string }): Diagnostic {
  const kind = fs.kind(rel);
  const name = `the ${role} Dockerfile ${rel}`;
  if (kind === null) return diag('DOCKERFILE_MISSING', 'error', `${name} does not exist`, { ...where, hint: 'Check the -f path; paths in a script are read relative to the script\'s folder.' });
  if (kind === 'symlink') return diag('UNSAFE_PATH', 'error', `${name} is a symbolic link, which the tool neither follows nor writes through`, { ...where, hint: 'Build from the file the link points to, or replace the link with the file.' });
  if (kind === 'dir') return diag('READ_ERROR', 'error', `${name} is a folder`, { ...where, hint: 'Check the -f path.' });
  if (kind === 'other') return diag('READ_ERROR', 'error', `${name} is not a regular file (a FIFO, socket or device)`, { ...where, hint: 'Build from a regular text file.' });
  const why = fs.readProblem?.(rel) ?? null;
  if (why === 'permission denied') return diag('READ_ERROR', 'error', `${name} cannot be read: permission denied`, { ...where, hint: `Give the user running the tool read access to ${rel}, then run it again.` });
  if (why?.startsWith('larger than')) return diag('READ_ERROR', 'error', `${name} is ${why}`, { ...where, hint: 'A Dockerfile this large is not read; migrate this setup by hand.' });
  if (why !== null && why.startsWith('cannot be opened')) return diag('READ_ERROR', 'error', `${name} ${why}`, { ...where, hint: 'Check the file, then run the tool again.' });
  return diag('READ_ERROR', 'error', `${name} cannot be read as text (${why ?? 'a NUL byte, UTF-16 or another encoding than UTF-8'})`, { ...where, hint: 'Save the Dockerfile as UTF-8 text; the tool only reads text Dockerfiles.' });
}

/**
 * The file a `-f -` build is fed on standard input, as written: its last `< FILE` redirect, or
 * else a plain `cat FILE` piped into it (`cat Dockerfile.build | docker build -f - .`); null when
 * the build names no `-f -`, or its input is anything else (a heredoc, another program's output).
 */
export function stdinFeed(inv: DockerInvocation, feeder: ScriptCommand | null | undefined): Word | null {
  if (flagValues(inv, '--file')[0]?.value !== '-') return null;
  const redirect = inv.cmd.redirects.filter((r) => (r.fd === null || r.fd === '0') && r.op.startsWith('<') && r.op !== '<&-').pop();
  if (redirect) return redirect.op === '<' ? redirect.target : null;
  if (inv.cmd.stdinFrom === null || !feeder) return null;
  const [program, file, ...more] = feeder.words;
  // Only `cat FILE` itself: an option (`cat -v`), a second file, its own redirects or input would change what is fed.
  const plain = program?.value === 'cat' && file && more.length === 0 && !(file.value ?? '').startsWith('-') && feeder.redirects.length === 0 && feeder.stdinFrom === null && (feeder.env?.size ?? 0) === 0;
  return plain && feeder.cwd === inv.cmd.cwd ? file : null;
}

/**
 * A build that reads its Dockerfile from standard input (`docker build -f - . < Dockerfile.build`)
 * is read as the build of the file fed to it, the same build as `-f Dockerfile.build` but for one
 * thing: docker reads no Dockerfile-specific ignore file (`Dockerfile.build.dockerignore`) for
 * standard input, only the context's `.dockerignore`. The migration merges, deletes and builds
 * Dockerfiles by their paths, applying such an ignore file where it lies, so it refuses a build
 * fed a file that has one, and one fed anything it cannot name as a file (a heredoc, another
 * program's output, a path only known at run time).
 */
export function stdinDockerfile(inv: DockerInvocation, role: 'builder' | 'runtime', where: { file: string; line: number; setup?: string }, fs: RepoFs, feeder?: ScriptCommand | null): Diagnostic | null {
  if (flagValues(inv, '--file')[0]?.value !== '-') return null;
  const fed = stdinFeed(inv, feeder);
  const path = fed?.value != null && inv.cmd.cwd !== null ? resolveRel(inv.cmd.cwd, fed.value) : null;
  const ignore = path === null ? null : `${path}.dockerignore`;
  if (ignore !== null && fs.kind(ignore) === null) return null;
  const shown = fed ? (inv.cmd.redirects.some((r) => r.target === fed) ? `\`-f - < ${fed.raw}\`` : `\`cat ${fed.raw} | … -f -\``) : '`-f -`';
  if (ignore !== null) {
    return diag('DOCKERFILE_ON_STDIN', 'error', `the ${role} build reads its Dockerfile from standard input (${shown}), and docker applies no ${ignore} to it, only the context's .dockerignore; the tool merges and builds Dockerfiles by their paths, where ${ignore} would apply`, { ...where, hint: `Write \`-f ${fed!.raw}\` if ${ignore} should apply to this build, or move it away if it should not, then run the tool again.` });
  }
  return diag('DOCKERFILE_ON_STDIN', 'error', `the ${role} build reads its Dockerfile from standard input (${shown}), fed ${fed ? 'from a path only known at run time' : 'by something other than a file of the repository (a heredoc, a program\'s output)'}; the tool merges, deletes and builds Dockerfiles by the path a build names`, { ...where, hint: 'Write the Dockerfile to a file of the repository and name it with `-f PATH` (or feed it with `-f - < PATH`), then run the tool again.' });
}
