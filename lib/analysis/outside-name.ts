/**
 * A name for outside addresses in a flow change: the external they are, as
 * people wrote it in the policy, rather than the CIDRs it decomposes into.
 * Flows never cross address families, so an external matches when it holds
 * exactly these addresses in every family the flow's segment end has (the
 * IPv6 half of `internet` is no difference for an IPv4-only segment). When
 * no external matches, one external less some others (`internet except
 * payment-gateway`) names the set when that is exact; else the CIDRs.
 */
import { AddressSet, Family } from '../net/address';

export interface NamedAddresses {
  readonly name: string;
  readonly addresses: AddressSet;
}

const FAMILIES: readonly Family[] = [4, 6];
const MAX_EXCEPT = 3;

/** `set` seen in the families of `peer` (the segment end of the flow). */
function within(set: AddressSet, peer: AddressSet): AddressSet {
  return FAMILIES.filter((f) => peer.hasFamily(f)).reduce((acc, f) => acc.union(set.family(f)), AddressSet.EMPTY);
}

/** The external(s) `set` is, seen from `peer`; undefined when no exact name exists. */
export function nameOutside(set: AddressSet, peer: AddressSet, externals: readonly NamedAddresses[]): string | undefined {
  const seen = within(set, peer);
  if (seen.isEmpty()) return undefined;
  const scoped = externals.map((e) => ({ name: e.name, addresses: within(e.addresses, peer) })).filter((e) => !e.addresses.isEmpty());
  const exact = scoped.find((e) => e.addresses.equals(seen));
  if (exact) return exact.name;
  for (const e of scoped) {
    if (!e.addresses.containsSet(seen)) continue;
    const missing = e.addresses.subtract(seen);
    const parts = scoped.filter((f) => f.name !== e.name && missing.containsSet(f.addresses));
    const covered = parts.reduce((acc, f) => acc.union(f.addresses), AddressSet.EMPTY);
    if (parts.length > 0 && parts.length <= MAX_EXCEPT && covered.equals(missing)) return `${e.name} except ${[...new Set(parts.map((f) => f.name))].sort().join(', ')}`;
  }
  return undefined;
}
