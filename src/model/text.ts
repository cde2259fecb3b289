/** Line/offset helpers shared by every adapter. Lines are 1-based; offsets are string indices. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // \r\n counts once; a lone \r ends a line too (old Mac files), as editors show them.
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    // At its length: pushing leaves up to half again as much room, and a sweep keeps the index
    // of every setup's script and every Dockerfile until the plan is made.
    this.starts = starts.slice();
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
  }

  /** Offset just after the line's terminator (or the end of the text). */
  lineEndWithTerminator(line: number): number {
    return line < this.starts.length ? this.starts[line]! : this.text.length;
  }

  /** Offset of the line's terminator (or the end of the text). */
  lineEnd(line: number): number {
    let end = this.lineEndWithTerminator(line);
    if (end > this.lineStart(line) && this.text[end - 1] === '\n') end--;
    if (end > this.lineStart(line) && this.text[end - 1] === '\r') end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** Offset of a 0-based (line, character) position, as LSP-style parsers report them. */
  offsetAt(position: { line: number; character: number }): number {
    return Math.min(this.lineStart(position.line + 1) + position.character, this.text.length);
  }
}

/** The line terminator a file mostly uses, so inserted text matches it. */
export function detectEol(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

export function isBlank(s: string): boolean {
  return /^[ \t]*$/.test(s);
}

/**
 * `s` without its trailing slashes. A loop, not `s.replace(/\/+$/, '')`: that pattern retries
 * from every slash of a run that is not at the end, which is quadratic on text from a file.
 */
export function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
  return end === s.length ? s : s.slice(0, end);
}
