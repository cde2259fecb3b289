/**
 * A Jenkinsfile's pipeline as the processes a Jenkins agent would start, read by the same
 * reader as analysis (src/analyze/hosts/jenkinsfile.ts): each `sh` step, and the `docker build`
 * a `docker.build(…)` call runs, as `sh -xe -c TEXT` (what Jenkins runs a step's script with;
 * one starting with a `#!` line naming sh, bash or dash, by its path or through `env`, runs with that shell and option word) in
 * its `dir()`, with the static `environment {}` / `withEnv` values. What only Jenkins can give
 * (a Groovy `${…}` interpolation, a step that is not followed) makes it one that cannot run here.
 */
import { readJenkinsfile, shebangShell } from '../analyze/hosts/jenkinsfile.js';
import type { EntryStep } from './entry.js';

/** The steps of sequence `job` (a name from the reading's entries) of the Jenkinsfile `text`. */
export function jenkinsSteps(file: string, text: string, job: string): EntryStep[] | { none: string } {
  const { reading } = readJenkinsfile(file, text);
  if (!reading) return { none: `${file} cannot be parsed` };
  const seq = reading.names.indexOf(job);
  if (seq < 0) return { none: `${file} has no ${job}` };
  const unread = reading.unread.find((u) => u.sequence === seq);
  if (unread) return { none: unread.diagnostic.message };
  const out: EntryStep[] = [];
  for (const id of reading.sequences[seq]!) {
    const s = reading.snippets[id]!;
    // (a step Jenkins runs itself that only reads the workspace: `archiveArtifacts`, `stash`)
    if (reading.readers?.has(id)) continue;
    if (reading.interpolated.has(id)) return { none: `${s.label} uses a Groovy \${…} interpolation, which only Jenkins evaluates` };
    if (s.cwd === null) return { none: `${s.label} runs in a folder only known to Jenkins` };
    out.push({ argv: shellOf(s.shell), cwd: s.cwd, env: { JENKINS_URL: 'http://localhost/', ...Object.fromEntries(reading.env[id]!) }, label: s.label });
  }
  return out;
}

/**
 * The shell a step's script runs in: Jenkins runs a script starting with `#!` as a file, which
 * the kernel hands to that interpreter with the rest of the line as one argument; any other
 * script with `sh -xe`. The reader never follows another interpreter (src/analyze/hosts/jenkinsfile.ts).
 */
export function shellOf(script: string): string[] {
  if (!script.startsWith('#!')) return ['sh', '-xe', '-c', script];
  const shell = shebangShell(script.split('\n', 1)[0]!);
  if (!shell) throw new Error(`internal error: a Jenkins sh step read with the interpreter line ${script.split('\n', 1)[0]}`);
  return [...shell.argv, '-c', script];
}
