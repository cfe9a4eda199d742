/**
 * @module worker/routes/alerts
 * /api/v1/alerts: the live monitor's HTTP side. Alert rules (GET/PUT settings, in the user's
 * unit), alert history with date filters, acknowledge and snooze, the monitor's current state,
 * and the WebSocket feed: `POST /ticket` (authenticated) gives a single-use ticket valid for 60 s,
 * `GET /stream?ticket=…` checks it and hands the upgrade to the user's Durable Object.
 *
 * Authentication: every route takes the bearer token (worker/app.ts) except `/stream`, which a
 * browser cannot give an Authorization header; the ticket stands in for it.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { directoryDb, userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { sha256Hex, randomToken } from "../lib/crypto.ts";
import { ApiError, invalid, notFound, unauthorized } from "../lib/errors.ts";
import { findUser } from "../repositories/users.ts";
import { alertExists, consumeTicket, getMonitorConfig, insertTicket, listAlertEvents, saveAlertRules, TICKET_TTL_MS } from "../repositories/alerts.ts";
import {
  Alert,
  AlertEventList,
  AlertKind,
  AlertSettings,
  AlertSettingsInput,
  MonitorSnapshot,
  SnoozeRequest,
  TicketResponse,
  type AlertEvent,
} from "../schemas/alerts.ts";
import { rulesFromInput, settingsFromRules } from "../schemas/alert-settings.ts";
import { glucoseIn } from "../../vocabulary/units.ts";
import { commonErrors, ErrorEnvelope, iso, jsonBody, jsonContent, listQuery, notFoundError } from "../schemas/common.ts";
import { acknowledgeAlert, flushAlertHistory, monitorState, openAlertStream, pushAlertRules, snoozeAlerts } from "../monitor/client.ts";
import { errorFields } from "../lib/log.ts";

const security = [{ Bearer: [] }];
const tags = ["Alerts"];
const MAX_PAGE = 1_000;

const cursorOf = (time: number, id: number) => `${time.toString(36)}.${id.toString(36)}`;

function parseCursor(cursor: string): { time: number; id: number } | null {
  const m = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})$/.exec(cursor);
  return m ? { time: Number.parseInt(m[1]!, 36), id: Number.parseInt(m[2]!, 36) } : null;
}

const conflict = { 409: { description: "The alert is no longer active", content: { "application/json": { schema: ErrorEnvelope } } } } as const;

export const alertRoutes = new OpenAPIHono<AppEnv>();

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/settings",
    tags,
    summary: "The alert rules, in the user's unit",
    security,
    responses: { 200: jsonContent(AlertSettings.openapi("AlertSettings"), "The rules (defaults until first saved)"), ...commonErrors },
  }),
  async (c) => {
    const config = await getMonitorConfig(await userDb(c), c.get("user").id);
    if (!config) throw unauthorized("Account no longer exists");
    return c.json(settingsFromRules(config.rules, config.unit), 200);
  },
);

alertRoutes.openapi(
  createRoute({
    method: "put",
    path: "/settings",
    tags,
    summary: "Change the alert rules",
    description:
      "Values are in `unit` (default: the user's unit). Sections left out keep their values; a section given is replaced whole. Urgent low cannot be switched off; thresholds must keep the order urgent low < low < high < urgent high. The user's live monitor applies the new rules at once (and judges the newest reading again).",
    security,
    request: { body: jsonBody(AlertSettingsInput.openapi("AlertSettingsInput")) },
    responses: { 200: jsonContent(AlertSettings, "The rules as saved"), ...commonErrors },
  }),
  async (c) => {
    const db = await userDb(c);
    const user = c.get("user");
    const config = await getMonitorConfig(db, user.id);
    if (!config) throw unauthorized("Account no longer exists");
    const merged = rulesFromInput(c.req.valid("json"), config.rules, config.unit);
    if (!merged.ok) throw invalid(merged.fields);
    await saveAlertRules(db, user.id, merged.rules);
    try {
      await pushAlertRules(c.env, user, merged.rules, config.unit, c.get("requestId"));
    } catch (err) {
      // D1 holds the rules; the object reads them again within 10 minutes (its copy's lifetime).
      console.error(JSON.stringify({ level: "error", event: "monitor.settings_push_failed", user: user.publicId, error: String(err) }));
    }
    return c.json(settingsFromRules(merged.rules, config.unit), 200);
  },
);

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/state",
    tags,
    summary: "The live monitor's state",
    description: "The same state the WebSocket's `hello` message carries: current value, trend, minutes since the last reading, active alerts and snoozes.",
    security,
    responses: { 200: jsonContent(MonitorSnapshot.openapi("MonitorState"), "Current state"), ...commonErrors },
  }),
  async (c) => c.json(await monitorState(c.env, c.get("user"), c.get("requestId")), 200),
);

alertRoutes.openapi(
  createRoute({
    method: "post",
    path: "/ticket",
    tags,
    summary: "A single-use ticket for the alert WebSocket",
    description: "Valid for 60 seconds and for one connection: open `GET /api/v1/alerts/stream?ticket=…` with it.",
    security,
    responses: { 201: jsonContent(TicketResponse.openapi("AlertTicket"), "The ticket"), ...commonErrors },
  }),
  async (c) => {
    const ticket = randomToken(32);
    const expiresAt = Date.now() + TICKET_TTL_MS;
    await insertTicket(directoryDb(c.env), c.get("user").id, await sha256Hex(ticket), expiresAt);
    return c.json({ ticket, expires_at: iso(expiresAt), url: `/api/v1/alerts/stream?ticket=${ticket}` }, 201);
  },
);

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/stream",
    tags,
    summary: "The alert feed (WebSocket)",
    description:
      "Upgrades to a WebSocket served by the user's live monitor. No bearer token: the single-use `ticket` from `POST /ticket` identifies the user; a missing, unknown, expired or used ticket is refused with 401 before the upgrade. Messages are JSON, shaped by `ServerMessage` and `ClientMessage` in worker/schemas/alerts.ts: `hello` on connect, then `reading`, `alert`, `resolved`, `acknowledged`, `snoozed`; clients send `ack`, `snooze` and `ping`.",
    request: { query: z.object({ ticket: z.string().max(200).optional() }) },
    responses: {
      101: { description: "Switching protocols: the WebSocket" },
      400: commonErrors[400],
      401: commonErrors[401],
    },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(400, "upgrade_required", "This endpoint is a WebSocket: send an Upgrade: websocket request", [{ path: "upgrade", message: "must be websocket" }]);
    }
    const ticket = c.req.valid("query").ticket;
    if (!ticket) throw unauthorized("Missing ticket: get one from POST /api/v1/alerts/ticket");
    const owner = await consumeTicket(directoryDb(c.env), await sha256Hex(ticket));
    if (!owner) throw unauthorized("Invalid, expired or already used ticket");
    return (await openAlertStream(c.env, owner, c.req.raw)) as never;
  },
);

alertRoutes.openapi(
  createRoute({
    method: "post",
    path: "/snooze",
    tags,
    summary: "Snooze one kind of alert",
    description: "15, 30 or 60 minutes (urgent low: at most 30). An active alert of the kind stays active but is not sent again until the snooze ends.",
    security,
    request: { body: jsonBody(SnoozeRequest.openapi("SnoozeRequest")) },
    responses: { 200: jsonContent(z.object({ kind: AlertKind, minutes: z.number().int(), until: z.string() }), "The snooze"), ...commonErrors },
  }),
  async (c) => {
    const result = await snoozeAlerts(c.env, c.get("user"), c.req.valid("json"), c.get("requestId"));
    return c.json({ kind: result.kind, minutes: result.minutes, until: iso(result.until) }, 200);
  },
);

alertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Alert history",
    description: "Every raised, repeated, snoozed, acknowledged and resolved alert, oldest first, filtered by event time. Values in the user's unit.",
    security,
    request: { query: listQuery(MAX_PAGE) },
    responses: { 200: jsonContent(AlertEventList.openapi("AlertEventList"), "One page of events"), ...commonErrors },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = q.cursor === undefined ? undefined : parseCursor(q.cursor);
    if (after === null) throw invalid([{ path: "cursor", message: "is not a cursor returned by this list" }]);
    const db = await userDb(c);
    const user = c.get("user");
    // The monitor writes its history a second after each step; what it holds is written first.
    await flushAlertHistory(c.env, user, c.get("requestId")).catch((err: unknown) => c.get("log")?.warn("alerts.history_flush_failed", errorFields(err)));
    const [account, page] = await Promise.all([findUser(db, user.id), listAlertEvents(db, user.id, { start: q.start, end: q.end, limit: q.limit, after })]);
    if (!account) throw unauthorized("Account no longer exists");
    const items: AlertEvent[] = page.items.map((e) => ({
      id: String(e.id),
      alert_id: e.alertId,
      event: e.event,
      kind: e.kind,
      level: e.level,
      time: iso(e.time),
      value: e.value === null ? null : glucoseIn(e.value, account.unit),
      unit: account.unit,
      message: e.message,
      until: e.until === null ? null : iso(e.until),
    }));
    const last = page.items[page.items.length - 1];
    return c.json({ items, next_cursor: page.more && last ? cursorOf(last.time, last.id) : null }, 200);
  },
);

alertRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/ack",
    tags,
    summary: "Acknowledge an active alert",
    description: "Stops the alert's repeats (urgent low still repeats, a full interval after the acknowledgement). Acknowledging twice is harmless. 404 for an alert this user never had; 409 once it has resolved.",
    security,
    request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: jsonContent(z.object({ alert: Alert.openapi("Alert") }), "The acknowledged alert"), ...commonErrors, ...notFoundError, ...conflict },
  }),
  async (c) => {
    const user = c.get("user");
    const { id } = c.req.valid("param");
    const result = await acknowledgeAlert(c.env, user, id, c.get("requestId"));
    if (result.ok) return c.json({ alert: result.alert }, 200);
    if (await alertExists(await userDb(c), user.id, id)) throw new ApiError(409, "not_active", "The alert has already resolved", [{ path: "id", message: "is no longer active" }]);
    throw notFound("Alert");
  },
);
