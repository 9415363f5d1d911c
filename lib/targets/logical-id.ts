/**
 * Terraform logical ids as CDKTF allocates them for a construct path below
 * the stack, computed without loading any CDKTF core: the CLI names every
 * resource exactly as a stack holding the same constructs would, so moving
 * from `microseg compile` to the constructs (or back) changes no address.
 *
 * This is cdktf 0.21's `makeUniqueId` (lib/private/unique.ts, the
 * `HashedAddressingScheme`), and cdktn 0.24's, which kept it: a single
 * component is used as is; otherwise the components joined by `_`
 * (a component ending the previous one skipped, `Default` dropped,
 * `Resource` hidden from the human part) and the first 8 hex digits of the
 * MD5 of the path, upper case. test/targets/logical-id.test.ts checks it
 * against both cores.
 */
import { digestHex } from './digest';

const HIDDEN_ID = 'Default';
const HIDDEN_FROM_HUMAN_ID = 'Resource';
const MAX_HUMAN_LEN = 240;
const MAX_ID_LEN = 255;

const UNCLEAN = /[^A-Za-z0-9_-]/;
/** A component without the characters logical ids drop; most have none, and testing allocates nothing. */
const clean = (s: string): string => (UNCLEAN.test(s) ? s.replace(/[^A-Za-z0-9_-]/g, '') : s);

const md5Hex = (text: string): string => digestHex('md5', text);

/** The logical id of the construct at `components` (ids from just below the stack down to the resource). */
export function logicalId(components: readonly string[]): string {
  const parts = components.filter((c) => c !== HIDDEN_ID);
  if (parts.length === 0) throw new Error('logicalId: no path components');
  if (parts.length === 1) {
    const candidate = clean(parts[0]);
    if (candidate.length <= MAX_ID_LEN) return candidate;
  }
  const hash = md5Hex(parts.join('/')).slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const c of parts) if (human.length === 0 || !human[human.length - 1].endsWith(c)) human.push(c);
  return (
    human
      .filter((c) => c !== HIDDEN_FROM_HUMAN_ID)
      .map(clean)
      .join('_')
      .slice(0, MAX_HUMAN_LEN) +
    '_' +
    hash
  );
}
