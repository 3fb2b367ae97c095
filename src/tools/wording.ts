/** Words shared by summaries and questions. */

/**
 * `n` with its noun in the right number: `1 organization`, `2 organizations`, `0 members`.
 * @param many the plural, when it is not `one` plus `s`.
 */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
