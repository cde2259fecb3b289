/**
 * A small streaming tar reader: enough of ustar, pax (`x`/`g` headers) and GNU long names
 * (`L`/`K`) to read what `docker export` / `podman export` produce.
 *
 * Why not a package: the project keeps runtime dependencies minimal, and reading headers is a
 * few dozen lines. It streams (bodies are yielded in chunks, never buffered whole) because an
 * exported image can be gigabytes.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'other';

export interface TarEntry {
  /** Path exactly as archived (may start with `./`, directories may end with `/`). */
  path: string;
  type: TarEntryType;
  /** The raw typeflag character, for diagnostics. */
  typeflag: string;
  /** Permission bits including setuid/setgid/sticky (& 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Target of a symlink or hardlink. */
  linkName: string;
  devMajor: number;
  devMinor: number;
  /** The entry's content; consume it or not — the reader skips what is left. */
  body: AsyncIterable<Buffer>;
}

const BLOCK = 512;

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** Pulls exact byte counts out of an async stream of chunks of any size. */
class ByteReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private done = false;
  private readonly source: AsyncIterator<Buffer | string>;

  constructor(source: AsyncIterable<Buffer | string>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** Ensure at least n bytes are pending; false if the stream ends first. */
  private async fill(n: number): Promise<boolean> {
    while (this.pendingBytes < n && !this.done) {
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      if (chunk.length > 0) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
      }
    }
    return this.pendingBytes >= n;
  }

  private take(n: number): Buffer {
    const joined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const out = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  /** Exactly n bytes, or null if the stream ended before any byte; throws on a partial read. */
  async read(n: number): Promise<Buffer | null> {
    if (await this.fill(n)) return this.take(n);
    if (this.pendingBytes === 0) return null;
    throw new TarFormatError(`truncated archive: wanted ${n} bytes, got ${this.pendingBytes}`);
  }

  /** Up to n bytes in whatever chunk sizes arrive. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.pendingBytes === 0 && !(await this.fill(1))) throw new TarFormatError('truncated archive inside an entry');
      const size = Math.min(left, this.pendingBytes);
      left -= size;
      yield this.take(size);
    }
  }

  async discard(n: number): Promise<void> {
    for await (const _ of this.chunks(n)) void _;
  }
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** Octal number field, or GNU base-256 when the top bit of the first byte is set. */
function numberField(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  const value = Number.parseInt(text, 8);
  if (Number.isNaN(value)) throw new TarFormatError(`bad numeric field "${text}"`);
  return value;
}

function checksumOk(header: Buffer): boolean {
  const stored = numberField(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === stored;
}

/** pax extended header records: "<len> <key>=<value>\n", len counting the whole record. */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number.parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8'); // drop trailing \n
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function typeOf(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file everywhere that matters
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/**
 * Iterate the entries of a tar stream. Each entry's `body` must be consumed (or ignored)
 * before asking for the next entry; whatever is left of it is skipped.
 */
export async function* readTarEntries(source: AsyncIterable<Buffer | string>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source);
  let globalPax = new Map<string, string>();
  let nextPax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;

  for (;;) {
    const header = await reader.read(BLOCK);
    if (header === null) return; // ended without the end-of-archive blocks: accept
    if (header.every((b) => b === 0)) return; // end-of-archive marker
    if (!checksumOk(header)) throw new TarFormatError('bad header checksum (not a tar stream, or corrupt)');

    const typeflag = String.fromCharCode(header[156]!);
    let size = numberField(header, 124, 12);
    const pax = new Map([...globalPax, ...nextPax]);
    if (pax.has('size')) size = Number(pax.get('size'));

    // Meta entries describe the next real entry.
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      const data = (await reader.read(size + padding(size))) ?? Buffer.alloc(0);
      const body = data.subarray(0, size);
      if (typeflag === 'x') nextPax = new Map([...nextPax, ...parsePax(body)]);
      else if (typeflag === 'g') globalPax = new Map([...globalPax, ...parsePax(body)]);
      else if (typeflag === 'L') longName = cString(body, 0, body.length);
      else longLink = cString(body, 0, body.length);
      continue;
    }

    // ustar splits long names into prefix + name; old GNU headers reuse that area, so only
    // trust the prefix when the magic says POSIX ustar.
    const magic = header.subarray(257, 263).toString('latin1');
    const prefix = magic === 'ustar\0' ? cString(header, 345, 155) : '';
    const name = cString(header, 0, 100);
    const path = pax.get('path') ?? longName ?? (prefix !== '' ? `${prefix}/${name}` : name);
    const linkName = pax.get('linkpath') ?? longLink ?? cString(header, 157, 100);
    const uid = pax.has('uid') ? Number(pax.get('uid')) : numberField(header, 108, 8);
    const gid = pax.has('gid') ? Number(pax.get('gid')) : numberField(header, 116, 8);
    nextPax = new Map();
    longName = undefined;
    longLink = undefined;

    let consumed = 0;
    const bodyIterator = reader.chunks(size);
    const body: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          const step = await bodyIterator.next();
          if (!step.done) consumed += step.value.length;
          return step;
        },
      }),
    };
    yield {
      path,
      type: typeOf(typeflag),
      typeflag,
      mode: numberField(header, 100, 8) & 0o7777,
      uid,
      gid,
      size,
      linkName,
      devMajor: numberField(header, 329, 8),
      devMinor: numberField(header, 337, 8),
      body,
    };
    await reader.discard(size - consumed + padding(size));
  }
}
