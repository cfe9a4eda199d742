/**
 * `npx tsx bench/account-timing.ts [ROUNDS]`: whether answer times tell known addresses from
 * unknown ones. On a private `wrangler dev` (ACCOUNT_TIMING_PORT, default 9100) it times, in
 * alternating order so drift hits both sides alike, ROUNDS (default 40) of each pair:
 * - POST /auth/register with a new address vs one that already has an account (both 201);
 * - POST /auth/magic-link for an address with an account vs one without (both 202).
 * Every request comes from its own client address (CF-Connecting-IP), so throttles stay out of
 * the figures. Prints the medians and p90s in milliseconds.
 */
import { startPlatform } from "../test/support/local-platform.ts";

const rounds = Number(process.argv[2] ?? 40);
const platform = await startPlatform(Number(process.env.ACCOUNT_TIMING_PORT ?? 9100), "account-timing");
let ip = 0;

async function timed(path: string, body: unknown, expected: number): Promise<number> {
  ip++;
  const t0 = performance.now();
  const res = await fetch(`${platform.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": `10.77.${Math.floor(ip / 250) % 250}.${ip % 250}` },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== expected) throw new Error(`${path}: ${res.status}, expected ${expected}`);
  return ms;
}

const account = (email: string) => ({ email, password: "correct horse battery", name: "Timing", timezone: "UTC", unit: "mg/dL" });
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const row = (name: string, xs: number[]) => `${name.padEnd(34)} median ${quantile(xs, 0.5).toFixed(1).padStart(6)} ms   p90 ${quantile(xs, 0.9).toFixed(1).padStart(6)} ms`;

try {
  const known: string[] = [];
  for (let i = 0; i < rounds; i++) {
    known.push(`known-${i}-${Date.now()}@example.com`);
    await timed("/api/v1/auth/register", account(known[i]!), 201);
  }
  // Warm-up, not counted.
  for (let i = 0; i < 5; i++) await timed("/api/v1/auth/magic-link", { email: `warm-${i}@example.com` }, 202);

  const times = { registerNew: [] as number[], registerTaken: [] as number[], magicKnown: [] as number[], magicUnknown: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const pairs: [keyof typeof times, () => Promise<number>][] = [
      ["registerNew", () => timed("/api/v1/auth/register", account(`new-${i}-${Date.now()}@example.com`), 201)],
      ["registerTaken", () => timed("/api/v1/auth/register", account(known[i]!), 201)],
      ["magicKnown", () => timed("/api/v1/auth/magic-link", { email: known[i] }, 202)],
      ["magicUnknown", () => timed("/api/v1/auth/magic-link", { email: `nobody-${i}-${Date.now()}@example.com` }, 202)],
    ];
    if (i % 2) pairs.reverse();
    for (const [key, run] of pairs) times[key].push(await run());
  }
  console.log(`${rounds} rounds on ${platform.url} (wrangler dev, local D1)`);
  console.log(row("register, new address", times.registerNew));
  console.log(row("register, address with an account", times.registerTaken));
  console.log(row("magic link, address with an account", times.magicKnown));
  console.log(row("magic link, unknown address", times.magicUnknown));
} finally {
  await platform.stop();
}
