/**
 * @module analytics/rules/apriori
 */
import { AnalyticsInputError } from "../errors.ts";
import { andCount, countBits } from "./bitset.ts";
import { booleanTable, type BooleanColumns } from "./boolean-table.ts";
import { compareItemLists, compareItems } from "./compare-items.ts";

/** One frequent itemset. */
export interface FrequentItemset {
  /** Item names, sorted (see {@link compareItems}). */
  readonly itemset: readonly string[];
  /** Fraction of rows that contain every item: `count / n`, computed as mlxtend does. */
  readonly support: number;
  /** Number of rows that contain every item. Counts of row chunks add up (supports do not). */
  readonly count: number;
}

/** Result of {@link apriori}: everything {@link associationRules} needs. */
export interface AprioriResult {
  /** Number of rows (transactions); mlxtend's `num_itemsets` for `association_rules`. */
  readonly n: number;
  /** Frequent itemsets sorted by (size, items), the order of the reference cases. */
  readonly itemsets: readonly FrequentItemset[];
}

/** Options of {@link apriori}. */
export interface AprioriOptions {
  /** Largest itemset size to mine (mlxtend `max_len`); default: no limit. */
  readonly maxLen?: number;
}

interface Level {
  /** Item indices of each itemset, ascending; the list is in lexicographic order. */
  readonly sets: number[][];
  /** The rows containing each itemset. */
  readonly bits: Uint32Array[];
  readonly counts: number[];
}

/**
 * Frequent itemsets by the Apriori algorithm, the output of mlxtend 0.23.4
 * `apriori(df, min_support, use_colnames=True, max_len)`: every itemset whose support — the share
 * of rows that contain all of its items, `count / n` — is at least `minSupport` (compared in
 * floating point exactly as mlxtend does, so 9 of 90 rows meets 0.1).
 *
 * Level k+1 candidates join two frequent k-itemsets sharing their first k-1 items and are pruned
 * unless every k-subset is frequent (downward closure). Supports are counted on bitsets: the rows
 * of a candidate are its parent's rows AND the new item's rows, then a popcount, so a level costs
 * `O(candidates · n/32)` word operations.
 *
 * mlxtend raises for `min_support <= 0`; this also rejects `minSupport > 1` (which can only mean a
 * percentage was passed) and a table with no rows. Output order is (size, sorted items) rather than
 * mlxtend's column-index order; the sets are the same.
 *
 * Reference: R. Agrawal, R. Srikant, "Fast algorithms for mining association rules", VLDB 1994,
 * 487–499; M. J. Zaki, "Scalable algorithms for association mining", IEEE TKDE 12 (2000) 372–390,
 * doi:10.1109/69.846291 (vertical bitsets); mlxtend `frequent_patterns.apriori`.
 *
 * Runs in `O(Σ_k |C_k| · (k + n/32))` time for candidate sets `C_k`, and `O(|L_k| · n/32)` memory
 * for the largest level `L_k`.
 *
 * @param columns - item name → one flag per row (booleans or 0/1), all the same length
 * @param minSupport - minimum support in (0, 1]
 * @param options - `maxLen`
 * @returns the row count and the frequent itemsets with support and count
 * @throws {AnalyticsInputError} field `minSupport` outside (0, 1], `maxLen` not a positive
 *   integer, or any error of {@link booleanTable} (`columns…`)
 * @example
 * apriori({ a: [true, true, false, true], b: [true, false, false, true] }, 0.5).itemsets;
 * // => [{ itemset: ["a"], support: 0.75, count: 3 }, { itemset: ["b"], support: 0.5, count: 2 },
 * //     { itemset: ["a", "b"], support: 0.5, count: 2 }]
 */
export function apriori(columns: BooleanColumns, minSupport: number, options: AprioriOptions = {}): AprioriResult {
  if (typeof minSupport !== "number" || !(minSupport > 0 && minSupport <= 1)) {
    throw new AnalyticsInputError("minSupport", `apriori: minSupport must be a number in (0, 1], got ${String(minSupport)}`);
  }
  const maxLen = options.maxLen ?? Number.POSITIVE_INFINITY;
  if (maxLen !== Number.POSITIVE_INFINITY && !(Number.isInteger(maxLen) && maxLen >= 1)) {
    throw new AnalyticsInputError("maxLen", `apriori: maxLen must be a positive integer, got ${String(maxLen)}`);
  }
  const table = booleanTable(columns, "apriori");
  const { items, n } = table;
  // mlxtend: support = np.sum(column) / n_rows; kept when support >= min_support.
  const isFrequent = (count: number): boolean => count / n >= minSupport;

  const found: FrequentItemset[] = [];
  const record = (level: Level): void => {
    for (let s = 0; s < level.sets.length; s++) {
      const itemset = level.sets[s].map((j) => items[j]).sort(compareItems);
      found.push({ itemset, support: level.counts[s] / n, count: level.counts[s] });
    }
  };

  let level: Level = { sets: [], bits: [], counts: [] };
  for (let j = 0; j < items.length; j++) {
    const count = countBits(table.bits[j]);
    if (isFrequent(count)) {
      level.sets.push([j]);
      level.bits.push(table.bits[j]);
      level.counts.push(count);
    }
  }
  record(level);

  const words = table.bits[0].length;
  let scratch = new Uint32Array(words);
  for (let size = 2; size <= maxLen && level.sets.length >= 2; size++) {
    const previous = new Set(level.sets.map((set) => set.join(",")));
    const next: Level = { sets: [], bits: [], counts: [] };
    const sets = level.sets;
    for (let a = 0; a < sets.length; a++) {
      const left = sets[a];
      for (let b = a + 1; b < sets.length; b++) {
        const right = sets[b];
        if (!samePrefix(left, right)) break; // sets are in lexicographic order: the block has ended
        const candidate = [...left, right[right.length - 1]];
        if (!allSubsetsFrequent(candidate, previous)) continue;
        const count = andCount(level.bits[a], table.bits[candidate[candidate.length - 1]], scratch);
        if (!isFrequent(count)) continue;
        next.sets.push(candidate);
        next.bits.push(scratch);
        next.counts.push(count);
        scratch = new Uint32Array(words);
      }
    }
    record(next);
    level = next;
  }

  found.sort((x, y) => x.itemset.length - y.itemset.length || compareItemLists(x.itemset, y.itemset));
  return { n, itemsets: found };
}

/** Whether two ascending k-sets share their first k-1 items. */
function samePrefix(left: number[], right: number[]): boolean {
  for (let i = 0; i < left.length - 1; i++) if (left[i] !== right[i]) return false;
  return true;
}

/** Apriori pruning: the subsets without one of the first k-1 items (the two parents are known). */
function allSubsetsFrequent(candidate: number[], previous: Set<string>): boolean {
  for (let drop = 0; drop < candidate.length - 2; drop++) {
    const subset = candidate.filter((_, i) => i !== drop);
    if (!previous.has(subset.join(","))) return false;
  }
  return true;
}
