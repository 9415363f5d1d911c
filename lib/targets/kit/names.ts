/**
 * Names every back end derives from what a resource is: a short content
 * digest, a name fitted into a cloud's length limit, a text cut to a limit.
 * Shared so that the clouds cannot drift apart in how they shorten names
 * (a name is part of the contract with the live network: it must be the
 * same on every run and change only when the resource does).
 */
import { digestBytes, digestHex } from '../digest';

const sha256Hex = (text: string): string => digestHex('sha256', text);
const sha256Bytes = (text: string): Buffer => digestBytes('sha256', text);

/** Hex characters of the digest a fitted name ends with. */
export const NAME_DIGEST_LENGTH = 6;

/** The first `length` hex characters of the sha256 of `text`: stable, short, practically collision-free at our sizes. */
export function digest(text: string, length: number = NAME_DIGEST_LENGTH): string {
  return sha256Hex(text).slice(0, length);
}

/** A stable 32-bit number of `text` (the first 4 bytes of its sha256), e.g. for priority slots. */
export function hash32(text: string): number {
  return sha256Bytes(text).readUInt32BE(0);
}

/**
 * `name` within `max` characters: unchanged when it fits, else its head
 * (without trailing separators) and a digest of the whole name, so two long
 * names differing only at the end stay distinct and readable.
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const d = digest(name);
  const head = name.slice(0, max - d.length - 1).replace(/[-._]+$/, '');
  return `${head}-${d}`;
}

/** `text` cut to `max` characters, plainly (for texts a cloud stores as given, like AWS descriptions). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/** `text` within `max` characters, ending in `...` when cut (for descriptions a reader should see were cut). */
export function fitText(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 3) + '...';
}
