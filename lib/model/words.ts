/** `1 segment`, `3 segments`: counts that read right in summaries. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
