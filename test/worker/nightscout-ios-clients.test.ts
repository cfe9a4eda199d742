/**
 * Two iOS Nightscout clients replayed against GlucoLens (worker/nightscout/), each request as read
 * in the app's source, each answer checked for what the app's parser needs:
 * - LoopFollow (loopandlearn/LoopFollow), the caregiver app for Loop and Trio users: a follower
 *   that reads with `?token=` (NightscoutUtils.swift constructURL) and listens on socket.io
 *   (NightscoutSocketManager.swift);
 * - xDrip4iOS (JohanDegraeve/xdripswift), a CGM app that uploads readings, calibrations and
 *   treatments with `api-secret: sha1(API_SECRET)` (NightscoutSyncManager.swift) and, as a
 *   follower, reads readings, the profile and device status (NightscoutFollowManager.swift).
 *
 * Where an app decodes with Swift's JSONDecoder (a missing or mistyped non-optional field fails the
 * whole answer), the answer is checked against the app's Decodable struct, written out below as a
 * {@link Decoder}; where it reads a JSONSerialization dictionary (`as? Double`), the fields it takes.
 * Each test names the source file and function it follows.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { runInDurableObject, SELF } from "cloudflare:test";
import { PacketType } from "socket.io-parser";
import { describe, expect, it } from "vitest";
import type { SocketIoSession } from "../../durable/socketio/session.ts";
import { api, BASE } from "./helpers.ts";
import { sha1Hex } from "./interop-helpers.ts";
import { client, MIN } from "./nightscout-client-helpers.ts";
import { decodeSocketIo, joinPayload, sessionOf, splitPayload } from "./socketio-helpers.ts";

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (t: number) => new Date(t).toISOString();
/** dateTimeUtils.getDateTimeString (LoopFollow Helpers/DateTime.swift): "yyyy-MM-dd'T'HH:mm:ss" in UTC, no zone. */
const loopFollowDate = (t: number) => iso(t).slice(0, 19);
/** A query as URLComponents writes URLQueryItems: names and values percent-encoded (`find%5Bdate%5D%5B$gte%5D=…`). */
const query = (items: Record<string, string>) =>
  Object.entries(items)
    .map(([k, v]) => `${encodeURIComponent(k).replace(/%24/g, "$")}=${encodeURIComponent(v).replace(/%3A/g, ":")}`)
    .join("&");

// ---------------------------------------------------------------------------------------------
// Swift's Decodable, written out: what JSONDecoder needs of a JSON value.

type Decoder = (v: unknown, path: string) => string | null;
const fail = (path: string, want: string, v: unknown) => `${path}: ${want} expected, got ${JSON.stringify(v)?.slice(0, 80)}`;
const str: Decoder = (v, p) => (typeof v === "string" ? null : fail(p, "String", v));
const dbl: Decoder = (v, p) => (typeof v === "number" ? null : fail(p, "Double", v));
const int: Decoder = (v, p) => (typeof v === "number" && Number.isInteger(v) ? null : fail(p, "Int", v));
const bool: Decoder = (v, p) => (typeof v === "boolean" ? null : fail(p, "Bool", v));
/** `T?`: absent or null decode as nil. */
const opt =
  (d: Decoder): Decoder =>
  (v, p) =>
    v === undefined || v === null ? null : d(v, p);
const arr =
  (d: Decoder): Decoder =>
  (v, p) => {
    if (!Array.isArray(v)) return fail(p, "Array", v);
    for (const [i, x] of v.entries()) {
      const e = d(x, `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const dict =
  (d: Decoder): Decoder =>
  (v, p) => {
    if (!isObject(v)) return fail(p, "Dictionary", v);
    for (const [k, x] of Object.entries(v)) {
      const e = d(x, `${p}.${k}`);
      if (e) return e;
    }
    return null;
  };
const struct =
  (fields: Record<string, Decoder>): Decoder =>
  (v, p) => {
    if (!isObject(v)) return fail(p, "Object", v);
    for (const [k, d] of Object.entries(fields)) {
      const e = d(v[k], `${p}.${k}`);
      if (e) return e;
    }
    return null;
  };
/** null when JSONDecoder would decode `json` with `d`, else where it would fail. */
const decodes = (d: Decoder, json: unknown, type: string) => d(json, type);

// LoopFollow ----------------------------------------------------------------------------------

/** LoopFollow Extensions/ShareClientExtension.swift ShareGlucoseData.init(from:): sgv (else mbg, else glucose) and date as Double, direction String?. */
const ShareGlucoseData: Decoder = (v, p) => {
  if (!isObject(v)) return fail(p, "Object", v);
  const value = [v.sgv, v.mbg, v.glucose].find((x) => typeof x === "number");
  return value === undefined ? fail(`${p}.sgv`, "Double (sgv, mbg or glucose)", v.sgv) : (dbl(v.date, `${p}.date`) ?? opt(str)(v.direction, `${p}.direction`));
};
/** LoopFollow Controllers/NightScout.swift cageData / sageData / iageData. */
const AgeData = struct({ created_at: str });
/** LoopFollow Controllers/Nightscout/NSProfile.swift NSProfile. */
const timed = arr(struct({ value: dbl, time: str, timeAsSeconds: dbl }));
const NSProfile = struct({
  store: dict(struct({ basal: timed, sens: timed, carbratio: timed, target_high: opt(timed), target_low: opt(timed), timezone: str, units: str })),
  defaultProfile: str,
  units: str,
  bundleIdentifier: opt(str),
  isAPNSProduction: opt(bool),
  deviceToken: opt(str),
  teamID: opt(str),
  expirationDate: opt(str),
  startDate: opt(str),
  created_at: opt(str),
  overridePresets: opt(arr(struct({ name: str, duration: opt(dbl), percentage: opt(dbl), target: opt(dbl) }))),
  loopSettings: opt(
    struct({
      deviceToken: opt(str),
      bundleIdentifier: opt(str),
      minimumBGGuard: opt(dbl),
      maximumBolus: opt(dbl),
      maximumBasalRatePerHour: opt(dbl),
      scheduleOverride: opt(struct({ symbol: opt(str), duration: opt(int), insulinNeedsScaleFactor: opt(dbl), name: opt(str) })),
      dosingStrategy: opt(str),
      overridePresets: opt(arr(struct({ name: str, duration: opt(int), targetRange: opt(arr(dbl)), insulinNeedsScaleFactor: opt(dbl), symbol: opt(str) }))),
      dosingEnabled: opt(bool),
    }),
  ),
});
/** LoopFollow Controllers/Nightscout/DBSize.swift DBSizeProperties. */
const DBSizeProperties = struct({ dbsize: opt(struct({ totalDataSize: opt(dbl), dataPercentage: opt(int), details: opt(struct({ maxSize: opt(dbl), dataSize: opt(dbl) })) })) });

// xDrip4iOS -----------------------------------------------------------------------------------

/** xDrip4iOS Managers/Nightscout/NightscoutProfileModels.swift NightscoutProfileResponse. */
const profileEntries = arr(struct({ time: str, value: dbl, timeAsSeconds: int }));
const NightscoutProfileResponse = struct({
  _id: str,
  store: dict(struct({ basal: profileEntries, carbratio: profileEntries, sens: profileEntries, target_low: profileEntries, target_high: profileEntries, timezone: str, dia: dbl, units: str })),
  units: opt(str),
  defaultProfile: str,
  startDate: str,
  enteredBy: opt(str),
});
/** xDrip4iOS Managers/Nightscout/NightscoutDeviceStatusModels.swift NightscoutDeviceStatusResponse. */
const apSuggestion = opt(
  struct({
    COB: opt(dbl),
    CR: opt(dbl),
    current_target: opt(dbl),
    duration: opt(int),
    eventualBG: opt(dbl),
    IOB: opt(dbl),
    ISF: opt(dbl),
    insulinReq: opt(dbl),
    rate: opt(dbl),
    reason: opt(str),
    received: opt(bool),
    recieved: opt(bool),
    reservoir: opt(dbl),
    sensitivityRatio: opt(dbl),
    TDD: opt(dbl),
    timestamp: opt(str),
    units: opt(dbl),
    variable_sens: opt(dbl),
  }),
);
const NightscoutDeviceStatusResponse = struct({
  created_at: opt(str),
  device: opt(str),
  _id: opt(str),
  isCharging: opt(bool),
  mills: opt(int),
  openaps: opt(struct({ enacted: apSuggestion, suggested: apSuggestion, version: opt(str) })),
  loop: opt(
    struct({
      automaticDoseRecommendation: opt(struct({ bolusVolume: opt(dbl), timestamp: opt(str), tempBasalAdjustment: opt(struct({ duration: opt(int), rate: opt(dbl) })) })),
      cob: opt(struct({ cob: opt(dbl), timestamp: opt(str) })),
      enacted: opt(struct({ bolusVolume: opt(dbl), duration: opt(int), rate: opt(dbl), received: opt(bool), timestamp: opt(str) })),
      failureReason: opt(str),
      iob: opt(struct({ iob: opt(dbl), timestamp: opt(str) })),
      name: opt(str),
      predicted: opt(struct({ startDate: opt(str), values: opt(arr(dbl)) })),
      recommendedBolus: opt(dbl),
      timestamp: opt(str),
      version: opt(str),
    }),
  ),
  override: opt(struct({ active: opt(bool), currentCorrectionRange: opt(struct({ maxValue: opt(dbl), minValue: opt(dbl) })), name: opt(str), multiplier: opt(dbl) })),
  pump: opt(
    struct({
      battery: opt(struct({ percent: opt(int) })),
      bolusing: opt(bool),
      clock: opt(str),
      manufacturer: opt(str),
      model: opt(str),
      pumpID: opt(str),
      reservoir: opt(dbl),
      reservoir_display_override: opt(str),
      secondsFromGMT: opt(int),
      status: opt(struct({ bolusing: opt(bool), status: opt(str), suspended: opt(bool), timestamp: opt(str) })),
      suspended: opt(bool),
      extended: opt(struct({ version: opt(str), activeProfile: opt(str), baseBasalRate: opt(dbl) })),
    }),
  ),
  uploader: opt(struct({ battery: opt(int), isCharging: opt(bool), name: opt(str), timestamp: opt(str) })),
  uploaderBattery: opt(int),
  utcOffset: opt(int),
});

/**
 * xDrip4iOS Treatments/TreatmentNSResponse.swift fromNightscout: a document's treatments as the
 * app takes them (id with its "-carbs"/"-insulin"/… extension, created_at parsed with
 * "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" when it has a '.', else without milliseconds); none when `_id` or
 * a parseable created_at is missing.
 */
function treatmentNSResponses(doc: Record<string, unknown>): { id: string; createdAt: number; type: string; value: number; valueSecondary?: number }[] {
  const createdAt = typeof doc.created_at === "string" && (doc.created_at.includes(".") ? /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/ : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/).test(doc.created_at) ? Date.parse(doc.created_at) : null;
  if (typeof doc._id !== "string" || createdAt === null) return [];
  const out = [];
  const id = doc._id;
  const num = (k: string) => (typeof doc[k] === "number" ? (doc[k] as number) : undefined);
  if (num("carbs") !== undefined) out.push({ id: `${id}-carbs`, createdAt, type: "Carbs", value: num("carbs")! });
  if (num("insulin") !== undefined) out.push({ id: `${id}-insulin`, createdAt, type: "Insulin", value: num("insulin")! });
  // The app gives an Exercise the "-carbs" extension (TreatmentType.Carbs.idExtension()).
  if (doc.eventType === "Exercise" && num("duration") !== undefined) out.push({ id: `${id}-carbs`, createdAt, type: "Exercise", value: num("duration")! });
  if (num("glucose") !== undefined && typeof doc.units === "string") out.push({ id: `${id}-glucose`, createdAt, type: "BgCheck", value: doc.units === "mg/dl" ? num("glucose")! : num("glucose")! * 18.0182 });
  if (num("rate") !== undefined && num("duration") !== undefined) out.push({ id: `${id}-rate`, createdAt, type: "Basal", value: num("rate")!, valueSecondary: num("duration")! });
  for (const [eventType, type] of [
    ["Site Change", "SiteChange"],
    ["Sensor Start", "SensorStart"],
    ["Pump Battery Change", "PumpBatteryChange"],
  ] as const)
    if (doc.eventType === eventType) out.push({ id: `${id}-`, createdAt, type, value: 0 });
  return out;
}

// ---------------------------------------------------------------------------------------------
// What a Loop or Trio phone uploads (as read in nightscout-uploader-clients.test.ts and
// nightscout-clients.test.ts), so that LoopFollow and xDrip4iOS have something to follow.

type Call = Awaited<ReturnType<typeof client>>["call"];

/** Loop's NightscoutService (NightscoutKit): readings every 5 minutes for 25 hours, newest last. */
async function loopReadings(call: Call, now: number) {
  const entries = Array.from({ length: 300 }, (_, i) => {
    const date = now - (299 - i) * 5 * MIN - 2 * MIN;
    return { type: "sgv", sgv: 100 + Math.round(30 * Math.sin(i / 10)), date, dateString: iso(date), direction: "Flat", device: "loop://iPhone" };
  });
  expect((await call("POST", "/api/v1/entries", entries)).status).toBe(200);
  return entries;
}

/** Loop's device status (DeviceStatus.dictionaryRepresentation): pump, uploader, loop, override. */
const loopStatus = (t: number) => ({
  device: "loop://iPhone",
  created_at: iso(t),
  pump: { clock: iso(t).replace(/\.\d{3}Z$/, "Z"), pumpID: "1234567", manufacturer: "Insulet", model: "Dash", reservoir: 82.35, bolusing: false, suspended: false, battery: { percent: 71 }, secondsFromGMT: 3600 },
  uploader: { name: "iPhone", timestamp: iso(t), battery: 64, isCharging: false },
  loop: {
    name: "Loop",
    version: "3.4.0",
    timestamp: iso(t),
    iob: { timestamp: iso(t), iob: 2.15, basaliob: 0.4 },
    cob: { timestamp: iso(t), cob: 31 },
    predicted: { startDate: iso(t), values: [120, 118.4, 115, 112] },
    recommendedBolus: 0.35,
    enacted: { timestamp: iso(t), rate: 0.9, duration: 30, received: true, bolusVolume: 0 },
    automaticDoseRecommendation: { timestamp: iso(t), bolusVolume: 0.1, tempBasalAdjustment: { rate: 0.9, duration: 30 } },
  },
  override: { name: "Exercise", timestamp: iso(t), active: true, currentCorrectionRange: { minValue: 140, maxValue: 160 }, duration: 3600, multiplier: 0.8 },
});

/** Trio's device status (Trio NightscoutAPI.swift uploadDeviceStatus: openaps suggested/enacted, pump, uploader). */
const trioStatus = (t: number) => ({
  device: "Trio",
  created_at: iso(t),
  openaps: {
    version: "0.5.1",
    iob: { iob: 1.2, basaliob: 0.3, activity: 0.01, time: iso(t) },
    suggested: { timestamp: iso(t), deliverAt: iso(t), bg: 131, eventualBG: 118, COB: 12, IOB: 1.2, ISF: 45, CR: 9, current_target: 100, sensitivityRatio: 1, insulinReq: 0.4, units: 0.2, rate: 0.6, duration: 30, reason: "COB: 12, Dev: 5, BGI: -1, ISF: 45, CR: 9, Target: 100", predBGs: { IOB: [131, 129, 127], COB: [131, 133, 130] }, TDD: 38.5 },
    enacted: { timestamp: iso(t), deliverAt: iso(t), rate: 0.6, duration: 30, received: true, units: 0.2, reason: "microbolus", IOB: 1.2, COB: 12 },
  },
  pump: { clock: iso(t), reservoir: 120, battery: { percent: 85 }, status: { status: "normal", bolusing: false, suspended: false, timestamp: iso(t) } },
  uploader: { batteryVoltage: 3.9, battery: 77 },
});

/** Loop's treatments (NightscoutKit Models/): a temp basal, an automatic bolus (SMB), a bolus, carbs, an override (UUID `_id`), a BG check, a note, suspend/resume, and site/sensor/insulin changes days ago. */
function loopTreatments(now: number) {
  const base = (t: number, syncIdentifier: string) => ({ created_at: iso(t), timestamp: iso(t), enteredBy: "loop://iPhone", syncIdentifier });
  return [
    { ...base(now - 40 * MIN, "tb-1"), eventType: "Temp Basal", temp: "absolute", rate: 0.9, absolute: 0.9, duration: 30, amount: 0.45, reason: "automatic" },
    { ...base(now - 35 * MIN, "smb-1"), eventType: "Correction Bolus", type: "normal", insulin: 0.35, programmed: 0.35, unabsorbed: 0, duration: 0, automatic: true },
    { ...base(now - 30 * MIN, "bolus-1"), eventType: "Correction Bolus", type: "normal", insulin: 2.5, programmed: 2.5, unabsorbed: 0, duration: 0, automatic: false },
    { ...base(now - 29 * MIN, "carbs-1"), eventType: "Carb Correction", carbs: 45, absorptionTime: 180, foodType: "🍕" },
    { _id: "2F8E4C1A-3B6D-4E2F-9A1C-7D5E3B2A1F0E", created_at: iso(now - 20 * MIN), timestamp: iso(now - 20 * MIN), enteredBy: "loop://iPhone", eventType: "Temporary Override", reason: "Exercise", duration: 60, correctionRange: [140, 160], insulinNeedsScaleFactor: 0.8 },
    { ...base(now - 15 * MIN, "bg-1"), eventType: "BG Check", glucose: 132, glucoseType: "Finger", units: "mg/dl" },
    { created_at: iso(now - 10 * MIN), eventType: "Note", notes: "Football practice", enteredBy: "LoopFollow caregiver" },
    { ...base(now - 3 * HOUR, "suspend-1"), eventType: "Suspend Pump" },
    { ...base(now - 3 * HOUR + 10 * MIN, "resume-1"), eventType: "Resume Pump" },
    // Ages far back: CAge asks without a lower bound, SAge and IAge within 60 days.
    { created_at: iso(now - 12 * DAY), eventType: "Site Change", enteredBy: "loop://iPhone" },
    { created_at: iso(now - 2 * DAY - 3 * HOUR), eventType: "Site Change", enteredBy: "loop://iPhone" },
    { created_at: iso(now - 9 * DAY), eventType: "Sensor Start", enteredBy: "loop://iPhone" },
    { created_at: iso(now - 70 * DAY), eventType: "Insulin Change", enteredBy: "loop://iPhone" },
    { created_at: iso(now - 5 * DAY), eventType: "Insulin Change", enteredBy: "loop://iPhone" },
  ];
}

/** Loop's ProfileSet.dictionaryRepresentation (with loopSettings), started an hour ago. */
function loopProfile(now: number) {
  const entry = (value: number) => [{ time: "00:00", value, timeAsSeconds: 0 }];
  return {
    defaultProfile: "Default",
    startDate: iso(now - HOUR),
    mills: String(now - HOUR),
    units: "mg/dL",
    enteredBy: "Loop",
    loopSettings: { dosingEnabled: true, overridePresets: [{ name: "Exercise", symbol: "🏃", duration: 3600, insulinNeedsScaleFactor: 0.8, targetRange: [140, 160] }], minimumBGGuard: 75, preMealTargetRange: [80, 90], maximumBasalRatePerHour: 3, maximumBolus: 8, deviceToken: "abcdef", dosingStrategy: "automaticBolus", bundleIdentifier: "com.loopkit.Loop" },
    store: {
      Default: {
        dia: 6,
        carbs_hr: "0",
        delay: "0",
        timezone: "ETC/GMT",
        target_low: entry(100),
        target_high: entry(110),
        sens: entry(45),
        basal: [
          { time: "00:00", value: 0.85, timeAsSeconds: 0 },
          { time: "06:00", value: 1.1, timeAsSeconds: 21600 },
        ],
        carbratio: entry(9),
        units: "mg/dL",
      },
    },
  };
}

/** A Loop user's site: readings, a device status, treatments and a profile, as Loop uploads them. */
async function loopSite() {
  const c = await client();
  const now = Date.now();
  await loopReadings(c.call, now);
  expect((await c.call("POST", "/api/v1/devicestatus", [loopStatus(now - 90 * MIN), loopStatus(now - 2 * MIN)])).status).toBe(200);
  const treatments = await c.call("POST", "/api/v1/treatments", loopTreatments(now));
  expect(treatments.status, JSON.stringify(treatments.json)).toBe(200);
  expect((await c.call("POST", "/api/v1/profile", [loopProfile(now)])).status).toBe(200);
  // LoopFollow is given a read-only secret as its token (Settings → Uploaders, role "readable").
  const ro = await api("/api/v1/uploaders", { token: c.a.access, body: { name: "LoopFollow", role: "readable" } });
  expect(ro.status).toBe(201);
  const token: string = ro.json.secret;
  /** NightscoutUtils.swift constructURL: the endpoint, `token` first, then the parameters, as URLQueryItems. */
  const loopFollow = (endpoint: string, parameters: Record<string, string> = {}) => api(`${endpoint}?${query({ token, ...parameters })}`);
  return { ...c, now, token, loopFollow };
}

// ---------------------------------------------------------------------------------------------
// socket.io as Socket.IO-Client-Swift 16 drives it over long-polling (LoopFollow leaves
// forceWebsockets(false) and does not wait for the upgrade; the upgrade is in socketio.test.ts).

/**
 * SocketEngine.swift createURLs: `transport=polling&b64=1`, the connectParams (LoopFollow's
 * `token`), then `&EIO=4`; every later poll and POST adds the `sid`. The session's heartbeat is
 * shortened so that an empty long-poll returns soon.
 */
async function swiftSocket(token: string) {
  const q = `transport=polling&b64=1&token=${encodeURIComponent(token)}&EIO=4`;
  const open = await SELF.fetch(`${BASE}/socket.io/?${q}`);
  expect(open.status).toBe(200);
  const handshake = JSON.parse(splitPayload(4, await open.text())[0]!.slice(1)) as { sid: string };
  const sid = handshake.sid;
  await runInDurableObject(sessionOf(sid), (s: SocketIoSession) => {
    s.pingIntervalMs = 200;
  });
  const url = `${BASE}/socket.io/?${q}&sid=${sid}`;
  const events: { event: string; args: any[] }[] = [];
  const taken = new Set<number>();
  /** The server's CONNECT answers (socket.io-protocol v5: `40{"sid":…}`). */
  const connects: unknown[] = [];
  const post = async (...packets: string[]) => {
    const res = await SELF.fetch(url, { method: "POST", body: joinPayload(4, packets), headers: { "content-type": "text/plain;charset=UTF-8" } });
    expect(await res.text()).toBe("ok");
  };
  const poll = async () => {
    const res = await SELF.fetch(url);
    expect(res.status).toBe(200);
    for (const p of splitPayload(4, await res.text())) {
      // Engine.IO 4: the server pings, the client answers.
      if (p === "2") await post("3");
      const sio = decodeSocketIo(p);
      if (sio?.type === PacketType.CONNECT) connects.push(sio.data);
      if (sio?.type === PacketType.EVENT) events.push({ event: sio.data[0], args: sio.data.slice(1) });
    }
  };
  /** The next event of that name not taken before. */
  const next = async (event: string, where: (args: any[]) => boolean = () => true, timeout = 5000) => {
    const end = Date.now() + timeout;
    for (;;) {
      const i = events.findIndex((e, j) => !taken.has(j) && e.event === event && where(e.args));
      if (i >= 0) {
        taken.add(i);
        return events[i]!.args;
      }
      if (Date.now() > end) throw new Error(`no ${event}; received ${JSON.stringify(events.map((e) => e.event))}`);
      await poll();
    }
  };
  // SocketIOClient.connect: the CONNECT of the main namespace, answered with its sid.
  await post("40");
  for (let i = 0; i < 20 && connects.length === 0; i++) await poll();
  expect(connects).toEqual([{ sid: expect.any(String) }]);
  return { post, poll, next, events };
}

// =============================================================================================

describe("LoopFollow (loopandlearn/LoopFollow), following a Loop user with a read-only token", () => {
  it("Nightscout/NightscoutSettingsViewModel.swift checkNightscoutStatus → Helpers/NightscoutUtils.swift verifyURLAndToken: GET /api/v1/status.json?token=… (200 connected; 401 invalidToken or tokenRequired)", async () => {
    const { token, a } = await loopSite();
    // createURLRequest: "\(url)/api/v1/status.json?token=\(token percent-encoded)".
    const ok = await api(`/api/v1/status.json?token=${encodeURIComponent(token)}`);
    expect(ok.status).toBe(200);
    // 200: `authorized.token` and `permissionGroups` are read when present; without them the
    // connection is OK and shown read-only, which is what a readable secret is.
    expect(ok.json).toMatchObject({ status: "ok", settings: expect.objectContaining({ units: "mg/dl" }) });
    expect(ok.json.authorized ?? null).toBeNull();
    // An empty token field still appends "?token=": 401 is "Token Required"; a wrong one "Invalid Token".
    expect((await api("/api/v1/status.json?token=")).status).toBe(401);
    expect((await api(`/api/v1/status.json?token=${"x".repeat(32)}`)).status).toBe(401);
    // Then verifyAPISecret probes /api/v2/authorization/subjects with sha1(the pasted value) to tell
    // an API secret from a token: a read-only secret may not list subjects (401), so it is a token
    // and no token is made from it (provisionReadOnlyToken: nightscout-readable-role.test.ts).
    expect((await api("/api/v2/authorization/subjects", { headers: { "api-secret": await sha1Hex(token) } })).status).toBe(401);
    // The token is a GlucoLens uploader secret: letters and digits, safe in URLQueryItem as it is.
    expect(token).toMatch(/^[A-Za-z0-9]+$/);
    expect((await api("/api/v1/uploaders", { token: a.access })).json.items.map((u: { name: string; role: string }) => [u.name, u.role])).toContainEqual(["LoopFollow", "readable"]);
  });

  it("Controllers/Nightscout/BGData.swift webLoadNSBGData: entries.json?count=…&find[date][$gte]=<ms>&find[type][$ne]=cal decoded as [ShareGlucoseData], newest first; Stats/StatsDataFetcher.swift fetchBGData by find[dateString][$gte]", async () => {
    const { loopFollow, now, call } = await loopSite();
    // A meter reading and a calibration in the window: the mbg is a ShareGlucoseData too, the cal is excluded.
    await call("POST", "/api/v1/entries", [
      { type: "mbg", mbg: 140, date: now - 60 * MIN, dateString: iso(now - 60 * MIN), device: "loop://iPhone" },
      { type: "cal", slope: 1000, intercept: 0, scale: 1, date: now - 60 * MIN, device: "loop://iPhone" },
    ]);
    // bgFetchDays (downloadDays 1 by default) × maxExpectedUploaders 4 × 288.
    const bgFetchDays = 1;
    const res = await loopFollow("/api/v1/entries.json", { count: String(bgFetchDays * 4 * 24 * 60 / 5), "find[date][$gte]": String(Math.trunc(now - bgFetchDays * DAY)), "find[type][$ne]": "cal" });
    expect(res.status).toBe(200);
    expect(decodes(arr(ShareGlucoseData), res.json, "[ShareGlucoseData]")).toBeNull();
    // 288 readings of the last day and the meter reading; none older than a day, no cal.
    expect(res.json).toHaveLength(289);
    expect(res.json.every((e: { date: number; type: string }) => e.date >= now - DAY && e.type !== "cal")).toBe(true);
    // ProcessDexBGData takes data[0] as the newest.
    const dates = res.json.map((e: { date: number }) => e.date);
    expect(dates).toEqual([...dates].sort((x: number, y: number) => y - x));
    expect(res.json[0]).toMatchObject({ sgv: expect.any(Number), direction: "Flat" });
    // Stats: find[dateString][$gte] with ISO8601DateFormatter's default ("2026-…T…Z", no milliseconds).
    const stats = await loopFollow("/api/v1/entries.json", { count: String(14 * 4 * 288), "find[dateString][$gte]": iso(now - 12 * HOUR).replace(/\.\d{3}Z$/, "Z"), "find[type][$ne]": "cal" });
    expect(decodes(arr(ShareGlucoseData), stats.json, "[ShareGlucoseData]")).toBeNull();
    expect(stats.json.length).toBeGreaterThanOrEqual(144);
    expect(stats.json.every((e: { date: number }) => e.date >= now - 12 * HOUR - 1000)).toBe(true);
  });

  it("Controllers/Nightscout/DeviceStatus.swift webLoadNSDeviceStatus (devicestatus.json?count=1): pump clock/reservoir/battery, uploader battery, loop iob/cob/predicted, override; Treatments/TreatmentsView.swift fetchDeviceStatusHistory by created_at", async () => {
    const { loopFollow, now } = await loopSite();
    const res = await loopFollow("/api/v1/devicestatus.json", { count: "1" });
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(1);
    const [ds] = res.json;
    // updateDeviceStatusDisplay: pump.clock (ISO), pump.reservoir and battery.percent as Double, uploader.battery, isCharging.
    expect(ds.created_at).toBe(iso(now - 2 * MIN));
    expect(Number.isNaN(Date.parse(ds.pump.clock))).toBe(false);
    expect(ds.pump).toMatchObject({ reservoir: 82.35, model: "Dash", battery: { percent: 71 } });
    expect(ds.uploader).toMatchObject({ battery: 64, isCharging: false });
    // DeviceStatusLoop: loop.iob/cob (InsulinMetric, CarbMetric), predicted.values as [Double], recommendedBolus, enacted, no failureReason.
    expect(ds.loop).toMatchObject({ iob: { iob: 2.15 }, cob: { cob: 31 }, predicted: { values: [120, 118.4, 115, 112] }, recommendedBolus: 0.35, enacted: { rate: 0.9 } });
    expect(ds.loop.failureReason).toBeUndefined();
    expect(ds.override).toMatchObject({ active: true, multiplier: 0.8, currentCorrectionRange: { minValue: 140, maxValue: 160 } });
    // fetchDeviceStatusHistory: ±30 minutes around a treatment, ISO with milliseconds, count=30.
    const around = now - 90 * MIN;
    const history = await loopFollow("/api/v1/devicestatus.json", { "find[created_at][$gte]": iso(around - 30 * MIN), "find[created_at][$lte]": iso(around + 30 * MIN), count: "30" });
    expect(history.json.map((d: { created_at: string }) => d.created_at)).toEqual([iso(around)]);
    expect(history.json[0].loop).toMatchObject({ iob: { iob: 2.15 }, cob: { cob: 31 } });
  });

  it("Controllers/Nightscout/DeviceStatus.swift webLoadNSDeviceStatus for a Trio user: DeviceStatusOpenAPS.swift reads openaps suggested/enacted (timestamp, ISF, CR, COB, IOB, eventualBG, current_target, predBGs, TDD)", async () => {
    const c = await client();
    const now = Date.now();
    expect((await c.call("POST", "/api/v1/devicestatus", trioStatus(now - MIN))).status).toBe(200);
    const [ds] = (await c.withToken(`/api/v1/devicestatus.json?${query({ count: "1" })}`)).json;
    expect(ds.device).toBe("Trio");
    expect(ds.openaps.suggested).toMatchObject({ timestamp: iso(now - MIN), ISF: 45, CR: 9, eventualBG: 118, current_target: 100, sensitivityRatio: 1, TDD: 38.5, predBGs: { IOB: [131, 129, 127], COB: [131, 133, 130] } });
    expect(ds.openaps.enacted).toMatchObject({ rate: 0.6, duration: 30 });
    expect(ds.openaps.iob).toMatchObject({ iob: 1.2 });
  });

  it("Controllers/Nightscout/Treatments.swift WebLoadNSTreatments: treatments.json with find[created_at][$gte]/[$lte] as yyyy-MM-dd'T'HH:mm:ss and count=5000; each eventType with the numbers its processor takes; Treatments/TreatmentsView.swift pages by $lt with count=100", async () => {
    const { loopFollow, now } = await loopSite();
    const res = await loopFollow("/api/v1/treatments.json", { "find[created_at][$gte]": loopFollowDate(now - DAY), "find[created_at][$lte]": loopFollowDate(now + 6 * HOUR), count: "5000" });
    expect(res.status).toBe(200);
    const byType = (eventType: string) => res.json.filter((t: { eventType: string }) => t.eventType === eventType);
    expect(res.json.map((t: { eventType: string }) => t.eventType).sort()).toEqual(["BG Check", "Carb Correction", "Correction Bolus", "Correction Bolus", "Note", "Resume Pump", "Suspend Pump", "Temp Basal", "Temporary Override"]);
    // Every entry carries eventType and a time (timestamp ?? created_at) in ISO 8601 (NightscoutUtils.parseDate).
    for (const t of res.json) {
      expect(typeof t.eventType).toBe("string");
      expect(t.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    // processNSBasals: absolute and duration as Double.
    expect(byType("Temp Basal")[0]).toMatchObject({ absolute: 0.9, duration: 30 });
    // Correction Bolus with automatic: true is an SMB (processNSSmb), else a bolus: insulin as Double.
    expect(byType("Correction Bolus").map((t: { insulin: number; automatic: boolean }) => [t.insulin, t.automatic]).sort()).toEqual([
      [0.35, true],
      [2.5, false],
    ]);
    // processNSCarbs: carbs as Double, absorptionTime as Int.
    expect(byType("Carb Correction")[0]).toMatchObject({ carbs: 45, absorptionTime: 180 });
    // processNSOverrides: duration, correctionRange [Int, Int], insulinNeedsScaleFactor, reason, enteredBy.
    expect(byType("Temporary Override")[0]).toMatchObject({ duration: 60, correctionRange: [140, 160], insulinNeedsScaleFactor: 0.8, reason: "Exercise", enteredBy: "loop://iPhone" });
    expect(byType("BG Check")[0]).toMatchObject({ glucose: 132, units: "mg/dl" });
    expect(byType("Note")[0]).toMatchObject({ notes: "Football practice" });
    // TreatmentsView loadMoreTreatments: created_at < the oldest shown, back 365 days, count=100.
    const page = await loopFollow("/api/v1/treatments.json", { "find[created_at][$gte]": iso(now - 365 * DAY), "find[created_at][$lt]": iso(now - 30 * MIN), count: "100" });
    expect(page.json.map((t: { eventType: string }) => t.eventType)).toEqual(["Correction Bolus", "Temp Basal", "Resume Pump", "Suspend Pump", "Site Change", "Insulin Change", "Sensor Start", "Site Change", "Insulin Change"]);
  });

  it("Controllers/Nightscout/CAge.swift webLoadNSCage, SAge.swift webLoadNSSage, IAge.swift webLoadNSIage: the newest Site Change (only $lte: no default window), Sensor Start and Insulin Change within 60 days, count=1, decoded as [cageData]", async () => {
    const { loopFollow, now } = await loopSite();
    const cage = await loopFollow("/api/v1/treatments.json", { "find[eventType]": "Site Change", "find[created_at][$lte]": loopFollowDate(now), count: "1" });
    expect(decodes(arr(AgeData), cage.json, "[cageData]")).toBeNull();
    expect(cage.json.map((t: { created_at: string }) => t.created_at)).toEqual([iso(now - 2 * DAY - 3 * HOUR)]);
    const window = { "find[created_at][$gte]": loopFollowDate(now - 60 * DAY), "find[created_at][$lte]": loopFollowDate(now), count: "1" };
    const sage = await loopFollow("/api/v1/treatments.json", { "find[eventType]": "Sensor Start", ...window });
    expect(decodes(arr(AgeData), sage.json, "[sageData]")).toBeNull();
    expect(sage.json.map((t: { created_at: string }) => t.created_at)).toEqual([iso(now - 9 * DAY)]);
    const iage = await loopFollow("/api/v1/treatments.json", { "find[eventType]": "Insulin Change", ...window });
    expect(iage.json.map((t: { created_at: string }) => t.created_at)).toEqual([iso(now - 5 * DAY)]);
    // updateCage/updateSage parse created_at with ISO8601DateFormatter and force-cast the result:
    // the form Nightscout stores (treatments.js prepareData, moment's toISOString: milliseconds, 'Z').
    for (const t of [...cage.json, ...sage.json, ...iage.json]) expect(t.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("Controllers/Nightscout/Profile.swift webLoadNSProfile: profiles.json?count=1&find[startDate][$lte]=<now + 60 s> decoded as [NSProfile] with store Default; Remote/Settings/RemoteSettingsViewModel.swift runDiagnostics (count=1000)", async () => {
    const { loopFollow, now, call } = await loopSite();
    const res = await loopFollow("/api/v1/profiles.json", { count: "1", "find[startDate][$lte]": iso(now + 60_000) });
    expect(res.status).toBe(200);
    expect(decodes(arr(NSProfile), res.json, "[NSProfile]")).toBeNull();
    expect(res.json).toHaveLength(1);
    // updateProfile: store["default"] ?? store["Default"], its basal schedule, defaultProfile; loopSettings for remote settings.
    expect(res.json[0]).toMatchObject({ defaultProfile: "Default", units: "mg/dL", store: { Default: { basal: [{ value: 0.85, timeAsSeconds: 0 }, { value: 1.1, timeAsSeconds: 21600 }] } }, loopSettings: { bundleIdentifier: "com.loopkit.Loop", deviceToken: "abcdef" } });
    // A newer profile started in the future is not the current one.
    await call("POST", "/api/v1/profile", [{ ...loopProfile(now + 2 * HOUR), startDate: iso(now + HOUR), defaultProfile: "Default" }]);
    expect((await loopFollow("/api/v1/profiles.json", { count: "1", "find[startDate][$lte]": iso(now + 60_000) })).json[0].startDate).toBe(iso(now - HOUR));
    // runDiagnostics: the history, newest first.
    const history = await loopFollow("/api/v1/profiles.json", { count: "1000" });
    expect(decodes(arr(NSProfile), history.json, "[NSProfile]")).toBeNull();
    expect(history.json.map((p: { startDate: string }) => p.startDate)).toEqual([iso(now + HOUR), iso(now - HOUR)]);
  });

  it("Controllers/Nightscout/DBSize.swift webLoadNSDBSize: /api/v2/properties/dbsize decodes as DBSizeProperties without dbsize (the row is hidden, no error)", async () => {
    const { loopFollow } = await loopSite();
    const res = await loopFollow("/api/v2/properties/dbsize");
    expect(res.status).toBe(200);
    expect(decodes(DBSizeProperties, res.json, "DBSizeProperties")).toBeNull();
    expect(res.json.dbsize).toBeUndefined();
  });

  it("Controllers/Nightscout/NightscoutSocketManager.swift connect/authorize: polling with ?token=, authorize {client, history: 1, secret: token} → `connected` and the full dataUpdate; NightscoutSocketDataHandler.swift fetches on sgvs/devicestatus/treatments deltas", async () => {
    const { token, call, now } = await loopSite();
    const socket = await swiftSocket(token);
    // authorize(): {client: "LoopFollow", history: 1, secret: <the token>}, emitted without an ack.
    // Nightscout's authorization.resolve takes an access token in `secret` (doesAccessTokenExist).
    await socket.post(`42${JSON.stringify(["authorize", { client: "LoopFollow", history: 1, secret: token }])}`);
    // on("connected") → authenticated; on("dataUpdate") without delta → every fetch now.
    await socket.next("connected");
    const [full] = await socket.next("dataUpdate");
    expect(full.delta ?? false).toBe(false);
    expect(full.sgvs.length).toBeGreaterThan(0);
    // Deltas name what changed: sgvs → fetchBG, devicestatus → deviceStatus, treatments → treatments.
    await call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 150, date: now + MIN, dateString: iso(now + MIN), direction: "FortyFiveUp", device: "loop://iPhone" }]);
    const [sgvs] = await socket.next("dataUpdate", ([d]) => d.delta === true && d.sgvs !== undefined);
    expect(sgvs.sgvs).toEqual([expect.objectContaining({ mgdl: 150 })]);
    await call("POST", "/api/v1/devicestatus", [loopStatus(now + MIN)]);
    await socket.next("dataUpdate", ([d]) => d.delta === true && d.devicestatus !== undefined);
    await call("POST", "/api/v1/treatments", [{ eventType: "Carb Correction", carbs: 20, created_at: iso(now + MIN), enteredBy: "loop://iPhone" }]);
    await socket.next("dataUpdate", ([d]) => d.delta === true && d.treatments !== undefined);
    // profiles → the profile fetch (calcdelta.js sends the profiles when they changed).
    await call("POST", "/api/v1/profile", [{ ...loopProfile(now), startDate: iso(now) }]);
    await socket.next("dataUpdate", ([d]) => d.delta === true && d.profiles !== undefined);
  });

  it("Helpers/NightscoutUtils.swift executeRequest and NightscoutSocketManager.swift authorize with a second user's token: it sees none of the first user's readings, treatments, device status, profiles or socket data, and the first user's token none of the second's", async () => {
    const first = await loopSite();
    // A second account with one reading of its own, followed with its own read-only token.
    const second = await client();
    await second.call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 93, date: first.now - 4 * MIN, device: "second-cgm" }]);
    const ro = await api("/api/v1/uploaders", { token: second.a.access, body: { name: "LoopFollow", role: "readable" } });
    const read = (path: string, params: Record<string, string>) => api(`${path}?${query({ token: ro.json.secret, ...params })}`);
    const now = first.now;
    expect((await read("/api/v1/entries.json", { count: "1152", "find[date][$gte]": String(now - DAY), "find[type][$ne]": "cal" })).json.map((e: { sgv: number; device: string }) => [e.sgv, e.device])).toEqual([[93, "second-cgm"]]);
    expect((await read("/api/v1/entries.json", { count: "1152", "find[dateString][$gte]": iso(now - 365 * DAY) })).json).toHaveLength(1);
    expect((await read("/api/v1/devicestatus.json", { count: "1" })).json).toEqual([]);
    expect((await read("/api/v1/devicestatus.json", { "find[created_at][$gte]": iso(now - DAY), "find[created_at][$lte]": iso(now), count: "30" })).json).toEqual([]);
    expect((await read("/api/v1/treatments.json", { "find[created_at][$gte]": loopFollowDate(now - DAY), "find[created_at][$lte]": loopFollowDate(now + 6 * HOUR), count: "5000" })).json).toEqual([]);
    for (const eventType of ["Site Change", "Sensor Start", "Insulin Change"]) expect((await read("/api/v1/treatments.json", { "find[eventType]": eventType, "find[created_at][$lte]": loopFollowDate(now), count: "1" })).json).toEqual([]);
    expect((await read("/api/v1/profiles.json", { count: "1000" })).json).toEqual([]);
    // The first user's token reads none of the second user's.
    expect((await first.loopFollow("/api/v1/entries.json", { count: "1152", "find[date][$gte]": String(now - DAY) })).json.some((e: { device: string }) => e.device === "second-cgm")).toBe(false);

    // The second user's socket: a history of its own reading only; the first user's new reading is
    // no delta there, its own next reading is.
    const socket = await swiftSocket(ro.json.secret);
    await socket.post(`42${JSON.stringify(["authorize", { client: "LoopFollow", history: 1, secret: ro.json.secret }])}`);
    await socket.next("connected");
    const [full] = await socket.next("dataUpdate");
    expect(full.sgvs.map((e: { mgdl: number }) => e.mgdl)).toEqual([93]);
    expect(full.devicestatus).toEqual([]);
    expect(full.treatments).toEqual([]);
    await first.call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 177, date: now + 2 * MIN, device: "loop://iPhone" }]);
    await first.call("POST", "/api/v1/treatments", [{ eventType: "Carb Correction", carbs: 15, created_at: iso(now + 2 * MIN), enteredBy: "loop://iPhone" }]);
    await second.call("POST", "/api/v1/entries", [{ type: "sgv", sgv: 95, date: now + MIN, device: "second-cgm" }]);
    const [own] = await socket.next("dataUpdate", ([d]) => d.delta === true && d.sgvs !== undefined);
    expect(own.sgvs.map((e: { mgdl: number }) => e.mgdl)).toEqual([95]);
    for (let i = 0; i < 3; i++) await socket.poll();
    const deltas = socket.events.filter((e) => e.event === "dataUpdate" && e.args[0].delta);
    expect(deltas.flatMap((e) => e.args[0].sgvs ?? []).map((e: { mgdl: number }) => e.mgdl)).toEqual([95]);
    expect(deltas.flatMap((e) => e.args[0].treatments ?? [])).toEqual([]);
  });
});

// =============================================================================================

describe("xDrip4iOS (JohanDegraeve/xdripswift) uploading with the URL https://SECRET@host/api/v1/", () => {
  /**
   * SettingsViewNightscoutSettingsViewModel.swift (nightscoutUrl): the user-info of the pasted URL
   * becomes the API_SECRET, "/api/v1" is removed and the URL is rebuilt from scheme and host.
   * Every request then carries `api-secret: API_SECRET.sha1()` (NightscoutSyncManager.swift
   * uploadDataAndGetResponse), written `API-SECRET` in nightscoutRequest.
   */
  async function xdrip() {
    const c = await client();
    const url = new URL(c.up.url);
    expect(url.pathname).toBe("/api/v1/");
    const apiKey = decodeURIComponent(url.username);
    const apiSecret = await sha1Hex(apiKey);
    /** uploadDataAndGetResponse: POST (or PUT) with Content-Type/Accept JSON and `api-secret`. */
    const upload = (path: string, body: unknown, method = "POST") => api(path, { method, body, headers: { "api-secret": apiSecret, accept: "application/json" } });
    /** nightscoutRequest: GET/DELETE with `API-SECRET`. */
    const request = (path: string, method = "GET") => api(path, { method, headers: { "API-SECRET": apiSecret, "content-type": "application/json", accept: "application/json" } });
    return { ...c, apiKey, upload, request };
  }

  it("View Controllers/…/SettingsViewNightscoutSettingsViewModel.swift and Managers/Nightscout/NightscoutSyncManager.swift testNightscoutCredentials: GET /api/v1/experiments/test is 2xx with the SHA-1 api-secret, or with a token sent as it is; 401 for a wrong secret and for a read-only one", async () => {
    const { apiKey, request } = await xdrip();
    expect(await request("/api/v1/experiments/test")).toMatchObject({ status: 200, json: { status: "ok" } });
    // Only a token: the settings test sends it as `api-secret` in plain text ...
    expect((await api("/api/v1/experiments/test", { headers: { "api-secret": apiKey, accept: "application/json" } })).status).toBe(200);
    // ... the sync manager appends "?token=" unencoded.
    expect((await api(`/api/v1/experiments/test?token=${apiKey}`, { headers: { accept: "application/json" } })).status).toBe(200);
    // 401: "API_SECRET is not valid".
    const wrong = await api("/api/v1/experiments/test", { headers: { "api-secret": await sha1Hex("not the secret") } });
    expect(wrong).toMatchObject({ status: 401, json: { status: 401, message: "Unauthorized" } });
    // A read-only secret cannot upload, and the test says so before the uploads fail: Nightscout's
    // lib/api/experiments/index.js asks isPermitted('authorization:debug:test'), which `*:*:read` lacks.
    const c = await client();
    const ro = await api("/api/v1/uploaders", { token: c.a.access, body: { name: "xDrip4iOS", role: "readable" } });
    const readOnly = await api("/api/v1/experiments/test", { headers: { "api-secret": await sha1Hex(ro.json.secret) } });
    expect(readOnly).toMatchObject({ status: 401, json: { status: 401, message: "Unauthorized", description: "Invalid/Missing" } });
    expect((await api(`/api/v1/experiments/test?token=${ro.json.secret}`)).status).toBe(401);
  });

  it("Managers/Nightscout/NightscoutSyncManager.swift uploadBgReadingsToNightscout: POST /api/v1/entries with BgReading+Nightscout.swift dictionaries (a 24-character alphanumeric _id) is 2xx, a re-upload stores nothing twice; uploadCalibrationsToNightscout: cal and mbg records; deleteBgReadingFromNightscout: DELETE by find[dateString]", async () => {
    const { upload, request, a, apiKey } = await xdrip();
    const now = Date.now();
    const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const eventId = (seed: number) => Array.from({ length: 24 }, (_, i) => letters[(seed * 7 + i * 13) % letters.length]).join("");
    // dictionaryRepresentationForNightscoutUpload: _id, device, date, dateString, type, sgv (Int), direction, filtered, unfiltered, noise, sysTime.
    const reading = (i: number, sgv: number) => {
      const t = now - (4 - i) * 5 * MIN;
      return { _id: eventId(i), device: "DexcomG7", date: t, dateString: iso(t), type: "sgv", sgv, direction: "Flat", filtered: sgv * 1000, unfiltered: sgv * 1000, noise: 1, sysTime: iso(t) };
    };
    const readings = [reading(0, 101), reading(1, 104), reading(2, 108), reading(3, 113)];
    const first = await upload("/api/v1/entries", readings);
    expect(first.status).toBeGreaterThanOrEqual(200);
    expect(first.status).toBeLessThan(300);
    // A failed completion re-sends the same readings: stored once, each by its time.
    expect((await upload("/api/v1/entries", readings)).status).toBe(200);
    const stored = await request("/api/v1/entries.json?count=10");
    expect(stored.json.map((e: { sgv: number }) => e.sgv)).toEqual([113, 108, 104, 101]);
    // The app's own _id is no ObjectId: kept as the identifier, as Nightscout's entries.js normalizeEntryId does.
    expect(stored.json[0]).toMatchObject({ identifier: eventId(3), device: "DexcomG7", noise: 1, filtered: 113000 });
    expect(stored.json[0]._id).toMatch(/^[0-9a-f]{24}$/);
    expect((await api("/api/v1/glucose/readings?limit=10", { token: a.access })).json.items).toHaveLength(4);
    // With a token and no API_SECRET, uploadDataAndGetResponse puts it in the query instead.
    const byToken = await api(`/api/v1/entries?${query({ token: apiKey })}`, { body: [reading(4, 118)], headers: { accept: "application/json" } });
    expect(byToken.status).toBe(200);
    expect((await request("/api/v1/entries.json?count=10")).json.map((e: { sgv: number }) => e.sgv)).toEqual([118, 113, 108, 104, 101]);

    // Calibration+Nightscout.swift: a cal record and an mbg record (another random _id) per calibration.
    const ct = now - 2 * MIN;
    const cal = { _id: eventId(10), device: "DexcomG7", date: ct, dateString: iso(ct), type: "cal", sysTime: iso(ct), slope: 1000 / 0.9, intercept: -(12 * 1000) / 0.9, scale: 1 };
    const mbg = { _id: eventId(11), device: "DexcomG7", date: ct, dateString: iso(ct), type: "mbg", mbg: 117, sysTime: iso(ct) };
    const calibrations = await upload("/api/v1/entries", [cal, mbg]);
    expect(calibrations.status).toBe(200);
    expect(calibrations.json.map((e: { type: string }) => e.type)).toEqual(["cal", "mbg"]);
    expect((await request("/api/v1/entries/mbg.json?count=5")).json).toEqual([expect.objectContaining({ mbg: 117, date: ct })]);

    // deleteBgReadingFromNightscout: DELETE /api/v1/entries with find[dateString] 1 s either side (URLQueryItems).
    const doomed = readings[2]!;
    const del = await request(`/api/v1/entries?${query({ "find[dateString][$gte]": iso(doomed.date - 1000), "find[dateString][$lte]": iso(doomed.date + 1000) })}`, "DELETE");
    expect(del.status).toBe(200);
    expect((await request("/api/v1/entries/sgv.json?count=10")).json.map((e: { sgv: number }) => e.sgv)).toEqual([118, 113, 104, 101]);
  });

  it("NightscoutSyncManager.swift uploadActiveSensorToNightscout (a Sensor Start treatment with the sensor's _id) and uploadTransmitterBatteryInfoToNightscout (devicestatus {uploader: {name: transmitter, battery}}): 2xx, retries stored once", async () => {
    const { upload, request } = await xdrip();
    const now = Date.now();
    const sensor = { _id: "Qm3xT8vL2pR7nK4wZ9cY1bH6", eventType: "Sensor Start", created_at: iso(now - 3 * DAY), enteredBy: "xDrip4iOS" };
    expect((await upload("/api/v1/treatments", sensor)).status).toBe(200);
    // uploadedToNS is set only on success; after a lost answer the same sensor comes again.
    expect((await upload("/api/v1/treatments", sensor)).status).toBe(200);
    const starts = await request(`/api/v1/treatments?${query({ "find[eventType]": "Sensor Start", "find[created_at][$gte]": iso(now - 10 * DAY) })}`);
    expect(starts.json).toEqual([expect.objectContaining({ eventType: "Sensor Start", identifier: sensor._id, created_at: sensor.created_at, enteredBy: "xDrip4iOS" })]);
    // A percentage transmitter: "battery"; a Dexcom G5/G6: the phone's battery and "batteryVoltage".
    expect((await upload("/api/v1/devicestatus", { uploader: { name: "transmitter", battery: 82 } })).status).toBe(200);
    expect((await upload("/api/v1/devicestatus", { uploader: { name: "transmitter", battery: 64, batteryVoltage: 305 } })).status).toBe(200);
    const statuses = await request("/api/v1/devicestatus");
    expect(statuses.json.map((d: { uploader: unknown }) => d.uploader)).toEqual([
      { name: "transmitter", battery: 64, batteryVoltage: 305 },
      { name: "transmitter", battery: 82 },
    ]);
  });

  it("NightscoutSyncManager.swift syncWithNightscout: uploadTreatmentsToNightscout (POST, ids read back by TreatmentNSResponse and checkIfUploaded), updateTreatmentToNightscout (PUT with _id), getLatestTreatmentsNSResponses (GET find[created_at][$gte], 24 h), deleteTreatmentAtNightscout (DELETE /treatments/<_id>)", async () => {
    const { upload, request } = await xdrip();
    const now = Date.now();
    // TreatmentEntry.dictionaryRepresentationForNightscoutUpload: enteredBy, eventTime (ISO with ms), eventType and the value.
    const at = (minutes: number) => iso(now - minutes * MIN + 123);
    const local = [
      { date: at(50), type: "Insulin", value: 4.5, dict: { eventType: "Bolus", insulin: 4.5 } },
      { date: at(45), type: "Carbs", value: 36, dict: { eventType: "Carbs", carbs: 36 } },
      { date: at(40), type: "Exercise", value: 25, dict: { eventType: "Exercise", duration: 25 } },
      { date: at(35), type: "BgCheck", value: 128, dict: { eventType: "BG Check", glucose: 128, glucoseType: "Finger", units: "mg/dl" } },
      { date: at(30), type: "Basal", value: 0.75, dict: { eventType: "Temp Basal", rate: 0.75, duration: 30 } },
      { date: at(25), type: "SiteChange", value: 0, dict: { eventType: "Site Change" } },
      { date: at(20), type: "PumpBatteryChange", value: 0, dict: { eventType: "Pump Battery Change" } },
    ];
    const posted = await upload(
      "/api/v1/treatments",
      local.map((l) => ({ enteredBy: "xDrip4iOS", eventTime: l.date, ...l.dict })),
    );
    expect(posted.status).toBe(200);
    // checkIfUploaded: each local treatment finds an answer with its created_at (to the ms), type and value, and takes its id.
    const answered = posted.json.flatMap(treatmentNSResponses);
    const ids = local.map((l) => answered.find((r: { createdAt: number; type: string; value: number }) => r.createdAt === Date.parse(l.date) && r.type === l.type && r.value === l.value)?.id);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(answered.find((r: { type: string }) => r.type === "Basal")).toMatchObject({ value: 0.75, valueSecondary: 30 });

    // getLatestTreatmentsNSResponses: ?find[created_at][$gte]=<24 h ago> (no count); every uploaded
    // treatment must be found by id, or the app deletes it locally.
    const download = async () => (await request(`/api/v1/treatments?${query({ "find[created_at][$gte]": iso(now - 24 * HOUR) })}`)).json.flatMap(treatmentNSResponses);
    const downloaded = await download();
    for (const id of ids) expect(downloaded.map((r: { id: string }) => r.id)).toContain(id);

    // A treatment another app wrote (a Meal Bolus with insulin and carbs) is downloaded as two local entries.
    await upload("/api/v1/treatments", { eventType: "Meal Bolus", insulin: 3, carbs: 30, created_at: iso(now - 15 * MIN), enteredBy: "Loop" });
    const mealParts = (await download()).filter((r: { createdAt: number }) => r.createdAt === now - 15 * MIN);
    expect(mealParts.map((r: { type: string; value: number }) => [r.type, r.value]).sort()).toEqual([
      ["Carbs", 30],
      ["Insulin", 3],
    ]);

    // updateTreatmentToNightscout: PUT the edited entry with `_id` (its id before "-"), its siblings' values and the Nightscout eventType.
    const mealId = mealParts[0]!.id.split("-")[0]!;
    const put = await upload("/api/v1/treatments", { enteredBy: "Loop", eventTime: iso(now - 15 * MIN), _id: mealId, eventType: "Meal Bolus", carbs: 40, insulin: 3 }, "PUT");
    expect(put.status).toBe(200);
    const afterPut = (await download()).filter((r: { id: string }) => r.id.startsWith(mealId));
    expect(afterPut.map((r: { type: string; value: number; createdAt: number }) => [r.type, r.value, r.createdAt]).sort()).toEqual([
      ["Carbs", 40, now - 15 * MIN],
      ["Insulin", 3, now - 15 * MIN],
    ]);
    // An own treatment edited in the app: PUT with its _id.
    const bolusId = ids[0]!.split("-")[0]!;
    expect((await upload("/api/v1/treatments", { enteredBy: "xDrip4iOS", eventTime: local[0]!.date, _id: bolusId, eventType: "Bolus", insulin: 5 }, "PUT")).status).toBe(200);
    expect((await download()).find((r: { id: string }) => r.id === ids[0])).toMatchObject({ value: 5, createdAt: Date.parse(local[0]!.date) });

    // deleteTreatmentAtNightscout: DELETE /api/v1/treatments/<id before "-">, 2xx; gone from the next download.
    const carbsId = ids[1]!.split("-")[0]!;
    expect((await request(`/api/v1/treatments/${carbsId}`, "DELETE")).status).toBe(200);
    const afterDelete = await download();
    expect(afterDelete.map((r: { id: string }) => r.id)).not.toContain(ids[1]);
    expect(afterDelete.map((r: { id: string }) => r.id)).toContain(ids[2]);
  });

  it("NightscoutSyncManager.swift uploadDataAndGetResponse and nightscoutRequest with a second user's secret read, change and delete nothing of the first user's", async () => {
    const first = await xdrip();
    const second = await xdrip();
    const now = Date.now();
    await first.upload("/api/v1/entries", [{ _id: "AbCdEfGhIjKlMnOpQrStUvWx", device: "DexcomG7", date: now - MIN, dateString: iso(now - MIN), type: "sgv", sgv: 140, direction: "Flat", filtered: 140000, unfiltered: 140000, noise: 1, sysTime: iso(now - MIN) }]);
    const [bolus] = (await first.upload("/api/v1/treatments", [{ enteredBy: "xDrip4iOS", eventTime: iso(now - 5 * MIN), eventType: "Bolus", insulin: 2 }])).json;
    // The second user's DELETE by dateString and by _id, and a PUT with the first user's _id, leave the first user's data alone.
    await second.request(`/api/v1/entries?${query({ "find[dateString][$gte]": iso(now - MIN - 1000), "find[dateString][$lte]": iso(now - MIN + 1000) })}`, "DELETE");
    await second.request(`/api/v1/treatments/${bolus._id}`, "DELETE");
    await second.upload("/api/v1/treatments", { enteredBy: "xDrip4iOS", eventTime: iso(now - 5 * MIN), _id: bolus._id, eventType: "Bolus", insulin: 9 }, "PUT");
    expect((await first.request("/api/v1/entries.json?count=10")).json.map((e: { sgv: number }) => e.sgv)).toEqual([140]);
    expect((await first.request(`/api/v1/treatments?${query({ "find[created_at][$gte]": iso(now - DAY) })}`)).json).toEqual([expect.objectContaining({ _id: bolus._id, insulin: 2 })]);
    // What the second user reads is its own: the PUT made its own document, nothing of the first user's.
    expect((await second.request("/api/v1/entries/sgv.json?count=10")).json).toEqual([]);
    const secondTreatments = (await second.request(`/api/v1/treatments?${query({ "find[created_at][$gte]": iso(now - DAY) })}`)).json;
    expect(secondTreatments.map((t: { insulin: number }) => t.insulin)).toEqual([9]);
    expect((await second.request("/api/v1/devicestatus")).json).toEqual([]);
  });
});

describe("xDrip4iOS (JohanDegraeve/xdripswift) following a Loop or Trio user", () => {
  it("Managers/Nightscout/NightscoutFollowManager.swift download: GET /api/v1/entries/sgv.json?count=<1 day / 5 min + 1>&token=… (or api-secret), FollowerBgReading sgv and date as Double", async () => {
    const { call, a } = await client();
    const now = Date.now();
    await loopReadings(call, now);
    const ro = await api("/api/v1/uploaders", { token: a.access, body: { name: "xDrip4iOS follower", role: "readable" } });
    // Endpoint+Nightscout.swift getEndpointForLatestNSEntries: count, then token, as URLQueryItems.
    const count = Math.trunc(DAY / (5 * MIN) + 1);
    const byToken = await api(`/api/v1/entries/sgv.json?${query({ count: String(count), token: ro.json.secret })}`);
    expect(byToken.status).toBe(200);
    expect(byToken.json).toHaveLength(count);
    for (const e of byToken.json) {
      expect(typeof e.sgv).toBe("number");
      expect(typeof e.date).toBe("number");
    }
    // With an API_SECRET instead: the `api-secret` header.
    const bySecret = await api(`/api/v1/entries/sgv.json?${query({ count: "3" })}`, { headers: { "api-secret": await sha1Hex(ro.json.secret) } });
    expect(bySecret.json.map((e: { date: number }) => e.date)).toEqual(byToken.json.slice(0, 3).map((e: { date: number }) => e.date));
    // fetchFollowerServiceStatus: GET /api/v1/status.json without any credential, decoded as {status: String}.
    // GlucoLens answers as a Nightscout with AUTH_DEFAULT_ROLES=denied: 401 whose `status` is a number,
    // so the app shows its service status as a fetch error (the readings above are not affected).
    const status = await api("/api/v1/status.json");
    expect(status).toMatchObject({ status: 401, json: { status: 401, message: "Unauthorized" } });
    expect(decodes(struct({ status: str }), status.json, "NightscoutStatusModel")).not.toBeNull();
  });

  it("Managers/Nightscout/NightscoutSyncManager.swift updateProfile (GET /api/v1/profile as [NightscoutProfileResponse]) and updateDeviceStatus (GET /api/v1/devicestatus as [NightscoutDeviceStatusResponse]), for a new account, a Loop user and a Trio user", async () => {
    const c = await client();
    const now = Date.now();
    const ro = await api("/api/v1/uploaders", { token: c.a.access, body: { name: "xDrip4iOS follower", role: "readable" } });
    const apiSecret = await sha1Hex(ro.json.secret);
    const request = (path: string) => api(path, { headers: { "API-SECRET": apiSecret, "content-type": "application/json", accept: "application/json" } });
    // Before any app posted a profile: the one made from the account's settings decodes too.
    const initial = await request("/api/v1/profile");
    expect(decodes(arr(NightscoutProfileResponse), initial.json, "[NightscoutProfileResponse]")).toBeNull();
    expect((await request("/api/v1/devicestatus")).json).toEqual([]);

    // A Loop phone uploads its profile and device status; then a Trio phone its status; then xDrip4iOS's own battery status.
    expect((await c.call("POST", "/api/v1/profile", [loopProfile(now)])).status).toBe(200);
    expect((await c.call("POST", "/api/v1/devicestatus", [loopStatus(now - 10 * MIN), trioStatus(now - 5 * MIN)])).status).toBe(200);
    expect((await c.call("POST", "/api/v1/devicestatus", { uploader: { name: "transmitter", battery: 82 } })).status).toBe(200);

    const profiles = await request("/api/v1/profile");
    expect(decodes(arr(NightscoutProfileResponse), profiles.json, "[NightscoutProfileResponse]")).toBeNull();
    // NightscoutProfile(from: profiles.first): startDate (ISO with fractional seconds), store[defaultProfile], units "mg/dL".
    expect(profiles.json[0]).toMatchObject({ startDate: iso(now - HOUR), defaultProfile: "Default", store: { Default: { dia: 6, units: "mg/dL" } } });

    const statuses = await request("/api/v1/devicestatus");
    expect(decodes(arr(NightscoutDeviceStatusResponse), statuses.json, "[NightscoutDeviceStatusResponse]")).toBeNull();
    expect(statuses.json).toHaveLength(3);
    // The latest by created_at; temp basal from Loop's loop.enacted or Trio's openaps.enacted; pump battery from pump.battery.percent + clock.
    const latest = [...statuses.json].sort((x: { created_at: string }, y: { created_at: string }) => y.created_at.localeCompare(x.created_at))[0];
    expect(latest.uploader).toEqual({ name: "transmitter", battery: 82 });
    const trio = statuses.json.find((d: { device: string }) => d.device === "Trio");
    expect(trio.openaps.enacted).toMatchObject({ rate: 0.6, duration: 30, timestamp: iso(now - 5 * MIN) });
    expect(trio.pump).toMatchObject({ battery: { percent: 85 }, clock: iso(now - 5 * MIN) });
    const loop = statuses.json.find((d: { device: string }) => d.device === "loop://iPhone");
    expect(loop.loop).toMatchObject({ enacted: { rate: 0.9, duration: 30 }, iob: { iob: 2.15 }, cob: { cob: 31 } });
  });
});
