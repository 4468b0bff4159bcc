/** "1 tool", "2 tools": a count with its noun, plural when it is not one. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
