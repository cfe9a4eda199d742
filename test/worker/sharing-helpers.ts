/**
 * Helpers for the caregiver tests: an accepted sharing between two accounts, and a follower's
 * live-feed socket.
 */
import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { api, BASE, register, verifyEmail, type Account } from "./helpers.ts";

export { outboxFor } from "./helpers.ts";

/** `owner` invites `follower` (verified, as accepting needs), who accepts; returns the sharing id. */
export async function share(owner: Account, follower: Account): Promise<string> {
  await verifyEmail(follower);
  const inv = await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: follower.email } });
  expect(inv.status, JSON.stringify(inv.json)).toBe(201);
  const ok = await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: follower.access, method: "POST" });
  expect(ok.status, JSON.stringify(ok.json)).toBe(200);
  return inv.json.id as string;
}

export async function pair(): Promise<{ owner: Account; follower: Account; sharingId: string }> {
  const owner = await register({ name: "Robin" });
  const follower = await register({ name: "Sam" });
  return { owner, follower, sharingId: await share(owner, follower) };
}

/** A follower's socket on the followed person's feed: raw messages and the close event. */
export class FollowerFeed {
  readonly messages: any[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      this.messages.push(JSON.parse(String(e.data)));
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
  }

  static async open(follower: Account, ownerId: string): Promise<FollowerFeed> {
    const t = await api(`/api/v1/following/${ownerId}/alerts/ticket`, { token: follower.access, method: "POST" });
    if (t.status !== 201) throw new Error(`no follower ticket: ${t.status} ${JSON.stringify(t.json)}`);
    const res = await SELF.fetch(`${BASE}${t.json.url}`, { headers: { upgrade: "websocket" } });
    if (res.status !== 101 || !res.webSocket) throw new Error(`feed did not open: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    const feed = new FollowerFeed(res.webSocket);
    await feed.until(() => feed.messages.some((m) => m.type === "hello"));
    return feed;
  }

  async until(cond: () => boolean, timeout = 3000): Promise<void> {
    const end = Date.now() + timeout;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`condition not met; messages ${JSON.stringify(this.messages)}, closed ${JSON.stringify(this.closed)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
