/**
 * @module worker/lib/mail
 * Outgoing mail. With the SEND_EMAIL binding (Cloudflare Email Routing) mail is really sent;
 * without it (local runs, tests) it lands in the outbox table and the dev log, where tests and
 * developers can read it.
 */
import { EmailMessage } from "cloudflare:email";
import type { Db } from "../db/client.ts";
import type { Bindings } from "../env.ts";
import { insertOutboxMail } from "../repositories/sessions.ts";

export interface Mail {
  userId: number | null;
  to: string;
  subject: string;
  body: string;
}

function mimeMessage(from: string, mail: Mail): string {
  return [
    `From: GlucoLens <${from}>`,
    `To: <${mail.to}>`,
    `Subject: ${mail.subject}`,
    `Message-ID: <${crypto.randomUUID()}@${from.split("@")[1] ?? "glucolens"}>`,
    `Date: ${new Date().toUTCString()}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    mail.body,
  ].join("\r\n");
}

export async function sendMail(env: Bindings, db: Db, mail: Mail): Promise<void> {
  if (env.SEND_EMAIL) {
    await env.SEND_EMAIL.send(new EmailMessage(env.MAIL_FROM, mail.to, mimeMessage(env.MAIL_FROM, mail)));
    return;
  }
  await insertOutboxMail(db, mail);
  console.log(JSON.stringify({ level: "info", event: "mail.outbox", to: mail.to, subject: mail.subject, body: mail.body }));
}
