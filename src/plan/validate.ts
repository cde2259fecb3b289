/**
 * Every Dockerfile the tool produces is re-parsed and validated before it is offered,
 * as ESLint's RuleTester re-parses fixed output. A problem the inputs did not already
 * have means the merge is wrong: the setup is refused, never written.
 */
import { validate } from 'dockerfile-utils';
import '../analyze/dockerfile-arguments.js';
import '../analyze/dockerfile-parses.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';

const ERROR = 1;

const text = (m: string | { value: string }): string => (typeof m === 'string' ? m : m.value);

/**
 * dockerfile-utils' validate, made safe: a leading byte-order mark is not part of the
 * Dockerfile (and makes the validator recurse without end on some inputs), and a validator
 * failure is reported as a problem of the file, never a crash.
 */
function check(dockerfile: string): { severity?: number; message: string | { value: string }; range: { start: { line: number } } }[] {
  try {
    return validate(dockerfile.replace(/^\uFEFF/, ''));
  } catch (e) {
    return [{ severity: ERROR, message: `the validator failed (${(e as Error).message})`, range: { start: { line: 0 } } }];
  }
}

function errorsOf(dockerfile: string): string[] {
  return check(dockerfile)
    .filter((d) => d.severity === ERROR)
    .map((d) => text(d.message));
}

export function validateMerged(merged: string, inputs: string[], file: string, setup: string): Diagnostic[] {
  // The validator's tree of the merged file is the structural check's too: the parser keeps it
  // by its text (../analyze/dockerfile-parses.ts).
  const problems = check(merged).filter((d) => d.severity === ERROR);
  // The inputs are validated only to excuse problems they already had: usually there are none.
  if (problems.length === 0) return [];
  const known = new Set(inputs.flatMap(errorsOf));
  return problems
    .filter((d) => !known.has(text(d.message)))
    .map((d) =>
      diag('GENERATED_DOCKERFILE_INVALID', 'error', `the merged ${file} would not be valid: ${text(d.message)} (line ${d.range.start.line + 1})`, {
        file,
        line: d.range.start.line + 1,
        setup,
        hint: 'Nothing was written for this setup. Please report this with both Dockerfiles attached.',
      }),
    );
}
