/**
 * Service text as the clouds spell ports: `443`, `8000-8099`, one range each.
 */
import { PortSet, rangeText } from '../../net/ports';

/** Each range of `p` as `443` or `8000-8099`; undefined when `p` is every port (clouds write that as no ports, or `*`). */
export function portTexts(p: PortSet): string[] | undefined {
  if (p.isAll()) return undefined;
  return p.ranges.map((r) => rangeText(r.lo, r.hi));
}
