/** Types for bench/generate.js (plain JavaScript so `npm run bench` needs no build step). */
export declare function generatePolicy(segments: number, seed?: number): Record<string, any>;
export declare const SIZES: readonly number[];
export declare function prng(seed: number): () => number;
