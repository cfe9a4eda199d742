/**
 * @module worker/imports/parts
 * An import sent in parts (a file too large for one request, such as a 1 GB Apple Health export):
 * `?upload_id=<client UUID>&part=<0-based>[&last=true]`, each body the next bytes of the file,
 * cut anywhere (inside a line, a UTF-8 character or an XML element). Each part is parsed as it
 * arrives; between parts D1 keeps the format, options, running totals, the bytes not parsed yet
 * and the parser's state (interop/resume.ts), so the file is never held whole. Parts come in
 * order: a part already received is answered again from its stored answer and stores nothing
 * (same bytes) or is refused (other bytes, 409); a skipped part is refused with 409 naming
 * `part`; an unknown upload is 404, one idle for 24 hours 410. Row numbers are the whole file's.
 *
 * Caps, each answered 413 naming the limit, after which the upload's state is removed (rows
 * imported by the parts already answered stay, as those answers said): at most
 * {@link MAX_UPLOAD_PARTS} parts, {@link MAX_UPLOAD_BYTES} bytes in all, and
 * {@link MAX_CARRIED_BYTES} carried from one part to the next (the parser's saved state plus
 * unparsed bytes: a comment, tag or quoted field left open grows it with every part). The part
 * that would carry too much stores nothing of its own.
 */
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { toHex } from "../lib/crypto.ts";
import { ApiError, errorBody, invalid } from "../lib/errors.ts";
import { deleteUploads, findUpload, findUploadPart, loadUploadState, saveUploadPart, type UploadProgress } from "../repositories/interop.ts";
import type { FormatId, StreamParser } from "../../interop/index.ts";
import { completeUtf8Length, restoreParser, snapshotParser } from "../../interop/resume.ts";
import { base64ToBytes, bytesToBase64 } from "../../vocabulary/bytes.ts";
import { concat, HEAD_BYTES, importOptions, makeParser, startParser, unreadable, uploadStream, type ImportOptions } from "./file.ts";
import { addParsed, closeRun, ImportRun, type RunTotals } from "./run.ts";

/** Parts per upload: 8 GiB in parts of the 8 MiB body limit. */
export const MAX_UPLOAD_PARTS = 1_000;
/** Bytes per upload in all (Apple Health exports of several years are about 1 GiB). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/**
 * Parser state plus unparsed bytes carried between two parts. The real Apple Health export in
 * ../shared/data (3.8 MB) never carries more than 8 KB; an unfinished construct this large is not
 * a real file's.
 */
export const MAX_CARRIED_BYTES = 8 * 1024 ** 2;
const MIB = 1024 ** 2;

const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface PartQuery {
  id: string;
  part: number;
  last: boolean;
}

export function partQuery(c: Context<AppEnv>, id: string): PartQuery {
  const fields: { path: string; message: string }[] = [];
  if (!UPLOAD_ID.test(id)) fields.push({ path: "upload_id", message: "must be 8–64 letters, digits, - or _ (a UUID from crypto.randomUUID() is ideal)" });
  const rawPart = c.req.query("part");
  const part = Number(rawPart);
  if (rawPart === undefined || !/^\d{1,6}$/.test(rawPart)) fields.push({ path: "part", message: "is required with upload_id: the 0-based number of this part (at most 999999)" });
  const rawLast = c.req.query("last") ?? "false";
  if (!["true", "false", "1", "0"].includes(rawLast)) fields.push({ path: "last", message: 'must be "true" or "false"' });
  if (fields.length) throw invalid(fields);
  return { id, part, last: rawLast === "true" || rawLast === "1" };
}

/** Refuses the part with 413 naming the limit, after removing the upload's state (its parts, parser state, progress). */
async function overLimit(c: Context<AppEnv>, id: string, code: string, message: string, path: string): Promise<never> {
  await deleteUploads(await userDb(c), c.get("user").id, { id });
  throw new ApiError(413, code, `${message}; the upload was discarded (rows imported by earlier parts stay)`, [{ path, message }]);
}

const replayed = (c: Context<AppEnv>, response: string) => c.body(response, 200, { "content-type": "application/json", "idempotent-replayed": "true" });

/** One part of an upload (see the module comment). */
export async function importPart(c: Context<AppEnv>, q: PartQuery) {
  const userId = c.get("user").id;
  const db = await userDb(c);
  // A part is bounded by the request body limit (8 MiB), so reading it whole is fine; its hash
  // tells a client's retry (same bytes) from a different part sent under the same number.
  const body = new Uint8Array(await new Response(await uploadStream(c)).arrayBuffer());
  const sha256 = toHex(await crypto.subtle.digest("SHA-256", body));
  const upload = await findUpload(db, userId, q.id);
  if (upload && upload.expiresAt < Date.now()) {
    await deleteUploads(db, userId, { id: q.id });
    return c.json(errorBody("upload_expired", "This upload received no part for 24 hours and was discarded; start again with part=0 and a new upload_id", [{ path: "upload_id", message: "has expired" }]), 410);
  }
  if (!upload && q.part > 0) throw new ApiError(404, "not_found", "No upload with this upload_id: send part=0 first", [{ path: "upload_id", message: "is not a started upload of this account" }]);
  if (upload && q.part < upload.nextPart) {
    const prev = await findUploadPart(db, userId, q.id, q.part);
    if (prev && prev.sha256 === sha256) return replayed(c, prev.response);
    throw new ApiError(409, "part_conflict", `Part ${q.part} was already received with other bytes`, [{ path: "part", message: `part ${q.part} was already received with other bytes; the next part is ${upload.done ? "none (the upload is complete)" : upload.nextPart}` }]);
  }
  if (upload?.done) throw new ApiError(409, "part_conflict", "The upload is complete", [{ path: "part", message: `the upload ended with part ${upload.nextPart - 1}` }]);
  const expected = upload?.nextPart ?? 0;
  if (q.part !== expected) throw new ApiError(409, "part_out_of_order", `Parts must come in order: expected part ${expected}`, [{ path: "part", message: `expected ${expected}, got ${q.part}` }]);
  if (!upload) await deleteUploads(db, userId, { expiredBefore: Date.now() });
  if (q.part >= MAX_UPLOAD_PARTS) await overLimit(c, q.id, "too_many_parts", `An upload has at most ${MAX_UPLOAD_PARTS} parts`, "part");

  const options: ImportOptions = upload ? (JSON.parse(upload.options) as ImportOptions) : importOptions(c);
  if (options.format === "glucolens-json") throw invalid([{ path: "format", message: "a GlucoLens JSON export is imported whole, not in parts" }]);
  const run = new ImportRun(c, upload ? (JSON.parse(upload.totals) as RunTotals) : undefined);
  run.bytes += body.length;
  if (run.bytes > MAX_UPLOAD_BYTES) await overLimit(c, q.id, "upload_too_large", `An upload has at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB in all`, "body");
  const carry = upload?.carry ? base64ToBytes(upload.carry) : new Uint8Array(0);
  const bytes = carry.length ? concat([carry, body]) : body;
  let format = (upload?.format ?? null) as FormatId | null;
  let parser: StreamParser | null = null;
  let rest = bytes;
  let state: string | null = null;
  await unreadable(async () => {
    if (format) {
      parser = makeParser(format, options);
      const saved = await loadUploadState(db, userId, q.id, q.part - 1);
      if (saved === null) throw new Error(`import upload ${q.id}: no parser state after part ${q.part - 1}`);
      restoreParser(parser, saved);
    } else if (bytes.length >= HEAD_BYTES || q.last) {
      if (!bytes.length) throw invalid([{ path: "body", message: "is empty: send the file's bytes" }]);
      ({ format, parser } = startParser(options, bytes));
    }
    const p = parser as StreamParser | null;
    if (!p) return; // fewer than 4 KB so far: kept until the format can be told
    const upto = q.last ? bytes.length : completeUtf8Length(bytes);
    const rows = p.push(new TextDecoder().decode(bytes.subarray(0, upto)));
    rest = bytes.slice(upto);
    if (!q.last) {
      // Measured before this part's rows are stored, so a refused part stores nothing.
      state = snapshotParser(p);
      if (state.length + rest.length > MAX_CARRIED_BYTES) {
        await overLimit(c, q.id, "import_state_too_large", `At most ${MAX_CARRIED_BYTES / MIB} MiB may be carried from one part to the next (parser state and unparsed bytes); this file leaves a comment, tag or quoted field open`, "body");
      }
    }
    await addParsed(run, rows);
    if (q.last) await addParsed(run, p.end());
  });
  await run.flush();
  const p = parser as StreamParser | null;
  if (q.last && p) closeRun(run, p);
  const answer = { upload_id: q.id, part: q.part, done: q.last, next_part: q.last ? null : q.part + 1, ...run.result(format, q.last ? null : p) };
  const response = JSON.stringify(answer);
  const progress: UploadProgress = { format, options: JSON.stringify(options), nextPart: q.part + 1, done: q.last, totals: JSON.stringify(run.totals()), carry: q.last ? "" : bytesToBase64(rest) };
  try {
    await saveUploadPart(db, userId, q.id, q.part, progress, sha256, response, q.last || !p ? null : state);
  } catch (err) {
    // The same part processed concurrently (a client retry racing its original): the first one
    // recorded wins; its rows and these are the same, and the store de-duplicated them.
    const prev = await findUploadPart(db, userId, q.id, q.part);
    if (prev && prev.sha256 === sha256) return replayed(c, prev.response);
    throw err;
  }
  return c.body(response, 200, { "content-type": "application/json" });
}
