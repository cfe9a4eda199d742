/**
 * @module worker/push/routes
 * /api/v1/push: Web Push. `GET /vapid-public-key` (public) gives the browser its
 * `applicationServerKey`; `subscriptions` (bearer) stores, lists and removes the user's browser
 * subscriptions; `POST /test` sends a test notification to them; `POST /actions` is called by
 * the service worker's notification buttons, authorised by the action token in the payload
 * (a service worker holds no session), not by a bearer token.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { directoryDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, notFound } from "../lib/errors.ts";
import { alertExists } from "../repositories/alerts.ts";
import { deleteSubscription, findSubscriptionOwner, listSubscriptions, saveSubscription, type StoredSubscription } from "./repository.ts";
import { findFollowedByPublicId, followedPublicIds } from "../repositories/sharing.ts";
import { Alert } from "../schemas/alerts.ts";
import { commonErrors, ErrorEnvelope, iso, jsonBody, jsonContent, notFoundError } from "../schemas/common.ts";
import { PushActionInput, PushSubscriptionInput, PushSubscriptionList, PushSubscriptionOut, PushTestResult, VapidKeyResponse } from "./schemas.ts";
import { acknowledgeAlert, pushRecipientsChanged, snoozeAlerts } from "../monitor/client.ts";
import { checkActionToken, deliver, endpointProblem, vapidKeys } from "./service.ts";

const security = [{ Bearer: [] }];
const tags = ["Push"];
const SubscriptionId = z.object({ id: z.string().regex(/^\d{1,12}$/, "is not a subscription id").openapi({ param: { name: "id", in: "path" }, example: "1" }) });
const forbidden = { 403: { description: "The action token does not allow this", content: { "application/json": { schema: ErrorEnvelope } } } } as const;

const out = (s: StoredSubscription) => ({
  id: String(s.id),
  endpoint: s.endpoint,
  user_agent: s.userAgent,
  created_at: iso(s.createdAt),
  last_sent_at: s.lastSentAt === null ? null : iso(s.lastSentAt),
});

export const pushRoutes = new OpenAPIHono<AppEnv>();

/** The user's subscriptions receive their own alerts and those of everyone they follow: each of those objects is told. */
async function subscriptionsChanged(c: Context<AppEnv>): Promise<void> {
  const user = c.get("user");
  await pushRecipientsChanged(c.env, [user.publicId, ...(await followedPublicIds(directoryDb(c.env), user.id))], c.get("log"));
}

pushRoutes.openapi(
  createRoute({
    method: "get",
    path: "/vapid-public-key",
    tags,
    summary: "The VAPID public key (applicationServerKey)",
    responses: { 200: jsonContent(VapidKeyResponse.openapi("VapidPublicKey"), "The key, base64url") },
  }),
  (c) => c.json({ public_key: vapidKeys(c.env).publicKey }, 200),
);

pushRoutes.openapi(
  createRoute({
    method: "post",
    path: "/subscriptions",
    tags,
    summary: "Store this browser's push subscription",
    description:
      "The body is `PushSubscription.toJSON()`. The same endpoint again refreshes its keys (200) instead of storing it twice. Subscriptions the push service reports gone (404/410) are removed when a message to them is refused.",
    security,
    request: { body: jsonBody(PushSubscriptionInput.openapi("PushSubscriptionInput")) },
    responses: {
      201: jsonContent(PushSubscriptionOut.openapi("PushSubscription"), "Stored"),
      200: jsonContent(PushSubscriptionOut, "Already stored; keys refreshed"),
      ...commonErrors,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const problem = endpointProblem(c.env, body.endpoint);
    if (problem) throw invalid([{ path: "endpoint", message: problem }]);
    const { subscription, created } = await saveSubscription(directoryDb(c.env), c.get("user").id, {
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      userAgent: c.req.header("user-agent")?.slice(0, 200) ?? null,
    });
    await subscriptionsChanged(c);
    return c.json(out(subscription), created ? 201 : 200);
  },
);

pushRoutes.openapi(
  createRoute({ method: "get", path: "/subscriptions", tags, summary: "The user's push subscriptions", security, responses: { 200: jsonContent(PushSubscriptionList.openapi("PushSubscriptionList"), "Every subscription"), ...commonErrors } }),
  async (c) => c.json({ items: (await listSubscriptions(directoryDb(c.env), c.get("user").id)).map(out) }, 200),
);

pushRoutes.openapi(
  createRoute({ method: "delete", path: "/subscriptions/{id}", tags, summary: "Remove a push subscription", security, request: { params: SubscriptionId }, responses: { 204: { description: "Removed" }, ...commonErrors, ...notFoundError } }),
  async (c) => {
    if (!(await deleteSubscription(directoryDb(c.env), c.get("user").id, Number(c.req.valid("param").id)))) throw notFound("Push subscription");
    await subscriptionsChanged(c);
    return c.body(null, 204);
  },
);

pushRoutes.openapi(
  createRoute({
    method: "post",
    path: "/test",
    tags,
    summary: "Send a test notification to every subscription of the user",
    security,
    responses: { 200: jsonContent(PushTestResult.openapi("PushTestResult"), "How many were sent, expired (and removed) or failed"), ...commonErrors },
  }),
  async (c) => {
    const db = directoryDb(c.env);
    const subs = await listSubscriptions(db, c.get("user").id);
    const payload = { v: 1, type: "test", title: "GlucoLens", body: "Notifications work on this device.", tag: "glucolens-test", urgent: false, actions: [], url: "/settings" };
    return c.json(await deliver(c.env, db, subs.map((subscription) => ({ subscription, payload, options: { ttl: 300, urgency: "normal" as const } }))), 200);
  },
);

pushRoutes.openapi(
  createRoute({
    method: "post",
    path: "/actions",
    tags,
    summary: "A notification button (service worker)",
    description:
      "No bearer token: `token` is the action token the push payload carried, valid for that subscription, person and alert only, and revoked with the subscription. `acknowledge` works for the person and for caregivers (it stops the escalation); `snooze` only for the person (a caregiver cannot silence someone else's alerts).",
    request: { body: jsonBody(PushActionInput.openapi("PushActionInput")) },
    responses: {
      200: jsonContent(z.object({ alert: Alert.optional(), snoozed_until: z.string().optional() }), "Done"),
      400: commonErrors[400],
      401: commonErrors[401],
      422: commonErrors[422],
      ...forbidden,
      ...notFoundError,
      409: { description: "The alert is no longer active", content: { "application/json": { schema: ErrorEnvelope } } },
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = directoryDb(c.env);
    const found = await findSubscriptionOwner(db, body.subscription_id);
    const valid = found !== null && (await checkActionToken(c.env, body.token, body.subscription_id, body.user_id, body.alert_id, body.kind));
    if (!valid) throw new ApiError(401, "unauthorized", "Invalid action token or the subscription was removed", [{ path: "token", message: "is not valid for this alert" }]);
    const own = found.publicId === body.user_id;
    const person = own ? { id: found.subscription.userId, publicId: found.publicId } : await findFollowedByPublicId(db, found.subscription.userId, body.user_id);
    if (!person) throw new ApiError(403, "forbidden", "This person no longer shares their data with you", [{ path: "user_id", message: "is not shared with you" }]);
    if (body.action === "snooze") {
      if (!own) throw new ApiError(403, "forbidden", "Caregivers cannot snooze another person's alerts", [{ path: "action", message: "only the person can snooze" }]);
      const result = await snoozeAlerts(c.env, person, { kind: body.kind, minutes: body.minutes }, c.get("requestId"));
      return c.json({ snoozed_until: iso(result.until) }, 200);
    }
    const result = await acknowledgeAlert(c.env, person, body.alert_id, c.get("requestId"));
    if (result.ok) return c.json({ alert: result.alert }, 200);
    if (await alertExists(db, person.id, body.alert_id)) throw new ApiError(409, "not_active", "The alert has already resolved", [{ path: "alert_id", message: "is no longer active" }]);
    throw notFound("Alert");
  },
);
