/**
 * No loop nests more than three deep in one function of lib/verify/ (issue
 * 15: `checkEquivalence` once nested eight): deeper nesting is the product
 * check's cost hidden in one body, and past three nobody reads it. Loops are
 * `for`, `for…of`, `for…in`, `while`, `do`, and the array methods that call
 * a function per element (`forEach`, `map`, `flatMap`, `filter`, `some`,
 * `every`, `find`, `findIndex`, `reduce`): their callback is the loop's
 * body, so its loops nest in it. Any other function starts again at zero:
 * it is a function of its own. Read with the TypeScript parser, not by text.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const MAX_DEPTH = 3;
const VERIFY = path.join(__dirname, '../../lib/verify');
const ITERATING = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'findIndex', 'reduce']);

const isLoop = (n: ts.Node) => ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n);

/** A call `x.forEach(fn)` and the like, whose function argument is a loop body. */
function iterationCallback(n: ts.Node): boolean {
  const call = n.parent;
  return (
    ts.isFunctionLike(n) &&
    call !== undefined &&
    ts.isCallExpression(call) &&
    call.arguments.includes(n as unknown as ts.Expression) &&
    ts.isPropertyAccessExpression(call.expression) &&
    ITERATING.has(call.expression.name.text)
  );
}

interface Deep {
  readonly where: string;
  readonly depth: number;
}

/** The deepest loop nesting of every function of a source, where it exceeds `max`. */
export function deepLoops(file: string, text: string, max: number): Deep[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Deep[] = [];
  const visit = (n: ts.Node, depth: number) => {
    let d = depth;
    if (isLoop(n) || iterationCallback(n)) d = depth + 1;
    else if (ts.isFunctionLike(n)) d = 0;
    if (d > max && d > depth) {
      const { line, character } = src.getLineAndCharacterOfPosition(n.getStart(src));
      out.push({ where: `${path.basename(file)}:${line + 1}:${character + 1}`, depth: d });
    }
    n.forEachChild((c) => visit(c, d));
  };
  visit(src, 0);
  return out;
}

describe('loop nesting in lib/verify', () => {
  it(`never exceeds ${MAX_DEPTH} in one function`, () => {
    const files = fs.readdirSync(VERIFY).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => deepLoops(f, fs.readFileSync(path.join(VERIFY, f), 'utf8'), MAX_DEPTH));
    expect(found).toEqual([]);
  });

  it('counts loops, iteration callbacks, and starts again in a function of its own', () => {
    const four = 'function f(a: number[][][]) { for (const x of a) x.forEach((y) => y.map((z) => { while (z.length) z.pop(); })); }';
    expect(deepLoops('four.ts', four, MAX_DEPTH)).toEqual([{ where: 'four.ts:1:82', depth: 4 }]);
    const split = 'function f(a: number[][][]) { for (const x of a) for (const y of x) { const g = (z: number[]) => { for (const w of z) while (w) break; }; g(y); } }';
    expect(deepLoops('split.ts', split, MAX_DEPTH)).toEqual([]);
    const method = 'class C { m(a: number[][][][]) { for (const b of a) for (const c of b) for (const d of c) for (const e of d) void e; } }';
    expect(deepLoops('method.ts', method, MAX_DEPTH).map((d) => d.depth)).toEqual([4]);
  });
});
