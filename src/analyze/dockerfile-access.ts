/**
 * Why a Dockerfile a build names could not be read, as the code that says so: a file that is
 * not there, a symbolic link (the tool never follows one, and would not write through it), or
 * something that is not a text file (a FIFO, UTF-16, a NUL byte, too large).
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';

export function unreadableDockerfile(rel: string, role: 'builder' | 'runtime', fs: RepoFs, where: { file: string; line: number; setup?: string }): Diagnostic {
  const kind = fs.kind(rel);
  const name = `the ${role} Dockerfile ${rel}`;
  if (kind === null) return diag('DOCKERFILE_MISSING', 'error', `${name} does not exist`, { ...where, hint: 'Check the -f path; paths in a script are read relative to the script\'s folder.' });
  if (kind === 'symlink') return diag('UNSAFE_PATH', 'error', `${name} is a symbolic link, which the tool neither follows nor writes through`, { ...where, hint: 'Build from the file the link points to, or replace the link with the file.' });
  if (kind === 'dir') return diag('READ_ERROR', 'error', `${name} is a folder`, { ...where, hint: 'Check the -f path.' });
  if (kind === 'other') return diag('READ_ERROR', 'error', `${name} is not a regular file (a FIFO, socket or device)`, { ...where, hint: 'Build from a regular text file.' });
  return diag('READ_ERROR', 'error', `${name} cannot be read as text (a NUL byte, UTF-16 or another encoding than UTF-8, or larger than the size limit)`, { ...where, hint: 'Save the Dockerfile as UTF-8 text; the tool only reads text Dockerfiles.' });
}
