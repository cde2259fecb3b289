/**
 * Writes a report as `JSON.stringify(value, null, 2)` would, byte for byte, without building
 * the whole text: each element of the top-level arrays (setups, changes, diagnostics) is
 * serialised on its own and handed to `write` in chunks of about 64 KiB. A report of a huge
 * tree (a million files: tens of MiB of JSON) then never exists as one string.
 */
const CHUNK = 64 * 1024;

export function writeJson(value: unknown, write: (text: string) => void): void {
  let buffered: string[] = [];
  let size = 0;
  const emit = (text: string) => {
    buffered.push(text);
    size += text.length;
    if (size >= CHUNK) flush();
  };
  const flush = () => {
    if (buffered.length > 0) write(buffered.join(''));
    buffered = [];
    size = 0;
  };
  const plain = value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
  if (!plain) {
    const text = JSON.stringify(value, null, 2);
    if (text !== undefined) write(text);
    return;
  }
  // The members JSON.stringify keeps: own enumerable string keys whose value serialises
  // (undefined, functions and symbols are left out).
  let n = 0;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const streamed = Array.isArray(v) && v.length > 0 && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
    const text = streamed ? '' : JSON.stringify(v, null, 2);
    if (text === undefined) continue;
    emit(`${n++ === 0 ? '{' : ','}\n  ${JSON.stringify(key)}: `);
    if (!streamed) {
      emit(indent(text, '  '));
      continue;
    }
    emit('[');
    (v as unknown[]).forEach((el, k) => emit(`${k === 0 ? '' : ','}\n    ${indent(JSON.stringify(el, null, 2) ?? 'null', '    ')}`));
    emit('\n  ]');
  }
  emit(n === 0 ? '{}' : '\n}');
  flush();
}

/**
 * Nested lines one level deeper: strings in JSON never hold a raw newline, so every newline is
 * a line break. (One native replacement: splitting and joining made an array of every line.)
 */
function indent(text: string, by: string): string {
  return text.replaceAll('\n', `\n${by}`);
}
