/**
 * AndroidAPS NSClientV3's whole sync cycle against GlucoLens, request by request as AndroidAPS
 * sends them (nightscout/AndroidAPS at 0205225): the Retrofit paths and query strings of
 * core/nssdk/.../networking/NightscoutRemoteService.kt, the bearer handling of
 * NSAuthInterceptor.kt (an empty bearer, then `/api/v2/authorization/request/<token>` on the 401),
 * the answers NSAndroidClientImpl.kt reads (`result`, `identifier`, `isDeduplication`,
 * `lastModified`, the `ETag` it cuts with `substring(3, length - 1)`), and the order of
 * NSClientV3Plugin.executeLoop: LoadStatusWorker, LoadLastModificationWorker, LoadBgWorker,
 * LoadTreatmentsWorker, LoadProfileStoreWorker, LoadDeviceStatusWorker, DataSyncWorker.
 */
import { describe, expect, it } from "vitest";
import { api, register } from "./helpers.ts";
import { sha1Hex, uploader } from "./interop-helpers.ts";

/** NSAuthInterceptor: `Authorization: Bearer <jwt>` (empty until the first refresh) and a `Date` header in ms. */
class AapsClient {
  jwt = "";
  constructor(readonly secret: string) {}

  /** intercept(): the request with the current bearer; on 401/403 refreshTokenAndRetry() once. */
  async call(path: string, init: { method?: string; body?: unknown } = {}) {
    const send = () => api(path, { ...init, headers: { authorization: `Bearer ${this.jwt}`, date: String(Date.now()) } });
    const first = await send();
    if (first.status !== 401 && first.status !== 403) return first;
    // NightscoutAuthRefreshService.refreshToken: GET /api/v2/authorization/request/{refreshToken}.
    // RemoteAuthResponse(token, iat, exp).
    const auth = await api(`/api/v2/authorization/request/${this.secret}`);
    if (auth.status !== 200 || typeof auth.json?.token !== "string" || typeof auth.json.iat !== "number" || typeof auth.json.exp !== "number") throw new Error(`authorization request answered ${auth.status}`);
    this.jwt = auth.json.token;
    return send();
  }
}

/** NSAndroidClientImpl.getSgvsModifiedSince & co.: the ETag `W/"<ms>"` as a Long. */
const eTagOf = (res: { headers: Headers }) => {
  const e = res.headers.get("etag");
  return e ? Number(e.substring(3, e.length - 1)) : null;
};

const RECORDS_TO_LOAD = 500; // NSClientV3Plugin.RECORDS_TO_LOAD
const MAX_AGE = 100 * 86_400_000; // NSClientV3Plugin.maxAge
const DEVICE = "openaps://samsung SM-G970F";

async function aapsUser() {
  const account = await register();
  const { secret } = await uploader(account.access, "AndroidAPS");
  return { account, client: new AapsClient(secret) };
}

/** A bolus as TreatmentMapper.toRemoteTreatment (NSBolus) sends it, app set by createTreatment. */
const bolus = (date: number, insulin: number, over: Record<string, unknown> = {}) => ({
  date,
  device: DEVICE,
  units: "mg/dl",
  utcOffset: 60,
  isValid: true,
  eventType: "Correction Bolus",
  pumpId: 4102,
  pumpType: "ACCU_CHEK_COMBO",
  pumpSerial: "1234",
  insulin,
  type: "NORMAL",
  isBasalInsulin: false,
  app: "AAPS",
  ...over,
});

/** A device status as DeviceStatusExtension + createDeviceStatus send it. */
const deviceStatus = (date: number) => ({
  app: "AAPS",
  date,
  created_at: new Date(date).toISOString(),
  device: DEVICE,
  uploaderBattery: 80,
  isCharging: false,
  pump: { clock: new Date(date).toISOString(), reservoir: 120, battery: { percent: 75 }, status: { status: "normal", timestamp: new Date(date).toISOString() } },
  openaps: { iob: { iob: 1.2, basaliob: 0.3, time: new Date(date).toISOString() }, suggested: { bg: 120, COB: 10, IOB: 1.2, timestamp: new Date(date).toISOString() } },
  uploader: { battery: 80 },
});

describe("AndroidAPS NSClientV3 sync cycle", () => {
  it("status, lastModified, first loads, uploads, updates, deletes and incremental loads by history", async () => {
    const { account, client } = await aapsUser();
    const now = Date.now();
    // Data already on the site: a reading from xDrip+ over v1, an older treatment, a profile.
    const secretHeader = { "api-secret": await sha1Hex(client.secret) };
    await api("/api/v1/entries", { headers: secretHeader, body: [{ type: "sgv", sgv: 140, date: now - 600_000, direction: "Flat", device: "xDrip-DexcomG6" }] });
    await api("/api/v1/treatments", { headers: secretHeader, body: { eventType: "Carb Correction", carbs: 15, created_at: new Date(now - 3_600_000).toISOString(), enteredBy: "xDrip+" } });
    await api("/api/v1/profile", { headers: secretHeader, body: { defaultProfile: "Default", startDate: new Date(now - 86_400_000).toISOString(), store: { Default: { dia: 5, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 50 }], units: "mg/dl", timezone: "UTC", basal: [{ time: "00:00", value: 0.6 }] } } } });

    // LoadStatusWorker → NSAndroidClientImpl.getStatus: GET v3/status (statusSimple).
    const status = await client.call("/api/v3/status");
    expect(status.status).toBe(200);
    expect(status.json.result).toMatchObject({ version: expect.any(String), apiVersion: expect.stringMatching(/^3\./), srvDate: expect.any(Number), storage: { storage: expect.any(String), version: expect.any(String) } });
    // RemoteApiPermissions: every collection with full ("crud") rights.
    for (const col of ["devicestatus", "entries", "food", "profile", "settings", "treatments"]) expect(status.json.result.apiPermissions[col]).toBe("crud");

    // LoadLastModificationWorker → getLastModified: GET v3/lastModified.
    const lm = await client.call("/api/v3/lastModified");
    expect(lm.status).toBe(200);
    const collections = lm.json.result.collections as Record<string, number>;
    expect(collections.entries).toBeGreaterThanOrEqual(now - 600_000);
    expect(collections.treatments).toBeGreaterThan(0);
    expect(collections.profile).toBeGreaterThan(0);

    // LoadBgWorker, first load: getSgvsNewerThan(max(firstLoadContinue, now - maxAge), 500):
    // GET v3/entries?sort=date&date$gt=<ms>&limit=500.
    const firstBg = await client.call(`/api/v3/entries?sort=date&date$gt=${now - MAX_AGE}&limit=${RECORDS_TO_LOAD}`);
    expect(firstBg.status).toBe(200);
    expect(firstBg.json.result).toEqual([expect.objectContaining({ type: "sgv", sgv: 140, date: now - 600_000, direction: "Flat", device: "xDrip-DexcomG6", identifier: expect.any(String), srvModified: expect.any(Number) })]);
    // …and the next round from the last date answers nothing: the first load ends.
    expect((await client.call(`/api/v3/entries?sort=date&date$gt=${now - 600_000}&limit=${RECORDS_TO_LOAD}`)).json.result).toEqual([]);
    // NSClientV3Plugin.getSgvs: GET v3/entries?sort$desc=date&type=sgv.
    expect((await client.call("/api/v3/entries?sort$desc=date&type=sgv")).json.result).toHaveLength(1);

    // LoadTreatmentsWorker, first load: getTreatmentsNewerThan(dateUtil.toISOString(lastLoaded), 500).
    const firstTr = await client.call(`/api/v3/treatments?sort=created_at&created_at$gt=${new Date(now - MAX_AGE).toISOString()}&limit=${RECORDS_TO_LOAD}`);
    expect(firstTr.status).toBe(200);
    expect(firstTr.json.result).toEqual([expect.objectContaining({ eventType: "Carb Correction", carbs: 15, identifier: expect.stringMatching(/^[0-9a-f]{24}$/) })]);

    // LoadProfileStoreWorker, first load: getLastProfileStore: GET v3/profile?sort$desc=date&limit=1.
    const lastProfile = await client.call("/api/v3/profile?sort$desc=date&limit=1");
    expect(lastProfile.json.result).toEqual([expect.objectContaining({ defaultProfile: "Default", srvModified: expect.any(Number), created_at: expect.any(String) })]);

    // LoadDeviceStatusWorker: getDeviceStatusModifiedSince(now - 7 min): GET v3/devicestatus/history/<ms>.
    expect((await client.call(`/api/v3/devicestatus/history/${Date.now() - 7 * 60_000}`)).json.result).toEqual([]);

    // DataSyncWorker → DataSyncSelectorV3: createTreatment (POST v3/treatments), identifier null → calculated.
    const t1 = Date.now() - 120_000;
    const created = await client.call("/api/v3/treatments", { body: bolus(t1, 1.5) });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 201, identifier: expect.any(String), lastModified: expect.any(Number) });
    const bolusId = created.json.identifier as string;
    // A carbs treatment (NSCarbs) with its duration, and a temp target.
    const carbs = await client.call("/api/v3/treatments", { body: { date: t1 + 1000, device: DEVICE, utcOffset: 60, isValid: true, eventType: "Carb Correction", carbs: 20, duration: 0, durationInMilliseconds: 0, app: "AAPS" } });
    expect(carbs.status).toBe(201);
    // The retry after a lost answer is deduplicated: 200 with the same identifier.
    const retried = await client.call("/api/v3/treatments", { body: bolus(t1, 1.5) });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ identifier: bolusId, isDeduplication: true });
    // createDeviceStatus: POST v3/devicestatus.
    const ds = await client.call("/api/v3/devicestatus", { body: deviceStatus(Date.now() - 30_000) });
    expect(ds.status).toBe(201);
    // createProfileStore: POST v3/profile with app "AAPS".
    const profileDate = Date.now() - 10_000;
    const profile = await client.call("/api/v3/profile", { body: { app: "AAPS", date: profileDate, created_at: new Date(profileDate).toISOString(), startDate: new Date(profileDate).toISOString(), defaultProfile: "AAPS", units: "mg/dl", store: { AAPS: { dia: 6, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 50 }], target_low: [{ time: "00:00", value: 100 }], target_high: [{ time: "00:00", value: 120 }], units: "mg/dl", timezone: "Europe/Berlin", basal: [{ time: "00:00", value: 0.8 }] } } } });
    expect(profile.status).toBe(201);

    // updateTreatment: PATCH v3/treatments/{identifier} with date and utcOffset nulled (absent in JSON).
    const { date: _d, utcOffset: _u, ...patch } = bolus(t1, 1.5, { identifier: bolusId, notes: "edited in AAPS" });
    const patched = await client.call(`/api/v3/treatments/${bolusId}`, { method: "PATCH", body: patch });
    expect(patched.status).toBe(200);
    // updateTreatment with isValid false: DELETE v3/treatments/{identifier}.
    const removed = await client.call(`/api/v3/treatments/${carbs.json.identifier}`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    // A second invalidation of an unknown one answers 404, which AAPS takes as done.
    expect((await client.call("/api/v3/treatments/00000000-0000-5000-8000-000000000000", { method: "DELETE" })).status).toBe(404);

    // The next loop: LoadBgWorker/LoadTreatmentsWorker by history from lastLoadedSrvModified.
    const since = now - 1;
    const trHistory = await client.call(`/api/v3/treatments/history/${since}?limit=${RECORDS_TO_LOAD}`);
    expect(trHistory.status).toBe(200);
    const changes = trHistory.json.result as Record<string, unknown>[];
    const byId = new Map(changes.map((d) => [d.identifier, d]));
    expect(byId.get(bolusId)).toMatchObject({ insulin: 1.5, notes: "edited in AAPS", pumpId: 4102, date: t1, utcOffset: 60 });
    expect(byId.get(bolusId)!.isValid).toBeUndefined();
    expect(byId.get(carbs.json.identifier)).toMatchObject({ carbs: 20, isValid: false });
    // ordered by srvModified; the ETag names the newest.
    const mods = changes.map((d) => d.srvModified as number);
    expect(mods).toEqual([...mods].sort((a, b) => a - b));
    const eTag = eTagOf(trHistory)!;
    expect(eTag).toBe(Math.max(...mods));
    // From the ETag on, nothing new: the loop stops.
    const again = await client.call(`/api/v3/treatments/history/${eTag}?limit=${RECORDS_TO_LOAD}`);
    expect(again.json.result).toEqual([]);
    expect(eTagOf(again)).toBeNull();

    // GlucoLens records follow: the bolus is an insulin dose, the deleted carbs no meal.
    const doses = await api("/api/v1/insulin", { token: account.access });
    expect(doses.json.items.map((d: { units: number }) => d.units)).toEqual([1.5]);
    const meals = await api("/api/v1/meals", { token: account.access });
    expect(meals.json.items.map((m: { carbs: number }) => m.carbs)).toEqual([15]);

    // Device status and profile read back by history.
    const dsHistory = await client.call(`/api/v3/devicestatus/history/${Date.now() - 7 * 60_000}`);
    expect(dsHistory.json.result).toEqual([expect.objectContaining({ identifier: ds.json.identifier, device: DEVICE, openaps: expect.objectContaining({ iob: expect.objectContaining({ iob: 1.2 }) }) })]);
    const profileHistory = await client.call(`/api/v3/profile/history/${since}?limit=10`);
    expect(profileHistory.json.result.at(-1)).toMatchObject({ defaultProfile: "AAPS", identifier: profile.json.identifier });

    // AAPS as CGM source: createSgv (POST v3/entries), then history of entries with the v1 reading.
    const sgvDate = Date.now() - 60_000;
    const sgv = await client.call("/api/v3/entries", { body: { type: "sgv", sgv: 150, date: sgvDate, device: "AndroidAPS-DexcomG6", direction: "FortyFiveUp", utcOffset: 60, units: "mg/dl", isValid: true, isReadOnly: false, app: "AAPS" } });
    expect(sgv.status).toBe(201);
    // The xDrip+ reading (date 10 minutes before `since`, no v3 server times) has its date as
    // srvModified (setup.js fallbackDate), so only the new one is a change since then.
    const bgHistory = await client.call(`/api/v3/entries/history/${since}?limit=${RECORDS_TO_LOAD}`);
    expect(bgHistory.json.result.map((e: { sgv: number }) => e.sgv)).toEqual([150]);
    const fromStart = await client.call(`/api/v3/entries/history/${now - MAX_AGE}?limit=${RECORDS_TO_LOAD}`);
    expect(fromStart.json.result.map((e: { sgv: number; srvModified: number; date: number }) => [e.sgv, e.srvModified === e.date])).toEqual([[140, true], [150, false]]);
    expect(eTagOf(bgHistory)).toBe(sgv.json.lastModified);
    // The v1 routes and the live value see the AAPS reading too.
    const v1 = await api("/api/v1/entries.json?count=1", { headers: secretHeader });
    expect(v1.json[0]).toMatchObject({ sgv: 150, direction: "FortyFiveUp" });

    // lastModified has moved on for every collection written.
    const lm2 = (await client.call("/api/v3/lastModified")).json.result.collections;
    expect(lm2.treatments).toBeGreaterThanOrEqual(eTag);
    expect(lm2.entries).toBe(sgv.json.lastModified);
    expect(lm2.devicestatus).toBe(ds.json.lastModified);
  });

  it("a second user's AAPS never sees, changes or deletes the first user's data", async () => {
    const a = await aapsUser();
    const b = await aapsUser();
    const date = Date.now() - 120_000;
    const created = await a.client.call("/api/v3/treatments", { body: bolus(date, 2) });
    await a.client.call("/api/v3/devicestatus", { body: deviceStatus(Date.now() - 30_000) });
    await a.client.call("/api/v3/entries", { body: { type: "sgv", sgv: 101, date, device: DEVICE, utcOffset: 0, app: "AAPS" } });
    const since = Date.now() - MAX_AGE;
    for (const col of ["entries", "treatments", "devicestatus", "profile"]) {
      expect((await b.client.call(`/api/v3/${col}/history/${since}?limit=${RECORDS_TO_LOAD}`)).json.result).toEqual([]);
    }
    expect((await b.client.call(`/api/v3/entries?sort=date&date$gt=${since}&limit=${RECORDS_TO_LOAD}`)).json.result).toEqual([]);
    expect((await b.client.call(`/api/v3/treatments?sort=created_at&created_at$gt=${new Date(since).toISOString()}&limit=${RECORDS_TO_LOAD}`)).json.result).toEqual([]);
    expect((await b.client.call("/api/v3/lastModified")).json.result.collections).toEqual({});
    const id = created.json.identifier as string;
    expect((await b.client.call(`/api/v3/treatments/${id}`, { method: "PATCH", body: { insulin: 9 } })).status).toBe(404);
    expect((await b.client.call(`/api/v3/treatments/${id}`, { method: "DELETE" })).status).toBe(404);
    // The same bolus sent by B (same device, date, eventType, so the same identifier) is B's own document.
    const bCreated = await b.client.call("/api/v3/treatments", { body: bolus(date, 3) });
    expect(bCreated.status).toBe(201);
    expect(bCreated.json.identifier).toBe(id);
    expect((await a.client.call(`/api/v3/treatments/${id}`)).json.result.insulin).toBe(2);
    expect((await b.client.call(`/api/v3/treatments/${id}`)).json.result.insulin).toBe(3);
    // B's JWT cannot be used to read A's data through ?token= either.
    expect((await api(`/api/v3/treatments/${id}?token=${b.client.jwt}`)).json.result.insulin).toBe(3);
  });
});

