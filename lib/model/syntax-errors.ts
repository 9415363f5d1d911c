/**
 * YAML syntax errors as people can act on them. One indentation slip makes
 * the parser report every token after it (up to hundreds of errors), so only
 * the first is reported, with a count of the rest: they are almost always
 * its consequences and vanish with it. Indentation errors point at the first
 * character of the line (not its column 1) and say which line above to
 * compare it with.
 */

/** The parser's codes for errors that come from where a line starts. */
const INDENTATION = new Set(['BAD_INDENT', 'MISSING_CHAR', 'UNEXPECTED_TOKEN', 'BLOCK_AS_IMPLICIT_KEY']);
/** Errors about a key running over several lines: the line after it is indented too deep. */
const RUN_ON = new Set(['MULTILINE_IMPLICIT_KEY', 'BLOCK_AS_IMPLICIT_KEY']);

export interface SyntaxError {
  readonly code: string;
  readonly message: string;
  /** Offset into the text. */
  readonly offset: number;
}

export interface LineAt {
  /** 1-based. */
  line: number;
  col: number;
}

/** The first syntax error, reworded and re-pointed; `more` is how many followed it. */
export function firstSyntaxError(text: string, errors: readonly SyntaxError[], at: (offset: number) => LineAt): { message: string; offset: number } | undefined {
  const first = errors[0];
  if (!first) return undefined;
  const more = errors.length - 1;
  const tail = more > 0 ? ` (${more} more YAML error${more === 1 ? '' : 's'} after it, most likely caused by this one: fix it first)` : '';
  if (first.code === 'TAB_AS_INDENT') return { message: `${first.message}: indent with spaces${tail}`, offset: first.offset };
  const lines = text.split('\n');
  const starts = lineStarts(lines);
  const { line } = at(first.offset);
  const meaningful = (i: number) => i >= 0 && i < lines.length && lines[i].trim() !== '' && !lines[i].trim().startsWith('#');
  if (RUN_ON.has(first.code) && !/block sequence/i.test(first.message)) {
    // The parser blames the key; the cause is the next line, indented deeper than that key.
    let next = line;
    while (next < lines.length && !meaningful(next)) next++;
    if (next < lines.length) {
      const message = `line ${next + 1} starts in column ${indent(lines[next]) + 1}, deeper than the key on line ${line} (column ${keyColumn(lines[line - 1])}), so YAML reads it as part of that key: indent it like the key${tail}`;
      return { message, offset: starts[next] + indent(lines[next]) };
    }
  }
  if (!INDENTATION.has(first.code)) return { message: first.message + tail, offset: first.offset };
  const here = lines[line - 1] ?? '';
  // Point at the line's first character when the parser points at its start.
  const offset = at(first.offset).col === 1 && indent(here) > 0 && here.trim() !== '' ? first.offset + indent(here) : first.offset;
  // A list item compares with the item above it.
  const item = (i: number) => /^ *- /.test(lines[i]);
  // A key compares with the nearest line above not indented deeper (the first key sets a mapping's column).
  const fits = (i: number) => meaningful(i) && (item(line - 1) ? item(i) : indent(lines[i]) <= indent(here));
  let above = line - 2;
  while (above >= 0 && !fits(above)) above--;
  if (above < 0) for (above = line - 2; above >= 0 && !meaningful(above); ) above--;
  // Items compare by their dash, keys by where the key starts (after the dash of an item line above).
  const column = (i: number) => (item(line - 1) ? indent(lines[i]) + 1 : keyColumn(lines[i]));
  const compare = above >= 0 ? `: line ${line} starts in column ${column(line - 1)}, ${item(line - 1) ? 'the item on ' : ''}line ${above + 1} above it in column ${column(above)}; keys of one mapping, and items of one list, start in the same column` : '';
  return { message: first.message + compare + tail, offset };
}

function indent(s: string): number {
  return s.length - s.replace(/^ +/, '').length;
}

/** Where the key of a line starts (after any `- ` of list items), 1-based. */
function keyColumn(s: string): number {
  return s.length - s.replace(/^[ ]*(?:-[ ]+)*/, '').length + 1;
}

function lineStarts(lines: readonly string[]): number[] {
  const out: number[] = [];
  let o = 0;
  for (const l of lines) {
    out.push(o);
    o += l.length + 1;
  }
  return out;
}
