/**
 * Make variables whose value is only recipe prefixes (`Q := @`, for Kbuild's `$(Q)docker build …`).
 * Make expands a recipe line before it reads the line's prefixes, so the `@`, `-` and `+` (and the
 * blanks among them) a leading expansion gives are prefixes, not text for the shell (GNU make
 * 4.3: with `I := -`, `$(I)false` is ignored, "Error 1 (ignored)"). Only a value the file fixes
 * for every recipe counts: not one some targets set for themselves, one expanded anew at each
 * use, one set under a conditional (no value), nor any in a file with an `include` or
 * `$(eval …)`, which may set it otherwise.
 */

const PREFIXES_ONLY = /^[@+\- \t]*$/;

export function prefixVariables(
  vars: ReadonlyMap<string, string | null>,
  perTarget: ReadonlySet<string>,
  eachUse: ReadonlySet<string>,
  joined: boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  if (joined) return out;
  for (const [name, value] of vars) {
    if (value === null || !PREFIXES_ONLY.test(value) || perTarget.has(name) || eachUse.has(name)) continue;
    out.set(name, value);
  }
  return out;
}
