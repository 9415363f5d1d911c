/**
 * How many segment pairs a compile may list, and the located error (MS2001)
 * when a policy needs more: counted before any pair is built, so a policy
 * too large fails with the rules that make it so, never with a heap crash
 * minutes later. Resolve counts the pairs the IR lists (a rule side held as
 * a segment set lists none, ir.ts); a back end that must still list a set's
 * pairs, having no single identity for its peers, counts them on top with
 * the same budget before it does.
 */
import { severityOf } from '../model/codes';
import { Diagnostic, PolicyError } from '../model/diagnostics';
import { Origin, ResolvedPolicy } from './ir';

/**
 * Segment pairs a compile may hold in all: each listed pair costs every back end two side entries and their rules
 * (about 100 bytes each before any output); 20 million kept the 10,000-segment estate's largest policies under 3 GB.
 */
export const MAX_SEGMENT_PAIRS = 20_000_000;

const n = (x: number) => x.toLocaleString('en-US');

export class PairBudget {
  private total = 0;
  private readonly counted: { origin: Origin; pairs: number }[] = [];

  /** `target`: the back end that would list the pairs, and why (undefined for the IR itself). */
  constructor(
    readonly max: number,
    private readonly policy: { readonly name: string; readonly file?: string },
    private readonly target?: { readonly name: string; readonly why: string },
    already = 0,
  ) {
    this.total = already;
  }

  get used(): number {
    return this.total;
  }

  /** Count `pairs` of `origin`; throws PolicyError MS2001 once the total exceeds the budget. */
  add(origin: Origin, pairs: number): void {
    this.total += pairs;
    this.counted.push({ origin, pairs });
    if (this.total > this.max) this.fail();
  }

  private fail(): never {
    // The rules that make it so: the largest, and any other holding a tenth of the pairs.
    const top = [...this.counted].sort((a, b) => b.pairs - a.pairs).filter((c, i) => i === 0 || c.pairs * 10 >= this.total).slice(0, 3);
    const where = this.target ? ` for ${this.target.name}` : '';
    const why = this.target ? this.target.why : 'every segment of its from with every segment of its to';
    const diagnostics: Diagnostic[] = top.map(({ origin: o, pairs: p }) => ({
      code: 'MS2001',
      severity: severityOf('MS2001'),
      message: `policy too large${where}: ${o.kind} '${o.name}' relates ${n(p)} segment pairs (${why}), and the policy over ${n(this.total)} in all, more than the ${n(this.max)} the compiler holds; narrow its selectors or add sameLabels`,
      location: o.location,
      file: o.location ? undefined : this.policy.file,
    }));
    throw new PolicyError(diagnostics, `policy '${this.policy.name}' is too large to compile${where}: over ${n(this.max)} segment pairs`);
  }
}

/** A budget for a back end about to list pairs of segment sets, saying why it must: what the IR already lists counts too. */
export function targetBudget(ir: ResolvedPolicy, target: string, why: string): PairBudget {
  return new PairBudget(ir.pairBudget?.max ?? MAX_SEGMENT_PAIRS, { name: ir.policy.doc.metadata.name, file: ir.policy.file }, { name: target, why }, ir.pairBudget?.listed ?? 0);
}
