/**
 * Nightscout's treatment duration normalising (lib/treatmentDuration.js,
 * worker/nightscout/treatment-duration.ts): the function itself, then where Nightscout applies it,
 * API v3's replace (tests/api3.update.test.js, and create's deduplication, which replaces) and
 * patch (tests/api3.patch.test.js, tests/api3.patch.operation.test.js), and where it does not:
 * API v3's insert and API v1's treatments. Each `it` names the Nightscout test (or source) it follows.
 */
// Nightscout's v1 documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { normalizeTreatmentDuration, resolveBaseMills } from "../../worker/nightscout/treatment-duration.ts";
import { ns, sha1Hex } from "./interop-helpers.ts";
import { v3Client } from "./nightscout-v3-helpers.ts";
import { SioClient } from "./socketio-helpers.ts";

const APP = "cgm-remote-monitor.test";
const DEVICE = "openaps://samsung SM-G970F";
const MIN = 60_000;

/** The Temp Basal of api3.update.test.js and api3.patch.test.js 'should normalize endmills …'. */
const tempBasal = (over: Record<string, unknown> = {}): Record<string, any> => ({ date: Date.now() - 10 * MIN, utcOffset: -180, app: APP, device: `${DEVICE} API3 duration`, eventType: "Temp Basal", absolute: 1.2, duration: 30, ...over });

describe("normalizeTreatmentDuration (lib/treatmentDuration.js)", () => {
  const date = 1741255200000;

  it("derives endmills from durationInMilliseconds against the stored document (api3.patch.operation.test.js 'emits the merged patched document without re-reading storage')", () => {
    const storageDoc = { identifier: "test-patch-operation", date, utcOffset: 0, app: "nightscout-test", device: "ns://pump", eventType: "Temp Basal", absolute: 1.2, duration: 30, srvModified: date - 1000 };
    const patch = normalizeTreatmentDuration({ absolute: 0.7, duration: 0, durationInMilliseconds: 26584 } as Record<string, unknown>, storageDoc);
    expect({ ...storageDoc, ...patch }).toMatchObject({ identifier: storageDoc.identifier, absolute: 0.7, duration: 0, durationInMilliseconds: 26584, endmills: date + 26584 });
  });

  it("takes the start from mills, then the fallback's mills, created_at, date, the fallback's created_at and date (lib/treatmentDuration.js resolveBaseMills)", () => {
    const iso = new Date(date).toISOString();
    expect(resolveBaseMills({ mills: 1, created_at: iso, date: 2 }, { mills: 3 })).toBe(1);
    expect(resolveBaseMills({ created_at: iso, date: 2 }, { mills: 3 })).toBe(3);
    expect(resolveBaseMills({ created_at: iso, date: 2 }, { created_at: "1970-01-01T00:00:00.004Z" })).toBe(date);
    expect(resolveBaseMills({ created_at: "", date: String(date) }, { created_at: 5 })).toBe(date);
    expect(resolveBaseMills({ created_at: "not a date" }, { created_at: iso, date: 6 })).toBe(date);
    expect(resolveBaseMills({}, { date: Number.NaN })).toBeNull();
    expect(resolveBaseMills(null, null)).toBeNull();
  });

  it("derives endmills from duration in minutes, the document's fields before the fallback's (lib/treatmentDuration.js)", () => {
    expect(normalizeTreatmentDuration({ date, duration: 30 })).toEqual({ date, duration: 30, endmills: date + 30 * MIN, durationInMilliseconds: 30 * MIN });
    expect(normalizeTreatmentDuration({ date, duration: "15" })).toMatchObject({ endmills: date + 15 * MIN, durationInMilliseconds: 15 * MIN, duration: 15 });
    // The document's duration wins over the fallback's durationInMilliseconds.
    expect(normalizeTreatmentDuration({ duration: 10 }, { date, durationInMilliseconds: 99_000 })).toMatchObject({ endmills: date + 10 * MIN, duration: 10 });
    // Nothing of its own: the fallback's durationInMilliseconds, else its duration.
    expect(normalizeTreatmentDuration({ absolute: 0.5 }, { date, durationInMilliseconds: 90_000, duration: 30 })).toEqual({ absolute: 0.5, endmills: date + 90_000, durationInMilliseconds: 90_000, duration: 2 });
    expect(normalizeTreatmentDuration({ absolute: 0.5 }, { date, duration: 45 })).toEqual({ absolute: 0.5, endmills: date + 45 * MIN, durationInMilliseconds: 45 * MIN, duration: 45 });
    // A zero duration in minutes still sets endmills at the start.
    expect(normalizeTreatmentDuration({ date, duration: 0 })).toEqual({ date, duration: 0, endmills: date, durationInMilliseconds: 0 });
  });

  it("leaves a zero or unusable durationInMilliseconds, a missing start and an endmills before the start alone (lib/treatmentDuration.js)", () => {
    expect(normalizeTreatmentDuration({ date, duration: 0, durationInMilliseconds: 0 })).toEqual({ date, duration: 0, durationInMilliseconds: 0 });
    expect(normalizeTreatmentDuration({ date, durationInMilliseconds: "x", duration: 30 })).toEqual({ date, durationInMilliseconds: "x", duration: 30 });
    expect(normalizeTreatmentDuration({ duration: 30 })).toEqual({ duration: 30 });
    expect(normalizeTreatmentDuration({ eventType: "Note" })).toEqual({ eventType: "Note" });
    expect(normalizeTreatmentDuration({ date, endmills: date - 1, duration: 30 })).toEqual({ date, endmills: date - 1, duration: 30 });
  });

  it("derives duration and durationInMilliseconds from a given endmills, which wins over them (lib/treatmentDuration.js)", () => {
    expect(normalizeTreatmentDuration({ date, endmills: date + 26584, duration: 30 })).toEqual({ date, endmills: date + 26584, durationInMilliseconds: 26584, duration: 0 });
    expect(normalizeTreatmentDuration({ date, endmills: String(date + 90 * MIN) })).toMatchObject({ durationInMilliseconds: 90 * MIN, duration: 90 });
    // A null endmills is derived again.
    expect(normalizeTreatmentDuration({ date, endmills: null, durationInMilliseconds: 120_000 })).toEqual({ date, endmills: date + 120_000, durationInMilliseconds: 120_000, duration: 2 });
  });
});

describe("API v3 replace and patch normalise the duration (lib/api3/generic/update/replace.js, patch/operation.js)", () => {
  it("PUT replaces durationInMilliseconds with endmills set; the first PUT (an insert) stores the document as sent (api3.update.test.js 'should normalize endmills when replacing durationInMilliseconds')", async () => {
    const c = await v3Client();
    const doc = tempBasal({ identifier: crypto.randomUUID() });
    const created = await c.call(`/api/v3/treatments/${doc.identifier}`, { method: "PUT", body: doc });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const inserted = (await c.call(`/api/v3/treatments/${doc.identifier}`)).json.result;
    expect(inserted).toMatchObject({ absolute: 1.2, duration: 30 });
    expect(inserted.endmills).toBeUndefined();
    expect(inserted.durationInMilliseconds).toBeUndefined();

    const replaced = await c.call(`/api/v3/treatments/${doc.identifier}`, { method: "PUT", body: { ...doc, absolute: 0.7, duration: 0, durationInMilliseconds: 26584 } });
    expect(replaced.status, JSON.stringify(replaced.json)).toBe(200);
    const body = (await c.call(`/api/v3/treatments/${doc.identifier}`)).json.result;
    expect(body.absolute).toBe(0.7);
    expect(body.duration).toBe(0);
    expect(body.durationInMilliseconds).toBe(26584);
    expect(body.endmills).toBe(doc.date + 26584);
    expect(body.subject).toBe("AndroidAPS");
  });

  it("PATCH normalises against the stored document (api3.patch.test.js 'should normalize endmills when patching durationInMilliseconds')", async () => {
    const c = await v3Client();
    const doc = tempBasal();
    const created = await c.call("/api/v3/treatments", { body: doc });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const identifier = created.json.identifier as string;

    const patched = await c.call(`/api/v3/treatments/${identifier}`, { method: "PATCH", body: { absolute: 0.7, duration: 0, durationInMilliseconds: 26584 } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const body = (await c.call(`/api/v3/treatments/${identifier}`)).json.result;
    expect(body.absolute).toBe(0.7);
    expect(body.duration).toBe(0);
    expect(body.durationInMilliseconds).toBe(26584);
    expect(body.endmills).toBe(doc.date + 26584);
    expect(body.modifiedBy).toBe("AndroidAPS");
  });

  it("the storage socket's update carries the merged patched document with endmills (api3.patch.operation.test.js 'emits the merged patched document without re-reading storage')", async () => {
    const c = await v3Client();
    const identifier = crypto.randomUUID();
    const doc = tempBasal({ identifier });
    expect((await c.call("/api/v3/treatments", { body: doc })).status).toBe(201);
    const sock = await SioClient.websocket(4);
    await sock.connect("/storage");
    await sock.until(() => sock.connects.some((p) => p.nsp === "/storage"));
    expect(await sock.emit("/storage", "subscribe", { accessToken: c.secret, collections: ["treatments"] })).toEqual([{ success: true, collections: ["treatments"] }]);
    expect((await c.call(`/api/v3/treatments/${identifier}`, { method: "PATCH", body: { absolute: 0.7, duration: 0, durationInMilliseconds: 26584 } })).status).toBe(200);
    const [update] = await sock.next("update", "/storage", ([e]) => e.colName === "treatments");
    expect(update.doc).toMatchObject({ identifier, absolute: 0.7, duration: 0, durationInMilliseconds: 26584, modifiedBy: "AndroidAPS", endmills: doc.date + 26584 });
    sock.close();
  });

  it("a PATCH without duration fields takes the stored duration; a create deduplicated into a replace normalises (lib/api3/generic/patch/operation.js, create/operation.js → update/replace.js)", async () => {
    const c = await v3Client();
    const doc = tempBasal();
    const created = await c.call("/api/v3/treatments", { body: doc });
    expect(created.status).toBe(201);
    const identifier = created.json.identifier as string;
    expect((await c.call(`/api/v3/treatments/${identifier}`, { method: "PATCH", body: { absolute: 0.5 } })).status).toBe(200);
    expect((await c.call(`/api/v3/treatments/${identifier}`)).json.result).toMatchObject({ absolute: 0.5, duration: 30, durationInMilliseconds: 30 * MIN, endmills: doc.date + 30 * MIN });

    // The same Temp Basal sent again (AndroidAPS's retry) is a deduplication, hence a replace.
    const other = tempBasal({ date: doc.date + 20 * MIN, duration: 20 });
    const first = await c.call("/api/v3/treatments", { body: other });
    expect(first.status).toBe(201);
    expect((await c.call(`/api/v3/treatments/${first.json.identifier}`)).json.result.endmills).toBeUndefined();
    const again = await c.call("/api/v3/treatments", { body: other });
    expect(again.status).toBe(200);
    expect(again.json.isDeduplication).toBe(true);
    expect((await c.call(`/api/v3/treatments/${first.json.identifier}`)).json.result).toMatchObject({ duration: 20, durationInMilliseconds: 20 * MIN, endmills: other.date + 20 * MIN });
  });

  it("a v1 treatment keeps its fields as sent, and a v3 PATCH of it counts from its created_at (lib/server/treatments.js does not normalise; patch/operation.js does)", async () => {
    const c = await v3Client();
    const apiSecret = await sha1Hex(c.secret);
    const createdAt = new Date(Date.now() - 30 * MIN).toISOString();
    const posted = await ns(apiSecret, "/api/v1/treatments", { body: { eventType: "Temp Basal", created_at: createdAt, absolute: 1.1, duration: 0, durationInMilliseconds: 26584, enteredBy: "Loop" } });
    expect(posted.status, JSON.stringify(posted.json)).toBe(200);
    const stored = posted.json[0];
    expect(stored).toMatchObject({ duration: 0, durationInMilliseconds: 26584 });
    expect(stored.endmills).toBeUndefined();
    const listed = (await ns(apiSecret, `/api/v1/treatments?find[created_at]=${encodeURIComponent(createdAt)}`)).json;
    expect(listed[0].endmills).toBeUndefined();

    expect((await c.call(`/api/v3/treatments/${stored._id}`, { method: "PATCH", body: { durationInMilliseconds: 90_000 } })).status).toBe(200);
    expect((await c.call(`/api/v3/treatments/${stored._id}`)).json.result).toMatchObject({ absolute: 1.1, durationInMilliseconds: 90_000, duration: 2, endmills: Date.parse(createdAt) + 90_000 });
  });
});
