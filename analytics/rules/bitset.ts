/**
 * @module analytics/rules/bitset
 * Fixed-size bitsets over transactions (one bit per row, 32 rows per `Uint32Array` word), the
 * vertical layout of Eclat: the support count of an itemset is the popcount of the AND of its
 * items' bitsets, 32 rows per machine operation.
 */

/**
 * Packs a column of booleans into a bitset: bit `i % 32` of word `i >>> 5` is set when row `i` is
 * true. Bits past the last row stay 0, so ANDs and popcounts never count them.
 *
 * Runs in `O(n)`.
 *
 * @param values - one flag per row
 * @returns a new bitset of `ceil(n / 32)` words
 * @throws never
 * @example
 * packBits([true, false, true]); // => Uint32Array [5]
 */
export function packBits(values: ArrayLike<boolean | number>): Uint32Array {
  const bits = new Uint32Array((values.length + 31) >>> 5);
  for (let i = 0; i < values.length; i++) if (values[i]) bits[i >>> 5] |= 1 << (i & 31);
  return bits;
}

/**
 * Number of set bits of a 32-bit word (SWAR popcount).
 *
 * Reference: H. S. Warren, "Hacker's Delight", 2nd ed. (2012), §5-1.
 *
 * Runs in `O(1)`.
 *
 * @param word - unsigned 32-bit value
 * @returns 0..32
 * @throws never
 * @example
 * popcount32(0xff00ff00); // => 16
 */
export function popcount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Number of set bits of a bitset.
 *
 * Runs in `O(words)`.
 *
 * @param bits - bitset
 * @returns the number of rows whose bit is set
 * @throws never
 * @example
 * countBits(packBits([true, true, false])); // => 2
 */
export function countBits(bits: Uint32Array): number {
  let count = 0;
  for (let w = 0; w < bits.length; w++) count += popcount32(bits[w]);
  return count;
}

/**
 * `out = a AND b`, returning the popcount of the result (the support count of the joined itemset).
 *
 * Runs in `O(words)`; allocates nothing.
 *
 * @param a - first bitset
 * @param b - second bitset, same length
 * @param out - destination, same length (may alias `a` or `b`)
 * @returns the number of set bits of `out`
 * @throws never
 * @example
 * const out = new Uint32Array(1);
 * andCount(packBits([true, true, false]), packBits([false, true, true]), out); // => 1
 */
export function andCount(a: Uint32Array, b: Uint32Array, out: Uint32Array): number {
  let count = 0;
  for (let w = 0; w < out.length; w++) {
    const v = a[w] & b[w];
    out[w] = v;
    count += popcount32(v);
  }
  return count;
}
