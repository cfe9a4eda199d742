#!/usr/bin/env node
// `npm run move-user -- --user <public id> --to <shard> [--api URL]`
// Moves one user's rows to another shard while they keep uploading (worker/db/shard-move.ts),
// through the operator route POST /admin/shards/move. Needs the Worker's SHARD_ADMIN_SECRET in
// the environment (`wrangler secret put SHARD_ADMIN_SECRET` deployed; for `npm start`, a
// `.dev.vars` line `SHARD_ADMIN_SECRET=...`). `--list` prints users per shard instead; `--adopt`
// moves every account stored before sharding onto its shard (worker/db/shard-adopt.ts), 100 a call.
import { parseArgs } from "./d1-tools.mjs";

const args = parseArgs(process.argv.slice(2), ["list", "adopt"]);
const api = (args.api ?? process.env.API_URL ?? "http://localhost:8787").replace(/\/$/, "");
const secret = process.env.SHARD_ADMIN_SECRET;
if (!secret) {
  console.error("move-user: set SHARD_ADMIN_SECRET to the Worker's secret");
  process.exit(2);
}
const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
if (args.list) {
  const res = await fetch(`${api}/admin/shards`, { headers });
  console.log(res.status, JSON.stringify(await res.json(), null, 2));
  process.exit(res.ok ? 0 : 1);
}
if (args.adopt) {
  for (;;) {
    const res = await fetch(`${api}/admin/shards/adopt`, { method: "POST", headers, body: JSON.stringify({ limit: 100 }) });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      console.error(`move-user: ${res.status} ${JSON.stringify(body)}`);
      process.exit(1);
    }
    console.log(`move-user: adopted ${body.adopted}, failed ${body.failed.length}, remaining ${body.remaining}`);
    for (const f of body.failed) console.error(`  user ${f.user}: ${f.error}`);
    if (body.failed.length) process.exit(1);
    if (!body.remaining || !body.adopted) process.exit(0);
  }
}
if (!args.user || args.to === undefined) {
  console.error("usage: npm run move-user -- --user <public id> --to <shard> [--api URL] | --list | --adopt");
  process.exit(2);
}
const started = Date.now();
const res = await fetch(`${api}/admin/shards/move`, { method: "POST", headers, body: JSON.stringify({ user_id: args.user, to: Number(args.to) }) });
const body = await res.json().catch(() => null);
if (!res.ok) {
  console.error(`move-user: ${res.status} ${JSON.stringify(body)}`);
  process.exit(1);
}
console.log(`move-user: ${args.user} from shard ${body.from} to ${body.to} in ${((Date.now() - started) / 1000).toFixed(1)} s (writers fenced ${body.fenced_ms} ms); rows ${JSON.stringify(body.rows)}`);
