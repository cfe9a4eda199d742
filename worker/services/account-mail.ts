/**
 * @module worker/services/account-mail
 * The mails of account life: address verification, "this address already has an account", and
 * magic sign-in links. They are sent after the answer (waitUntil), so how long a request takes
 * does not tell whether the address has an account (registration and magic links answer the
 * same either way); a failure is logged.
 */
import type { Context } from "hono";
import type { Db } from "../db/client.ts";
import { directoryDb } from "../db/shards.ts";
import type { AppEnv, Bindings } from "../env.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { errorFields } from "../lib/log.ts";
import { sendMail } from "../lib/mail.ts";
import { insertEmailVerification, insertMagicLink } from "../repositories/sessions.ts";
import type { UserRecord } from "../repositories/users.ts";

/** Runs `task` after the response; its failure is logged under `event`. */
export function afterResponse(c: Context<AppEnv>, event: string, task: (env: Bindings, db: Db) => Promise<void>): void {
  const log = c.get("log");
  c.executionCtx.waitUntil(task(c.env, directoryDb(c.env)).catch((err: unknown) => log.error(event, errorFields(err))));
}

/** A single-use link that proves the account's owner reads mail at its address (valid 48 h). */
export async function sendVerificationMail(env: Bindings, db: Db, user: UserRecord): Promise<void> {
  const token = randomToken(32);
  await insertEmailVerification(db, user.id, user.email, await sha256Hex(token));
  const link = `${env.WEB_ORIGIN}/verify-email?token=${encodeURIComponent(token)}`;
  await sendMail(env, db, {
    userId: user.id,
    to: user.email,
    subject: "Confirm your GlucoLens email address",
    body: `Hello ${user.name},\n\nConfirm that this address is yours (the link is valid for 48 hours, usable once):\n\n${link}\n\nCaregiver invitations sent to this address are shown to you once it is confirmed.\nIf you did not create a GlucoLens account, ignore this mail.\n`,
  });
}

/**
 * Sent instead of a verification link when an address that already has an account is registered
 * again: the new account stays unverified for good, and the address's owner learns of it.
 */
export async function sendAddressTakenMail(env: Bindings, db: Db, email: string): Promise<void> {
  await sendMail(env, db, {
    userId: null,
    to: email,
    subject: "Someone tried to register this address on GlucoLens",
    body: `Someone (perhaps you) just registered a GlucoLens account with this address, which already has an account.\n\nIf it was you, sign in with your password, or ask for a sign-in link at ${env.WEB_ORIGIN}/login.\nThe new registration cannot confirm this address and will not see invitations sent to it.\nIf it was not you, nothing is needed.\n`,
  });
}

export async function sendMagicLinkMail(env: Bindings, db: Db, user: UserRecord): Promise<void> {
  const token = randomToken(32);
  await insertMagicLink(db, user.id, await sha256Hex(token));
  const link = `${env.WEB_ORIGIN}/login/magic?token=${encodeURIComponent(token)}`;
  await sendMail(env, db, {
    userId: user.id,
    to: user.email,
    subject: "Your GlucoLens sign-in link",
    body: `Hello ${user.name},\n\nSign in to GlucoLens with this link (valid for 15 minutes, usable once):\n\n${link}\n\nIf you did not ask for it, ignore this mail.\n`,
  });
}
