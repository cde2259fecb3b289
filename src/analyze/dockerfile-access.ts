/**
 * Why a Dockerfile a build names could not be read, as the code that says so: a file that is
 * not there, a symbolic link (the tool never follows one, and would not write through it), or
 * something that is not a text file (a FIFO, UTF-16, a NUL byte, too large); or no path at all
 * (standard input).
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { flagValues, type DockerInvocation } from '../model/docker-command.js';

export function unreadableDockerfile(rel: string, role: 'builder' | 'runtime', fs: RepoFs, where: { file: string; line: number; setup?: string }): Diagnostic {
  const kind = fs.kind(rel);
  const name = `the ${role} Dockerfile ${rel}`;
  if (kind === null) return diag('DOCKERFILE_MISSING', 'error', `${name} does not exist`, { ...where, hint: 'Check the -f path; paths in a script are read relative to the script\'s folder.' });
  if (kind === 'symlink') return diag('UNSAFE_PATH', 'error', `${name} is a symbolic link, which the tool neither follows nor writes through`, { ...where, hint: 'Build from the file the link points to, or replace the link with the file.' });
  if (kind === 'dir') return diag('READ_ERROR', 'error', `${name} is a folder`, { ...where, hint: 'Check the -f path.' });
  if (kind === 'other') return diag('READ_ERROR', 'error', `${name} is not a regular file (a FIFO, socket or device)`, { ...where, hint: 'Build from a regular text file.' });
  return diag('READ_ERROR', 'error', `${name} cannot be read as text (a NUL byte, UTF-16 or another encoding than UTF-8, or larger than the size limit)`, { ...where, hint: 'Save the Dockerfile as UTF-8 text; the tool only reads text Dockerfiles.' });
}

/**
 * A build that reads its Dockerfile from standard input (`docker build -f - . < Dockerfile.build`).
 * The migration deletes the builder's Dockerfile, merges it into the runtime's, and writes
 * export builds, all by the path a build names with `-f`; a build on standard input names none,
 * and docker reads no Dockerfile-specific ignore file (`Dockerfile.build.dockerignore`) for it,
 * so the tool refuses rather than guess which file and which ignore rules the build had. Writing
 * the path is the same build when no such ignore file lies beside it.
 */
export function stdinDockerfile(inv: DockerInvocation, role: 'builder' | 'runtime', where: { file: string; line: number; setup?: string }): Diagnostic | null {
  if (flagValues(inv, '--file')[0]?.value !== '-') return null;
  const fed = inv.cmd.redirects.find((r) => r.op === '<' && (r.fd === null || r.fd === '0'))?.target;
  const shown = fed?.value ? `\`-f - < ${fed.raw}\`` : '`-f -`';
  const fix = fed?.value ? `Write \`-f ${fed.raw}\` instead of ${shown} (the same build when no ${fed.raw}.dockerignore lies beside it), then run the tool again.` : 'Name the Dockerfile with `-f PATH` instead of feeding it on standard input, then run the tool again.';
  return diag('DOCKERFILE_ON_STDIN', 'error', `the ${role} build reads its Dockerfile from standard input (${shown}); the tool merges, deletes and builds Dockerfiles by the path a build names, and this build names none`, { ...where, hint: fix });
}
