/**
 * @module analytics/rules/compare-items
 */

/**
 * Orders two item names by UTF-16 code units (JavaScript's `<`; the same as Python's code-point
 * order for names without astral characters), so sorted itemsets read as mlxtend users see them
 * after `sorted(itemset)`.
 *
 * Runs in `O(length)`.
 *
 * @param a - first name
 * @param b - second name
 * @returns negative, zero or positive
 * @throws never
 * @example
 * ["late_meal", "exercised"].sort(compareItems); // => ["exercised", "late_meal"]
 */
export function compareItems(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two sorted item lists as Python compares lists: element by element, and a list that is a
 * prefix of the other comes first. The reference cases sort itemsets by (size, items) and rules by
 * (antecedents, consequents) with this order.
 *
 * Runs in `O(min(a.length, b.length))`.
 *
 * @param a - first list
 * @param b - second list
 * @returns negative, zero or positive
 * @throws never
 * @example
 * compareItemLists(["a", "b"], ["a", "c"]); // => -1
 * compareItemLists(["a", "b"], ["a"]); // => 1
 */
export function compareItemLists(a: readonly string[], b: readonly string[]): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const c = compareItems(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
