/**
 * @module worker/insights/pipeline/codec
 * Typed arrays ↔ base64 text for chunk data stored in D1 (`insight_chunks.data`). Several arrays
 * are packed one after another, each 8-byte aligned, with their kinds and lengths in a small JSON
 * header, so a matrix-profile partial (two Float64Array and two Int32Array of ~26,000 values)
 * travels as one string. Base64 text rather than a BLOB: see worker/db/schema-insights.ts.
 */
import { base64ToBytes, bytesToBase64 } from "../../../vocabulary/bytes.ts";

type Packed = Float64Array | Int32Array;

interface Header {
  /** Kind and length of each array, in order. */
  a: Array<["f64" | "i32", number]>;
}

/** Packs arrays into one base64 string: `<header JSON>\n<base64 bytes>`. */
export function packArrays(arrays: readonly Packed[]): string {
  const header: Header = { a: arrays.map((x) => [x instanceof Float64Array ? "f64" : "i32", x.length]) };
  let size = 0;
  for (const x of arrays) size += Math.ceil(x.byteLength / 8) * 8;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const x of arrays) {
    bytes.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), offset);
    offset += Math.ceil(x.byteLength / 8) * 8;
  }
  return `${JSON.stringify(header)}\n${bytesToBase64(bytes)}`;
}

/**
 * Unpacks what {@link packArrays} wrote.
 * @throws Error when the text is not a packed array list (corrupt or truncated data).
 */
export function unpackArrays(text: string): Packed[] {
  const nl = text.indexOf("\n");
  let header: Header;
  try {
    header = JSON.parse(text.slice(0, nl)) as Header;
  } catch {
    throw new Error("unpackArrays: the stored data has no valid header (corrupt chunk data)");
  }
  if (nl < 0 || !Array.isArray(header.a)) throw new Error("unpackArrays: the stored data has no valid header (corrupt chunk data)");
  const bytes = base64ToBytes(text.slice(nl + 1));
  const out: Packed[] = [];
  let offset = 0;
  for (const [kind, length] of header.a) {
    const width = kind === "f64" ? 8 : 4;
    if (offset + length * width > bytes.byteLength) throw new Error("unpackArrays: the stored data is shorter than its header says (corrupt chunk data)");
    const slice = bytes.slice(offset, offset + length * width).buffer;
    out.push(kind === "f64" ? new Float64Array(slice) : new Int32Array(slice));
    offset += Math.ceil((length * width) / 8) * 8;
  }
  return out;
}
