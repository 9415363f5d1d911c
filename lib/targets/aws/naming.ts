/**
 * Names, ids and descriptions of AWS resources. Everything derives from the
 * policy, segment and rule names and from a digest of a rule's content,
 * never from positions, so adding one rule leaves every other id alone.
 */
import { Origin } from '../../resolve/ir';
import { truncate } from '../kit/names';
import { AWS_QUOTAS } from './limits';

/** Security group name: `<prefix><policy>-<segment>`, overflow groups `…<segment>.2`, `.3` (a `.` cannot occur in a segment name, so no two segments collide). */
export function groupName(prefix: string, policy: string, segment: string, index: number): string {
  return `${prefix}${policy}-${segment}${index === 0 ? '' : `.${index + 1}`}`;
}

/** Construct id of a segment's group within the segment's scope. */
export function groupConstructId(index: number): string {
  return index === 0 ? 'sg' : `sg-${index + 1}`;
}

export function groupDescription(policy: string, segment: string, index: number): string {
  // Stable text: a group's description is immutable in AWS (changing it replaces the group), so it never mentions the group count.
  const base = `microseg policy ${policy}: segment ${segment}`;
  return truncate(index === 0 ? base : `${base}, overflow group ${index + 1}`, AWS_QUOTAS.textMax);
}

/**
 * Label group name: `<prefix><policy>-label-<label>=<value>`; the all-segments group `<prefix><policy>.all-segments`.
 * Segment groups are `<prefix><policy>-<segment>[.<n>]` and names hold neither `=` nor `.`, so none can coincide.
 */
export function labelGroupName(prefix: string, policy: string, key: string): string {
  return key === '*' ? `${prefix}${policy}.all-segments` : `${prefix}${policy}-label-${key}`;
}

/** Construct id of a label group within the `label_groups` scope: `env_prod`, `all` (`_` occurs in no name). */
export function labelGroupConstructId(key: string): string {
  return key === '*' ? 'all' : key.replace('=', '_');
}

export function labelGroupDescription(policy: string, key: string): string {
  // Immutable in AWS like every group description: it names the value, never the segments.
  const who = key === '*' ? 'every segment' : `segments with ${key}`;
  return truncate(`microseg policy ${policy}: label group of ${who}, holds no rules; rules reference it`, AWS_QUOTAS.textMax);
}

/** `rule web-to-app`, `guardrail allow-monitoring`. */
export function originLabel(o: Pick<Origin, 'kind' | 'name'>): string {
  return `${o.kind} ${o.name}`;
}

/**
 * `items` joined by `sep`, as many as fit in `max` characters after `head`,
 * then ` (+N more)`. Items are taken in the given (sorted) order, so the cut
 * is deterministic.
 */
export function joinWithin(head: string, items: readonly string[], sep: string, max: number): string {
  let out = head;
  for (let i = 0; i < items.length; i++) {
    const piece = (i === 0 ? '' : sep) + items[i];
    const rest = items.length - i - 1;
    const tail = rest > 0 ? ` (+${rest} more)` : '';
    if ((out + piece + tail).length > max) {
      const more = ` (+${items.length - i} more)`;
      return (out.length + more.length <= max ? out + more : truncate(out, max)).trimEnd();
    }
    out += piece;
  }
  return out;
}

/** Rule description: the policy and every rule or guardrail the emitted rule realises. */
export function ruleDescription(policy: string, origins: readonly Pick<Origin, 'kind' | 'name'>[]): string {
  return joinWithin(`microseg policy ${policy}: `, origins.map(originLabel), ', ', AWS_QUOTAS.textMax);
}

/** Tag value listing origin names, within the tag value limit. */
export function originsTag(origins: readonly Pick<Origin, 'name'>[]): string {
  return joinWithin('', origins.map((o) => o.name), ',', AWS_QUOTAS.tagValueMax);
}
