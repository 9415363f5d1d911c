/**
 * Customer-managed prefix lists (`aws_ec2_managed_prefix_list`) for CIDR
 * sets: "the internet minus the private ranges" is 38 IPv4 + 7 IPv6 CIDRs,
 * which spelled out costs one rule resource per CIDR, per service piece,
 * per segment. As a list it is 2 resources (one per family) plus one rule
 * per piece and segment.
 *
 * A list is identified by its content — family, CIDRs — and its source
 * (the externals the CIDRs come from), never by the rules that use it, so
 * adding or removing a rule never renames, resizes or replaces a list another
 * rule references. The same CIDRs from differently named sources make two
 * lists; that costs one resource and keeps every name truthful.
 *
 * Quota: AWS counts a rule that references a list as the list's
 * `max_entries` rules, and (as for a group reference) in the IPv4 and the
 * IPv6 quota alike. `max_entries` is exactly the entry count: the content is
 * fixed by the key, so it never has to grow in place.
 */
import { Family } from '../../net/address';
import { digest, truncate } from '../kit/names';
import { AWS_QUOTAS } from './limits';

/** Fewest CIDRs of one family that become a list: with 3, one list plus one rule per piece is always fewer resources than the CIDR rules. */
export const PREFIX_LIST_MIN_ENTRIES = 3;

/** Longest source text kept in ids and names (the digest keeps them unique). */
const SOURCE_IN_NAME_MAX = 64;

export interface PlannedPrefixList {
  /** Construct id within the construct's `prefix_lists` scope: `<source>-v4-<digest>`. */
  readonly id: string;
  /** Content key, as rules' `peer.list` carries it: family, source, CIDRs. */
  readonly key: string;
  /** `<prefix><policy>-<source>-v4-<digest>`. */
  readonly name: string;
  readonly family: Family;
  /** `IPv4` or `IPv6`, as AWS spells the address family. */
  readonly addressFamily: 'IPv4' | 'IPv6';
  /** Sorted, canonical, disjoint: the minimal CIDR cover of the set. */
  readonly cidrs: readonly string[];
  /** = cidrs.length, what each referencing rule weighs against a group's quota. */
  readonly maxEntries: number;
  /** External names the CIDRs come from, `+`-joined (`cidrs` for an anonymous `{cidrs: […]}` term). */
  readonly source: string;
  /** Description of every entry: the policy and the source. */
  readonly entryDescription: string;
  /** `microseg:source` tag value. */
  readonly sourceTag: string;
  /** Set when the name breaks AWS's rules (too long, or the reserved `com.amazonaws` start). */
  readonly nameProblem?: string;
}

/** Source text of a list: the sorted external names, anonymous CIDR terms as `cidrs`. */
export function listSource(externals: readonly (string | undefined)[]): string {
  const names = [...new Set(externals.map((e) => e ?? 'cidrs'))].sort();
  return names.length ? names.join('+') : 'cidrs';
}

/** Content key of a list. */
export function listKey(family: Family, source: string, cidrs: readonly string[]): string {
  return `v${family}|${source}|${cidrs.join(',')}`;
}

function parseKey(key: string): { family: Family; source: string; cidrs: string[] } {
  const [f, source, cidrs] = key.split('|');
  return { family: Number(f.slice(1)) as Family, source, cidrs: cidrs.split(',') };
}

/** The lists `peers` reference, sorted by id; ids lengthen their digest on a collision (practically never). */
export function planPrefixLists(policy: string, prefix: string, peers: readonly { kind: string; list?: string }[]): PlannedPrefixList[] {
  const keys = [...new Set(peers.filter((p) => p.kind === 'prefixList').map((p) => p.list!))].sort();
  const short = (source: string) => truncate(source, SOURCE_IN_NAME_MAX).replace(/[^A-Za-z0-9+-]/g, '-');
  let length = 8;
  let ids: string[];
  for (;;) {
    ids = keys.map((k) => {
      const { family, source } = parseKey(k);
      return `${short(source)}-v${family}-${digest(k, length)}`;
    });
    if (new Set(ids).size === ids.length || length >= 64) break;
    length *= 2;
  }
  return keys
    .map((key, i) => {
      const { family, source, cidrs } = parseKey(key);
      const name = `${prefix}${policy}-${ids[i]}`;
      const nameProblem =
        name.length > AWS_QUOTAS.textMax
          ? `prefix list name '${name}' is longer than ${AWS_QUOTAS.textMax} characters`
          : name.toLowerCase().startsWith('com.amazonaws')
            ? `prefix list name '${name}' starts with 'com.amazonaws', which AWS reserves; choose another name prefix`
            : undefined;
      return {
        id: ids[i],
        key,
        name,
        family,
        addressFamily: family === 4 ? ('IPv4' as const) : ('IPv6' as const),
        cidrs,
        maxEntries: cidrs.length,
        source,
        entryDescription: truncate(`microseg policy ${policy}: ${source.split('+').join(', ')}`, AWS_QUOTAS.textMax),
        sourceTag: truncate(source, AWS_QUOTAS.tagValueMax),
        ...(nameProblem ? { nameProblem } : {}),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
