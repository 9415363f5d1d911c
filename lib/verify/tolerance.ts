/**
 * What a cloud may differ from the meaning by: the deviations the spec
 * permits at shared addresses (docs/verification.md). The product check asks
 * its target's tolerance about every difference it finds; a tolerated one is
 * counted apart and never makes an output not equivalent. Each cloud that has
 * one states it in `verify/<cloud>.ts`; a cloud without any is `EXACT`.
 */
import { AddressSet, Family } from '../net/address';
import { Direction, ResolvedPolicy } from '../resolve/ir';
import { Packet } from './model';
import { MeaningSide } from './sides';

/** One factor of a pair's product (E or I) at a pair of local atoms: what the output admits, what the meaning does. */
export interface Factor {
  readonly act: AddressSet;
  readonly exp: AddressSet;
}

/** What a tolerance sees of the check at one service atom. */
export interface PacketContext {
  readonly ir: ResolvedPolicy;
  readonly family: Family;
  readonly packet: Packet;
  /** Each segment's addresses of the family. */
  readonly addrOf: ReadonlyMap<string, AddressSet>;
  meaning(segment: string, dir: Direction): MeaningSide;
}

/** A difference on one side of a segment towards (or from) outside hosts. */
export interface OutsideVerdict {
  /** The whole difference is a permitted deviation. */
  readonly ok: boolean;
  /** Peer addresses the output admits and the meaning does not, beyond what is permitted. */
  readonly badExtra: AddressSet;
  /** Peer addresses the meaning admits and the output does not, beyond what is permitted. */
  readonly badMissing: AddressSet;
}

/** A difference between the products of a pair of segments (S egress × D ingress). */
export interface PairVerdict {
  readonly ok: boolean;
  /** Source addresses (of S) where the output may deny what the meaning allows. */
  readonly stricterSrc: AddressSet;
  /** Destination addresses (of D) where the output may deny what the meaning allows. */
  readonly stricterDst: AddressSet;
  /** Destination addresses where S's egress may admit what the meaning denies. */
  readonly looserDst: AddressSet;
}

export interface PacketTolerance {
  /** `extra`, `missing`: the outside-host peer addresses admitted only by the output, only by the meaning. */
  outside(segment: string, dir: Direction, extra: AddressSet, missing: AddressSet): OutsideVerdict;
  pair(src: string, dst: string, egress: Factor, ingress: Factor): PairVerdict;
}

export interface Tolerance {
  /** The tolerance at one service atom (called once per atom and family). */
  at(ctx: PacketContext): PacketTolerance;
}

export const NO_PAIR_TOLERANCE: PairVerdict = { ok: false, stricterSrc: AddressSet.EMPTY, stricterDst: AddressSet.EMPTY, looserDst: AddressSet.EMPTY };

const exactAtPacket: PacketTolerance = {
  outside: (_s, _d, extra, missing) => ({ ok: false, badExtra: extra, badMissing: missing }),
  pair: () => NO_PAIR_TOLERANCE,
};

/** No deviation at all: every difference is a mismatch (Azure). */
export const EXACT: Tolerance = { at: () => exactAtPacket };

/** Is the flow (a → b), admitted by the output or not (`act`), within the verdict's deviation? */
export function toleratedFlow(v: PairVerdict, family: Family, a: bigint, b: bigint, act: boolean, ingress: Factor): boolean {
  if (!act) return v.stricterSrc.contains(family, a) || v.stricterDst.contains(family, b);
  return v.looserDst.contains(family, b) && ingress.exp.contains(family, a);
}
