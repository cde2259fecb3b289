/**
 * Text from the repository (file names, words of scripts quoted in diagnostics, file contents in
 * diffs) reaches a terminal only through these: a control character could otherwise move the
 * cursor, rewrite or hide lines already printed, retitle the window or plant a link, so a review
 * would not show what it seems to. Control characters (C0 but tab and newline, DEL, C1) and the
 * bidirectional-override characters that reorder text on screen are shown as escapes (`\x1b`,
 * `\u202e`) instead. The JSON report carries the text as it is.
 */

// C0 controls except \t and \n, DEL, C1 controls, and the Unicode bidi embeddings, overrides and isolates.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_NAME = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code === 9) return '\\t';
  if (code === 10) return '\\n';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Multi-line text (messages, hints, diffs) safe to print: tabs and newlines stay. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** A file name (or any one-line value) safe to print on one line: tabs and newlines are escaped too. */
export function printableName(name: string): string {
  return name.replace(UNSAFE_IN_NAME, escape);
}
