/**
 * The streaming core every flow-log reader sits on: a file (gzip or plain,
 * told apart by its magic bytes, not its name) read in chunks, split into
 * lines with bounded memory. A line longer than `maxLineBytes` is dropped
 * as malformed instead of growing a buffer without limit, so a corrupt or
 * hostile file never holds more than one chunk plus one line in memory.
 *
 * Readers call back per line (or per chunk, for the JSON scanner) rather
 * than yielding through async iterators: at ~10 million lines a gigabyte,
 * a promise per line costs more than the parsing.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';

/** Where a skipped line was and why: reports show the first few. */
export interface SkippedExample {
  readonly line: number;
  readonly reason: string;
  /** The line, cut to 200 characters. */
  readonly text: string;
}

/** Counts kept while reading one file. */
export class ReadTally {
  lines = 0;
  records = 0;
  /** Lines that are not flow records at all (AWS NODATA/SKIPDATA, headers, blank lines). */
  ignored = 0;
  malformed = 0;
  readonly examples: SkippedExample[] = [];

  constructor(private readonly maxExamples = 5) {}

  skip(line: number, reason: string, text: string): void {
    this.malformed++;
    if (this.examples.length < this.maxExamples) this.examples.push({ line, reason, text: text.length > 200 ? text.slice(0, 200) + '…' : text });
  }
}

export interface StreamOptions {
  /** Called now and then with bytes of the file read so far and its size. */
  readonly progress?: (done: number, total: number) => void;
  /** Lines longer than this are skipped as malformed (default 1 MiB). */
  readonly maxLineBytes?: number;
  /** Read-chunk size (default 1 MiB). */
  readonly chunkBytes?: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Is the file gzip-compressed? Decided by its first two bytes. */
export function isGzipFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const n = fs.readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Decompressed chunks of a file, in order. `onChunk` runs synchronously per
 * chunk; backpressure is the stream's own (we never read ahead of it).
 */
export async function streamChunks(file: string, onChunk: (chunk: Buffer) => void, opts: StreamOptions = {}): Promise<void> {
  const total = fs.statSync(file).size;
  const gzip = isGzipFile(file);
  const raw = fs.createReadStream(file, { highWaterMark: opts.chunkBytes ?? 1 << 20 });
  let done = 0;
  let lastTick = 0;
  raw.on('data', (c) => {
    done += c.length;
    if (opts.progress && (done - lastTick >= 8 << 20 || done === total)) {
      lastTick = done;
      opts.progress(done, total);
    }
  });
  const source: NodeJS.ReadableStream = gzip ? raw.pipe(zlib.createGunzip()) : raw;
  if (source !== raw) raw.on('error', (e) => (source as zlib.Gunzip).destroy(e));
  for await (const chunk of source as AsyncIterable<Buffer>) onChunk(chunk);
}

/** The first `bytes` of a file's content, decompressed when gzip: what format detection looks at. */
export async function peek(file: string, bytes = 64 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let have = 0;
  // Sniffed before the stream opens: a missing file must throw here, not as an unhandled 'error' of an orphaned stream.
  const gzip = isGzipFile(file);
  const raw = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  const source: NodeJS.ReadableStream = gzip ? raw.pipe(zlib.createGunzip()) : raw;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      parts.push(chunk);
      have += chunk.length;
      if (have >= bytes) break;
    }
  } catch (e) {
    // A truncated gzip still has a readable head; the full read reports the damage.
    if (have === 0) throw e;
  } finally {
    raw.destroy();
  }
  return Buffer.concat(parts).subarray(0, bytes).toString('utf8');
}

/**
 * Lines of a file (without their `\n` or `\r\n`), numbered from 1.
 * Over-long lines are reported to `onLong` and never assembled.
 */
export async function streamLines(
  file: string,
  onLine: (line: string, lineNo: number) => void,
  onLong: (lineNo: number, head: string) => void,
  opts: StreamOptions = {},
): Promise<number> {
  const max = opts.maxLineBytes ?? 1 << 20;
  let carry: Buffer[] = [];
  let carryLen = 0;
  let dropping = false;
  let lineNo = 0;
  let longHead = '';
  const emit = (buf: Buffer) => {
    lineNo++;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    onLine(buf.toString('utf8', 0, end), lineNo);
  };
  await streamChunks(
    file,
    (chunk) => {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl < 0) break;
        if (dropping) {
          lineNo++;
          onLong(lineNo, longHead);
          dropping = false;
        } else if (carryLen > 0) {
          const piece = chunk.subarray(start, nl);
          if (carryLen + piece.length > max) {
            lineNo++;
            onLong(lineNo, Buffer.concat(carry).toString('utf8', 0, 120));
          } else emit(Buffer.concat([...carry, piece]));
        } else if (nl - start > max) {
          lineNo++;
          onLong(lineNo, chunk.toString('utf8', start, start + 120));
        } else emit(chunk.subarray(start, nl));
        carry = [];
        carryLen = 0;
        start = nl + 1;
      }
      if (start < chunk.length && !dropping) {
        const rest = chunk.subarray(start);
        if (carryLen + rest.length > max) {
          longHead = (carryLen > 0 ? Buffer.concat(carry) : rest).toString('utf8', 0, 120);
          dropping = true;
          carry = [];
          carryLen = 0;
        } else {
          // Copy: the stream may reuse its buffer.
          carry.push(Buffer.from(rest));
          carryLen += rest.length;
        }
      }
    },
    opts,
  );
  if (dropping) {
    lineNo++;
    onLong(lineNo, longHead);
  } else if (carryLen > 0) emit(Buffer.concat(carry));
  return lineNo;
}
