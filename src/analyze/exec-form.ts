/**
 * The exec (JSON) form of CMD, ENTRYPOINT, RUN, VOLUME and COPY: Docker joins continued lines,
 * then reads the arguments as a JSON array of strings, and falls back to the shell form when
 * that fails. The values come from JSON.parse of the argument text, and are written back with
 * JSON.stringify, so every space, quote, backslash and escape survives both ways.
 */

/** The argument text with the Dockerfile's line continuations (escape + newline) removed. */
export function joinContinuations(text: string, escape: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === escape) {
      const rest = text.slice(i + 1);
      const m = /^[ \t]*\r?\n/.exec(rest);
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** The arguments of an exec-form instruction, or null when Docker would read the text as the shell form. */
export function execFormArgs(argumentText: string, escape = '\\'): string[] | null {
  const joined = joinContinuations(argumentText, escape).trim();
  if (!joined.startsWith('[')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(joined);
  } catch {
    return null;
  }
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed as string[]) : null;
}

/** The value of one JSON string token as written (quotes included), or null when it is not one. */
export function jsonStringValue(token: string): string | null {
  try {
    const v: unknown = JSON.parse(token);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** An exec-form argument list, each argument exactly as given: `["go", "build", "-o", "/out/app"]`. */
export function writeExecForm(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}
