/**
 * The moments of a parallel `terraform apply`. Each change is one or two
 * events (an update; a create; a destroy; a replacement's destroy and
 * create, in the order `create_before_destroy` decides), and Terraform
 * orders events only along dependencies:
 *
 *  - a create or update of X waits for the create or update of every
 *    resource X refers to (references and `depends_on`) in the new output;
 *  - a destroy of X comes before the destroy of every resource X referred
 *    to in the old output;
 *  - a resource that goes away (destroyed, not replaced) is destroyed only
 *    after the update of every resource that referred to it in the old
 *    output: the dependencies recorded in the state (Terraform drops a
 *    security group only once the instances stop naming it);
 *  - a created-before-destroyed resource Y is destroyed only after every
 *    resource that refers to Y in the new output has been created or updated;
 *  - an update of Y waits for the destroy of every resource that referred to
 *    Y in the old output (destroyed, or replaced destroying first): the state
 *    records that dependency, and Terraform's destroy edges make the
 *    dependency's update wait for its dependent's destroy (Azure rules that
 *    lost a priority slot move back only once its holder is gone).
 *
 * Any set of events closed under "waits for" is a moment some run of the
 * apply passes through. Small plans are enumerated completely; large ones
 * are sampled at the extremes (every destroy as early as it can go, every
 * create as late, and each event alone as early and as late as it can).
 */
import { referencesOf, ResourceChange, isDescriptiveOnly } from './replacement';

export type EventKind = 'create' | 'update' | 'destroy';

export interface ApplyEvent {
  readonly id: number;
  readonly address: string;
  readonly kind: EventKind;
  /** Events that must come first. */
  readonly after: number[];
}

/** One moment: the events done so far. */
export type Moment = ReadonlySet<number>;

export interface Schedule {
  readonly events: readonly ApplyEvent[];
  readonly moments: readonly Moment[];
  /** True when every moment was enumerated; false when sampled. */
  readonly exhaustive: boolean;
}

/** Above this many moments, sample instead of enumerating. */
export const MOMENT_LIMIT = 256;

export function buildEvents(changes: readonly ResourceChange[]): ApplyEvent[] {
  const events: { id: number; address: string; kind: EventKind; after: Set<number> }[] = [];
  const newSide = new Map<string, number>();
  const destroyOf = new Map<string, number>();
  const add = (address: string, kind: EventKind) => {
    const e = { id: events.length, address, kind, after: new Set<number>() };
    events.push(e);
    return e.id;
  };
  for (const c of changes) {
    if (c.action === 'create') newSide.set(c.address, add(c.address, 'create'));
    else if (c.action === 'update' && !isDescriptiveOnly(c)) newSide.set(c.address, add(c.address, 'update'));
    else if (c.action === 'destroy') destroyOf.set(c.address, add(c.address, 'destroy'));
    else if (c.action === 'replace') {
      const d = add(c.address, 'destroy');
      const n = add(c.address, 'create');
      destroyOf.set(c.address, d);
      newSide.set(c.address, n);
      if (c.createBeforeDestroy) events[d].after.add(n);
      else events[n].after.add(d);
    }
  }
  const byAddr = new Map(changes.map((c) => [c.address, c]));
  for (const c of changes) {
    const n = newSide.get(c.address);
    if (n !== undefined) {
      for (const y of referencesOf(c.new)) {
        const m = newSide.get(y);
        if (m !== undefined && m !== n) events[n].after.add(m);
        const yc = byAddr.get(y);
        // A created-before-destroyed Y waits for its new dependents before going away.
        const dy = destroyOf.get(y);
        if (yc?.action === 'replace' && yc.createBeforeDestroy && dy !== undefined) events[dy].after.add(n);
      }
    }
    // An update of X that no longer needs a removed Y goes first: the state still records X's dependency on Y.
    if (n !== undefined && c.action === 'update') {
      for (const y of referencesOf(c.old)) {
        const dy = destroyOf.get(y);
        if (dy !== undefined && byAddr.get(y)?.action === 'destroy') events[dy].after.add(n);
      }
    }
    const d = destroyOf.get(c.address);
    if (d !== undefined) {
      for (const y of referencesOf(c.old)) {
        const dy = destroyOf.get(y);
        if (dy !== undefined && dy !== d) events[dy].after.add(d);
        // A dependent destroyed first (not a deposed object: create_before_destroy keeps it until the end) goes before Y's update.
        const ny = newSide.get(y);
        if (ny !== undefined && byAddr.get(y)?.action === 'update' && !(c.action === 'replace' && c.createBeforeDestroy)) events[ny].after.add(d);
      }
    }
  }
  return events.map((e) => ({ ...e, after: [...e.after].sort((a, b) => a - b) }));
}

/** Events in an order that respects "waits for" (throws on a cycle, which Terraform would refuse too). */
function topological(events: readonly ApplyEvent[]): number[] {
  const state = new Map<number, 1 | 2>();
  const out: number[] = [];
  const visit = (i: number) => {
    const s = state.get(i);
    if (s === 2) return;
    if (s === 1) throw new Error(`dependency cycle through ${events[i].kind} ${events[i].address}`);
    state.set(i, 1);
    for (const p of events[i].after) visit(p);
    state.set(i, 2);
    out.push(i);
  };
  events.forEach((e) => visit(e.id));
  return out;
}

function closureUp(events: readonly ApplyEvent[], seeds: Iterable<number>): Set<number> {
  const out = new Set<number>();
  const stack = [...seeds];
  while (stack.length) {
    const i = stack.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    stack.push(...events[i].after);
  }
  return out;
}

export function schedule(changes: readonly ResourceChange[], limit = MOMENT_LIMIT): Schedule {
  const events = buildEvents(changes);
  const order = topological(events);
  const moments: Set<number>[] = [];
  let overflow = false;
  const walk = (k: number, done: Set<number>) => {
    if (overflow) return;
    if (k === order.length) {
      if (moments.length >= limit) overflow = true;
      else moments.push(new Set(done));
      return;
    }
    const e = events[order[k]];
    walk(k + 1, done);
    if (e.after.every((p) => done.has(p))) {
      done.add(e.id);
      walk(k + 1, done);
      done.delete(e.id);
    }
  };
  walk(0, new Set());
  if (!overflow) return { events, moments, exhaustive: true };

  // Sampled: the extremes, then each event as early and as late as it can be.
  const sampled = new Map<string, Set<number>>();
  const keep = (s: Set<number>) => sampled.set([...s].sort((a, b) => a - b).join(','), s);
  const all = new Set(events.map((e) => e.id));
  const descendants = (i: number) => {
    const out = new Set<number>([i]);
    for (const j of order) if (events[j].after.some((p) => out.has(p))) out.add(j);
    return out;
  };
  keep(new Set());
  keep(all);
  keep(closureUp(events, events.filter((e) => e.kind === 'destroy').map((e) => e.id)));
  const notAfterDestroy = new Set<number>();
  for (const j of order) if (events[j].kind !== 'destroy' && events[j].after.every((p) => notAfterDestroy.has(p))) notAfterDestroy.add(j);
  keep(notAfterDestroy);
  for (const e of events) {
    keep(closureUp(events, [e.id]));
    const late = new Set(all);
    for (const d of descendants(e.id)) late.delete(d);
    keep(late);
  }
  return { events, moments: [...sampled.values()], exhaustive: false };
}

export function describeMoment(events: readonly ApplyEvent[], m: Moment): string {
  const done = events.filter((e) => m.has(e.id));
  const pending = events.filter((e) => !m.has(e.id));
  const list = (es: readonly ApplyEvent[]) =>
    es.length === 0 ? 'nothing' : es.slice(0, 3).map((e) => `${e.kind} ${e.address}`).join(', ') + (es.length > 3 ? ` and ${es.length - 3} more` : '');
  return `after ${list(done)}; before ${list(pending)}`;
}
