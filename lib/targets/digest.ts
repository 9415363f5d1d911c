/**
 * Digests for names and logical ids (both part of the contract with the live
 * network: the same bytes on every run, whichever way node computes them).
 */
import * as crypto from 'crypto';

/** Node's one-shot digest where it exists (20.12 and later: a third of createHash's cost per call), else createHash. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex' | 'buffer') => string | Buffer }).hash;

/** The hex digest of `text` (`sha256`, `md5`…). */
export const digestHex = (algorithm: string, text: string): string => (oneShot ? (oneShot(algorithm, text, 'hex') as string) : crypto.createHash(algorithm).update(text).digest('hex'));

/** The raw digest of `text`. */
export const digestBytes = (algorithm: string, text: string): Buffer => (oneShot ? (oneShot(algorithm, text, 'buffer') as Buffer) : crypto.createHash(algorithm).update(text).digest());
