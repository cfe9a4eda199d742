/**
 * When a Cron Trigger expression fires next, for `npm start`'s scheduler (scripts/serve.ts).
 * Five fields (minute hour day-of-month month day-of-week), each `*`, a number, a range `a-b`, a
 * list `a,b` or a step `*\/n` / `a-b/n`, in UTC as Cloudflare evaluates them. Written here rather than
 * taken from a package: the whole need is this one function over the two expressions in wrangler.toml.
 */
const LIMITS: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function field(text: string, [lo, hi]: [number, number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [a, b] = range === "*" ? [lo, hi] : range!.includes("-") ? range!.split("-").map(Number) : [Number(range), stepText === undefined ? Number(range) : hi];
    if (![a, b, step].every(Number.isInteger) || step < 1) throw new Error(`bad cron field "${text}"`);
    for (let v = a!; v <= b!; v += step) out.add(v === 7 && hi === 6 ? 0 : v);
  }
  return out;
}

/** The first whole minute after `from` that `expression` matches. */
export function nextRun(expression: string, from: Date): Date {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}" must have five fields`);
  const [minute, hour, day, month, weekday] = parts.map((p, i) => field(p, LIMITS[i]!));
  const t = new Date(from);
  t.setUTCSeconds(0, 0);
  // A year of minutes bounds the search (every valid expression matches within one).
  for (let i = 0; i < 366 * 24 * 60; i++) {
    t.setUTCMinutes(t.getUTCMinutes() + 1);
    if (minute!.has(t.getUTCMinutes()) && hour!.has(t.getUTCHours()) && day!.has(t.getUTCDate()) && month!.has(t.getUTCMonth() + 1) && weekday!.has(t.getUTCDay())) return t;
  }
  throw new Error(`cron "${expression}" never matches`);
}
