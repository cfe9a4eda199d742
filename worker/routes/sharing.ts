/**
 * @module worker/routes/sharing
 * /api/v1/sharing: caregivers. A user invites a caregiver by email (the mail carries a link to
 * the web site); the account signed in with that address accepts; either side lists and ends
 * sharings; the follower sets their own push preferences; the user reads the log of every
 * access by a follower and sets how long an urgent low may stay unacknowledged before it is
 * escalated to the caregivers. Reading a followed person's data: worker/routes/following.ts.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { directoryDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, notFound, unauthorized } from "../lib/errors.ts";
import { sendMail } from "../lib/mail.ts";
import { isValidTimeZone } from "../../vocabulary/timezone.ts";
import { mgdlFrom, type GlucoseUnit } from "../../vocabulary/units.ts";
import { glucoseIn } from "../../vocabulary/units.ts";
import { acceptInvitation, createInvitation, endSharing, getEscalationMinutes, listAccessLog, listSharings, saveEscalationMinutes, updateFollowerPrefs, type FollowerPrefsInput, type SharingRow, type SharingView } from "../repositories/sharing.ts";
import { findUser, type UserRecord } from "../repositories/users.ts";
import { commonErrors, conflictError, ErrorEnvelope, iso, jsonBody, jsonContent, notFoundError } from "../schemas/common.ts";
import { AccessLogList, CareSettings, CareSettingsInput, InvitationInput, PreferencesInput, Sharing, SharingList } from "../schemas/sharing.ts";
import { monitorStub, pushRecipientsChanged } from "../monitor/client.ts";

const security = [{ Bearer: [] }];
const tags = ["Sharing"];
const SharingId = z.object({ id: z.uuid({ error: "is not a sharing id" }).openapi({ param: { name: "id", in: "path" }, example: "0b7d3c5e-3f7a-4a5e-9a56-8f0e7b1d2c3a" }) });

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const minutesOf = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

function sharingOut(v: SharingView, unit: GlucoseUnit) {
  const s = v.sharing;
  return {
    id: s.id,
    status: s.status as "pending" | "active",
    role: v.role,
    email: s.email,
    owner: { user_id: v.ownerPublicId, name: v.ownerName },
    follower: v.followerPublicId && v.followerName !== null ? { user_id: v.followerPublicId, name: v.followerName } : null,
    created_at: iso(s.createdAt),
    accepted_at: s.acceptedAt === null ? null : iso(s.acceptedAt),
    preferences: v.role === "follower" && s.status === "active" ? preferencesOut(s, unit) : null,
  };
}

function preferencesOut(s: SharingRow, unit: GlucoseUnit) {
  return {
    low_threshold: s.lowThreshold === null ? null : glucoseIn(s.lowThreshold, unit),
    high_threshold: s.highThreshold === null ? null : glucoseIn(s.highThreshold, unit),
    unit,
    quiet_hours: s.quietStart === null || s.quietEnd === null ? null : { start: hhmm(s.quietStart), end: hhmm(s.quietEnd), timezone: s.quietTimezone ?? "UTC" },
  };
}

async function account(c: { env: AppEnv["Bindings"]; get: (k: "user") => AppEnv["Variables"]["user"] }) {
  const me = await findUser(directoryDb(c.env), c.get("user").id);
  if (!me) throw unauthorized("Account no longer exists");
  return me;
}

/** The address whose invitations the user may see and accept: theirs, once verified. */
export const invitedAddress = (me: UserRecord): string | null => (me.emailVerified ? me.email : null);

export const sharingRoutes = new OpenAPIHono<AppEnv>();

sharingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/invitations",
    tags,
    summary: "Invite a caregiver by email",
    description: "The caregiver gets a mail with a link; signed in with that address, they accept with `POST /invitations/{id}/accept`. 409 while the address already has an open invitation or sharing from this user.",
    security,
    request: { body: jsonBody(InvitationInput.openapi("InvitationInput")) },
    responses: { 201: jsonContent(Sharing.openapi("Sharing"), "The pending invitation"), ...commonErrors, ...conflictError },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    const me = await account(c);
    if (email === me.email) throw invalid([{ path: "email", message: "is your own address" }]);
    const db = directoryDb(c.env);
    const row = await createInvitation(db, me.id, email);
    if (!row) throw new ApiError(409, "duplicate", "This address already has an open invitation or sharing", [{ path: "email", message: "is already invited or following" }]);
    const link = `${c.env.WEB_ORIGIN}/sharing/accept/${row.id}`;
    await sendMail(c.env, db, {
      userId: null,
      to: email,
      subject: `${me.name} invites you to follow their glucose on GlucoLens`,
      body: `${me.name} would like you to see their glucose readings and be alerted when they need help.\n\nSign in (or register) with this address and accept:\n${link}\n\nYou will have read-only access, and either of you can end it at any time.`,
    });
    return c.json(sharingOut({ sharing: row, role: "owner", ownerPublicId: me.publicId, ownerName: me.name, ownerEmail: me.email, followerPublicId: null, followerName: null }, me.unit), 201);
  },
);

sharingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/invitations/{id}/accept",
    tags,
    summary: "Accept an invitation (as the invited address)",
    description:
      "Only the account whose email the invitation was sent to can accept it (404 for anyone else), and only once it has verified that address (403 `email_not_verified` before: open the link mailed on registration, or ask for a new one with `POST /auth/verify-email/resend`); 409 once it was accepted or ended.",
    security,
    request: { params: SharingId },
    responses: {
      200: jsonContent(Sharing, "The active sharing"),
      403: { description: "The account's email address is not verified yet", content: { "application/json": { schema: ErrorEnvelope } } },
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
  async (c) => {
    const me = await account(c);
    const db = directoryDb(c.env);
    const result = await acceptInvitation(db, me, c.req.valid("param").id);
    if (!result.ok) {
      if (result.reason === "not_found") throw notFound("Invitation");
      if (result.reason === "unverified") {
        throw new ApiError(
          403,
          "email_not_verified",
          "Verify your email address before accepting an invitation: open the link mailed to you on registration, or ask for a new one with POST /api/v1/auth/verify-email/resend",
          [{ path: "email", message: "is not verified yet" }],
        );
      }
      if (result.reason === "own") throw invalid([{ path: "id", message: "is your own invitation" }]);
      throw new ApiError(409, "not_pending", "The invitation was already accepted or has ended", [{ path: "id", message: "is no longer pending" }]);
    }
    const view = (await listSharings(db, me.id, invitedAddress(me))).find((v) => v.sharing.id === result.sharing.id);
    if (!view) throw notFound("Invitation");
    // A follower gained access: the person's object pushes to them from the next alert.
    await pushRecipientsChanged(c.env, [view.ownerPublicId], c.get("log"));
    return c.json(sharingOut(view, me.unit), 200);
  },
);

sharingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Sharings from both sides",
    description: "The people this user shares with (pending invitations too, `role: owner`), the people they follow and invitations addressed to them (`role: follower`).",
    security,
    responses: { 200: jsonContent(SharingList.openapi("SharingList"), "Open sharings"), ...commonErrors },
  }),
  async (c) => {
    const me = await account(c);
    return c.json({ items: (await listSharings(directoryDb(c.env), me.id, invitedAddress(me))).map((v) => sharingOut(v, me.unit)) }, 200);
  },
);

sharingRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "End a sharing (either side) or withdraw an invitation",
    description: "Access ends at once: the follower's next request is refused and their open live-feed sockets are closed (code 4403).",
    security,
    request: { params: SharingId },
    responses: { 204: { description: "Ended" }, ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const db = directoryDb(c.env);
    const ended = await endSharing(db, c.get("user").id, c.req.valid("param").id);
    if (!ended) throw notFound("Sharing");
    if (ended.followerId !== null) {
      const owner = ended.userId === c.get("user").id ? c.get("user") : await findUser(db, ended.userId);
      if (owner) await monitorStub(c.env, owner.publicId).disconnectFollower(ended.followerId);
    }
    return c.body(null, 204);
  },
);

sharingRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "The follower's push preferences for this person",
    description:
      "Only the follower of an active sharing. Pushes go to the follower for lows at or below `low_threshold` and highs at or above `high_threshold` (in `unit`, default the follower's), never during `quiet_hours`; escalated urgent lows always come through.",
    security,
    request: { params: SharingId, body: jsonBody(PreferencesInput.openapi("FollowerPreferencesInput")) },
    responses: { 200: jsonContent(Sharing, "The sharing with the new preferences"), ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const me = await account(c);
    const body = c.req.valid("json");
    const unit = body.unit ?? me.unit;
    const prefs: FollowerPrefsInput = {};
    const fields: { path: string; message: string }[] = [];
    for (const key of ["low_threshold", "high_threshold"] as const) {
      const v = body[key];
      if (v === undefined) continue;
      const mgdl = v === null ? null : mgdlFrom(v, unit);
      if (mgdl !== null && !(mgdl >= 40 && mgdl <= 400)) fields.push({ path: key, message: unit === "mg/dL" ? "must be between 40 and 400 mg/dL" : "must be between 2.2 and 22.2 mmol/L" });
      prefs[key === "low_threshold" ? "lowThreshold" : "highThreshold"] = mgdl;
    }
    if (body.quiet_hours !== undefined) {
      const q = body.quiet_hours;
      if (q) {
        if (!isValidTimeZone(q.timezone)) fields.push({ path: "quiet_hours.timezone", message: "is not an IANA time zone" });
        if (q.start === q.end) fields.push({ path: "quiet_hours.end", message: "must differ from start" });
      }
      prefs.quietStart = q ? minutesOf(q.start) : null;
      prefs.quietEnd = q ? minutesOf(q.end) : null;
      prefs.quietTimezone = q ? q.timezone : null;
    }
    if (fields.length) throw invalid(fields);
    const db = directoryDb(c.env);
    const id = c.req.valid("param").id;
    // Read, merge and check the pair before writing, so a refused change stores nothing.
    const current = await updateFollowerPrefs(db, me.id, id, {});
    if (!current) throw notFound("Sharing");
    const low = prefs.lowThreshold !== undefined ? prefs.lowThreshold : current.lowThreshold;
    const high = prefs.highThreshold !== undefined ? prefs.highThreshold : current.highThreshold;
    if (low !== null && high !== null && low >= high) throw invalid([{ path: "high_threshold", message: "must be above low_threshold" }]);
    const row = await updateFollowerPrefs(db, me.id, id, prefs);
    if (!row) throw notFound("Sharing");
    const view = (await listSharings(db, me.id, invitedAddress(me))).find((v) => v.sharing.id === row.id);
    if (!view) throw notFound("Sharing");
    await pushRecipientsChanged(c.env, [view.ownerPublicId], c.get("log"));
    return c.json(sharingOut(view, me.unit), 200);
  },
);

sharingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/access-log",
    tags,
    summary: "Every access by a follower to this user's data, newest first",
    security,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().regex(/^\d{1,12}$/, "is not a cursor returned by this list").optional(),
      }),
    },
    responses: { 200: jsonContent(AccessLogList.openapi("AccessLogList"), "One page of accesses"), ...commonErrors },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const page = await listAccessLog(directoryDb(c.env), c.get("user").id, { limit: q.limit, before: q.cursor === undefined ? undefined : Number(q.cursor) });
    const last = page.items[page.items.length - 1];
    return c.json(
      {
        items: page.items.map((e) => ({ id: String(e.id), follower: { user_id: e.followerPublicId, name: e.followerName }, method: e.method, path: e.path, status: e.status, time: iso(e.time) })),
        next_cursor: page.more && last ? String(last.id) : null,
      },
      200,
    );
  },
);

sharingRoutes.openapi(
  createRoute({ method: "get", path: "/settings", tags, summary: "Escalation setting", security, responses: { 200: jsonContent(CareSettings.openapi("CareSettings"), "Minutes before an unacknowledged urgent low is escalated (default 10)"), ...commonErrors } }),
  async (c) => c.json({ escalation_minutes: await getEscalationMinutes(directoryDb(c.env), c.get("user").id) }, 200),
);

sharingRoutes.openapi(
  createRoute({
    method: "put",
    path: "/settings",
    tags,
    summary: "Change the escalation time",
    security,
    request: { body: jsonBody(CareSettingsInput.openapi("CareSettingsInput")) },
    responses: { 200: jsonContent(CareSettings, "Saved"), ...commonErrors, 503: { description: "Saved, but the live monitor could not be told", content: { "application/json": { schema: ErrorEnvelope } } } },
  }),
  async (c) => {
    const { escalation_minutes } = c.req.valid("json");
    const user = c.get("user");
    await saveEscalationMinutes(directoryDb(c.env), user.id, escalation_minutes);
    await monitorStub(c.env, user.publicId).setEscalationMinutes({ userId: user.id, publicId: user.publicId }, escalation_minutes);
    return c.json({ escalation_minutes }, 200);
  },
);
