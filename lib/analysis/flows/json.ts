/**
 * Pulls JSON "units" out of a document stream without parsing the whole
 * document: the elements of a top-level `records` array (Azure flow-log
 * blobs, whose one line may be hundreds of megabytes) or `events` array
 * (`aws logs filter-log-events` output), the elements of a
 * top-level array (`gcloud logging read --format=json`), or a top-level
 * object without `records` (one record). Only the current unit is held in
 * memory, up to `maxUnitBytes`; each is handed on parsed.
 *
 * The scanner tracks strings, escapes and bracket depth byte by byte; it
 * never needs to understand numbers or literals.
 */
import { streamChunks, ReadTally, StreamOptions } from './stream';

const Q = 0x22;
const BS = 0x5c;
const LB = 0x7b; // {
const RB = 0x7d; // }
const LS = 0x5b; // [
const RS = 0x5d; // ]

export async function streamJsonUnits(
  file: string,
  tally: ReadTally,
  onUnit: (value: unknown, unitNo: number) => void,
  opts: StreamOptions & { maxUnitBytes?: number } = {},
): Promise<void> {
  const maxUnit = opts.maxUnitBytes ?? 64 << 20;
  let depth = 0;
  let inString = false;
  let escape = false;
  let topIsObject = false;
  /** Depth at which units are elements: 1 in a top-level array, 2 in `records`; 0 while a whole top-level object is the unit. */
  let unitDepth = 0;
  let collecting = false;
  let parts: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let unitNo = 0;
  let keyBytes: number[] = [];
  let lastKey = '';

  const finishUnit = () => {
    unitNo++;
    if (tooLarge) tally.skip(unitNo, `record larger than ${maxUnit} bytes`, Buffer.concat(parts).toString('utf8', 0, 120));
    else {
      const text = Buffer.concat(parts).toString('utf8');
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        tally.lines++;
        tally.skip(unitNo, `invalid JSON: ${(e as Error).message}`, text);
        v = undefined;
      }
      if (v !== undefined) onUnit(v, unitNo);
    }
    parts = [];
    size = 0;
    tooLarge = false;
    collecting = false;
  };

  await streamChunks(
    file,
    (chunk) => {
      let unitStart = collecting ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (inString) {
          if (escape) escape = false;
          else if (b === BS) escape = true;
          else if (b === Q) {
            inString = false;
            if (depth === 1 && topIsObject && !collecting) lastKey = Buffer.from(keyBytes).toString('utf8');
          } else if (depth === 1 && keyBytes.length < 64) keyBytes.push(b);
          continue;
        }
        if (b === Q) {
          inString = true;
          keyBytes = [];
          continue;
        }
        if (b === LB || b === LS) {
          if (depth === 0) {
            topIsObject = b === LB;
            unitDepth = topIsObject ? 0 : 1;
            if (topIsObject) {
              collecting = true;
              unitStart = i;
            }
          } else if (depth === 1 && topIsObject && b === LS && (lastKey === 'records' || lastKey === 'events')) {
            // The top-level object is only a wrapper: its records are the units.
            collecting = false;
            unitStart = -1;
            parts = [];
            size = 0;
            tooLarge = false;
            unitDepth = 2;
          } else if (depth === unitDepth && unitDepth > 0 && !collecting) {
            collecting = true;
            unitStart = i;
          }
          depth++;
          continue;
        }
        if (b === RB || b === RS) {
          depth--;
          if (depth < 0) {
            tally.skip(unitNo + 1, 'unbalanced closing bracket', chunk.toString('utf8', Math.max(0, i - 60), i + 1));
            depth = 0;
            continue;
          }
          if (collecting && depth === unitDepth) {
            add(chunk.subarray(unitStart, i + 1));
            unitStart = -1;
            finishUnit();
          }
          if (depth === 0) {
            unitDepth = 0;
            lastKey = '';
          }
        }
      }
      if (collecting && unitStart >= 0) add(Buffer.from(chunk.subarray(unitStart)));
    },
    opts,
  );
  if (depth !== 0 || inString) {
    tally.lines++;
    tally.skip(unitNo + 1, 'document ends inside a value (truncated file?)', Buffer.concat(parts).toString('utf8', 0, 120));
  }

  function add(piece: Buffer): void {
    if (tooLarge) return;
    size += piece.length;
    if (size > maxUnit) {
      tooLarge = true;
      parts = [parts.length ? parts[0].subarray(0, 120) : piece.subarray(0, 120)];
      return;
    }
    parts.push(piece);
  }
}
