/**
 * @module analytics/rules/boolean-table
 */
import { AnalyticsInputError } from "../errors.ts";
import { packBits } from "./bitset.ts";

/**
 * A one-hot transaction table, one column per item and one row per transaction (a day): the
 * layout mlxtend's `apriori` takes as a boolean DataFrame. Values are booleans or 0/1.
 */
export type BooleanColumns = Readonly<Record<string, ArrayLike<boolean | number>>>;

/** A validated {@link BooleanColumns} with every column packed into a bitset. */
export interface BooleanTable {
  /** Item names in the input's key order. */
  readonly items: readonly string[];
  /** Number of rows (transactions). */
  readonly n: number;
  /** One bitset per item, `bits[j]` for `items[j]` (see {@link packBits}). */
  readonly bits: readonly Uint32Array[];
}

/**
 * Validates a one-hot table and packs each column into a bitset. Like mlxtend's
 * `valid_input_check`, only `true`/`false`/`1`/`0` are accepted (mlxtend 0.23.4's NaN mode for
 * missing values is not supported: encode "unknown" as false and report it, as
 * {@link dailyFeatures} does).
 *
 * Runs in `O(items · n)`.
 *
 * @param columns - item name → one flag per row; all columns the same length
 * @param caller - name of the calling function, used in error messages
 * @returns the packed table
 * @throws {AnalyticsInputError} field `columns` when there is no item or no row,
 *   `columns.<item>` for a column that is not an array or has another length,
 *   `columns.<item>[i]` for a value other than true, false, 0 or 1
 * @example
 * booleanTable({ a: [true, false], b: [1, 1] }); // => { items: ["a", "b"], n: 2, bits: [Uint32Array [1], Uint32Array [3]] }
 */
export function booleanTable(columns: BooleanColumns, caller = "booleanTable"): BooleanTable {
  if (typeof columns !== "object" || columns === null) {
    throw new AnalyticsInputError("columns", `${caller}: columns must be an object of item name → boolean array`);
  }
  const items = Object.keys(columns);
  if (items.length === 0) throw new AnalyticsInputError("columns", `${caller}: columns must hold at least one item`);
  let n = -1;
  const bits = items.map((item) => {
    const column = columns[item];
    const field = `columns.${item}`;
    if (typeof column !== "object" || column === null || typeof column.length !== "number") {
      throw new AnalyticsInputError(field, `${caller}: ${field} must be an array of booleans`);
    }
    if (n < 0) n = column.length;
    else if (column.length !== n) {
      throw new AnalyticsInputError(field, `${caller}: ${field} has ${column.length} rows, expected ${n} like columns.${items[0]}`);
    }
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (v !== true && v !== false && v !== 0 && v !== 1) {
        throw new AnalyticsInputError(`${field}[${i}]`, `${caller}: ${field}[${i}] must be true, false, 0 or 1, got ${JSON.stringify(v) ?? String(v)}`);
      }
    }
    return packBits(column);
  });
  if (n === 0) throw new AnalyticsInputError("columns", `${caller}: columns must hold at least one row (transaction)`);
  return { items, n, bits };
}
