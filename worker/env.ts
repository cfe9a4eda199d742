/**
 * @module worker/env
 * Bindings of the Worker: those in wrangler.toml (generated into worker-configuration.d.ts by
 * `npm run cf-typegen`, never edited by hand) plus the secrets and optional bindings that
 * wrangler.toml does not declare.
 */
import type { Logger } from "./lib/log.ts";

export type Bindings = Env & {
  /** Signs access tokens. `wrangler secret put JWT_SECRET`; a development default is used only outside production. */
  JWT_SECRET?: string;
  /** Web Push VAPID key pair (base64url), from `npm run vapid-keys`; development defaults outside production (worker/push/service.ts). */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  /** Cloudflare Email Routing binding for magic-link mail; without it mail goes to the outbox table. */
  SEND_EMAIL?: SendEmail;
  /** Sentry project DSN (`wrangler secret put SENTRY_DSN`); unset: no error reports are sent (worker/index.ts). */
  SENTRY_DSN?: string;
  /**
   * DEVELOPMENT ONLY: "true" lets push subscriptions point at 127.0.0.1/localhost (the local push
   * service of test/push-service); honoured only when ENVIRONMENT is "development".
   */
  PUSH_ALLOW_LOOPBACK_ENDPOINTS?: string;
  /** Optional Workers Analytics Engine dataset for counters (worker/lib/metrics.ts); without it nothing is written. */
  METRICS?: AnalyticsEngineDataset;
  /** Enables the operator routes under /admin/shards (worker/routes/admin-shards.ts) for `Authorization: Bearer <it>`; unset: they answer 404. */
  SHARD_ADMIN_SECRET?: string;
  /**
   * Encrypts bridge credentials at rest (worker/bridges/crypto.ts): `wrangler secret put BRIDGE_KEY`
   * (32+ random characters); a development default is used only outside production. During a key
   * rotation the old value goes in BRIDGE_KEY_PREVIOUS (docs/bridges.md).
   */
  BRIDGE_KEY?: string;
  BRIDGE_KEY_PREVIOUS?: string;
  /** Milliseconds a bridge waits for a vendor's answer; at most (and by default) 30,000. Tests set less. */
  BRIDGE_TIMEOUT_MS?: string;
  /** Set by `npm start` only (scripts/serve.ts): one log line per request. */
  LOG_REQUESTS?: string;
};

/** The signed-in user (or the owner of an uploader credential), as worker/middleware/auth.ts sets it. */
export interface AuthUser {
  /** Internal integer id: the first argument of every repository function. */
  id: number;
  /** Public UUID: tokens, URLs and the Durable Object name. */
  publicId: string;
}

export interface Variables {
  user: AuthUser;
  /** Under /api/v1/following/{user_id}: the signed-in caregiver, while `user` is the followed person (worker/routes/following.ts). */
  follower?: AuthUser;
  /** Nightscout API v3: the Shiro permissions of the credential (worker/nightscout/v3/security.ts). */
  nsPermissions?: string[];
  /** Nightscout: the name of the uploader whose secret or JWT authenticated the request (its auth subject). */
  nsSubject?: string;
  /** Nightscout: that uploader's id (a subject made through /api/v2/authorization/subjects derives its token from it). */
  nsUploaderId?: number;
  requestId: string;
  /** Structured logger whose lines carry this request's id (worker/lib/log.ts). */
  log: Logger;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
