/**
 * `Last-Modified` and `If-Modified-Since` on the Nightscout v1 reads, as cgm-remote-monitor serves
 * them: lib/api/entries/index.js format_entries (every entries read: `/entries`, `/entries/current`,
 * `/entries/<spec>`, `/times`, `/slice`) and lib/api/treatments/index.js serveTreatments set
 * `Last-Modified` to the newest document of the answer and answer 304 when it is not newer than
 * `If-Modified-Since`; device status and profiles have neither (worker/nightscout/http.ts notModified).
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { client, MIN } from "./nightscout-client-helpers.ts";

describe("If-Modified-Since on the Nightscout v1 reads", () => {
  it("entries: Last-Modified is the newest entry's date; the same date back is 304 with no body, an earlier one 200; a new reading changes it", async () => {
    const { call } = await client();
    const t = Math.floor((Date.now() - 10 * MIN) / 1000) * 1000 + 250;
    await call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 100, date: t - 5 * MIN, device: "G7" }, { type: "sgv", sgv: 104, date: t, device: "G7" }]);
    const first = await call("GET", "/api/v1/entries.json");
    expect(first.status).toBe(200);
    const lastModified = first.headers.get("last-modified")!;
    expect(lastModified).toBe(new Date(t).toUTCString());
    // The header echoed back (whole seconds: the entry's 250 ms are below its precision).
    const again = await call("GET", "/api/v1/entries.json", undefined, { "if-modified-since": lastModified });
    expect(again.status).toBe(304);
    expect(again.json).toBeNull();
    expect(again.headers.get("last-modified")).toBe(lastModified);
    // Every entries read goes through format_entries.
    for (const path of ["/api/v1/entries/current.json", "/api/v1/entries/sgv.json", "/api/v1/entries.csv", `/api/v1/entries/${first.json[0]._id}`, "/api/v1/slice/entries/dateString/sgv"]) {
      expect((await call("GET", path, undefined, { "if-modified-since": lastModified })).status, path).toBe(304);
    }
    const older = new Date(t - 1000).toUTCString();
    expect((await call("GET", "/api/v1/entries.json", undefined, { "if-modified-since": older })).json).toHaveLength(2);
    // A newer reading: 200 with the new date.
    await call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 110, date: t + 5 * MIN, device: "G7" }]);
    const changed = await call("GET", "/api/v1/entries.json", undefined, { "if-modified-since": lastModified });
    expect(changed.status).toBe(200);
    expect(changed.json.map((e: { sgv: number }) => e.sgv)).toEqual([110, 104, 100]);
    expect(changed.headers.get("last-modified")).toBe(new Date(t + 5 * MIN).toUTCString());
  });

  it("treatments: Last-Modified is the newest created_at of the answer; device status has none and ignores the header", async () => {
    const { call } = await client();
    const t = Math.floor((Date.now() - 30 * MIN) / 1000) * 1000;
    await call("POST", "/api/v1/treatments", [
      { eventType: "Meal Bolus", carbs: 20, created_at: new Date(t - 10 * MIN).toISOString() },
      { eventType: "Note", notes: "walk", created_at: new Date(t).toISOString() },
    ]);
    const list = await call("GET", "/api/v1/treatments.json");
    expect(list.headers.get("last-modified")).toBe(new Date(t).toUTCString());
    const since = { "if-modified-since": new Date(t).toUTCString() };
    expect((await call("GET", "/api/v1/treatments.json", undefined, since)).status).toBe(304);
    // A query whose answer is older is 304 for a date after its newest document.
    expect((await call("GET", "/api/v1/treatments.json?find[eventType]=Meal%20Bolus", undefined, since)).status).toBe(304);
    expect((await call("GET", "/api/v1/treatments.json", undefined, { "if-modified-since": new Date(t - 1000).toUTCString() })).json).toHaveLength(2);

    await call("POST", "/api/v1/devicestatus", { device: "xDrip", created_at: new Date(t).toISOString(), uploader: { battery: 50 } });
    const status = await call("GET", "/api/v1/devicestatus.json", undefined, since);
    expect(status.status).toBe(200);
    expect(status.headers.get("last-modified")).toBeNull();
  });

  it("no documents: no Last-Modified and 200 []; an If-Modified-Since that is not a date is ignored (RFC 9110 §13.1.3); another account's data never answers 304", async () => {
    const owner = await client();
    const other = await client();
    const t = Date.now() - 5 * MIN;
    await owner.call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 120, date: t, device: "G7" }]);
    const empty = await other.call("GET", "/api/v1/entries.json", undefined, { "if-modified-since": new Date(t + 60_000).toUTCString() });
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual([]);
    expect(empty.headers.get("last-modified")).toBeNull();
    const garbage = await owner.call("GET", "/api/v1/entries.json", undefined, { "if-modified-since": "yesterday-ish" });
    expect(garbage.status).toBe(200);
    expect(garbage.json).toHaveLength(1);
  });
});
