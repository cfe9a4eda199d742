/**
 * @module insights-graph
 * Layout of the causal graph drawing (`GET /api/v1/insights/causal` → `graph`): lifestyle
 * variables in a left column, glucose variables in a right column, one arrow per link with its
 * lag and strength. Positive links are solid and marked "+", negative ones dashed and marked "−"
 * (never colour alone); thicker means stronger. Links at several lags between the same pair are
 * fanned out so their labels do not overlap; links within a column (glucose → glucose) bow
 * outwards; a variable's link to itself at a later day is a small loop.
 *
 * Pure: returns coordinates and SVG path strings, plus one sentence per link for the text
 * alternative. A hand-written layout rather than a graph library: the graph is bipartite-ish,
 * small (≤ ~12 nodes), and two columns read better than a force layout.
 */

/** Glucose variables of the pipeline (worker/insights/pipeline/factors.ts TargetKey). */
export const GLUCOSE_VARIABLES: ReadonlySet<string> = new Set(["mean_glucose", "morning_glucose", "time_in_range", "glucose_cv"]);

export interface GraphInput {
  nodes: readonly { id: string; label: string }[];
  edges: readonly { source: string; target: string; lag_days: number; type: string; strength: number; p: number }[];
}

export interface LaidOutNode {
  id: string;
  label: string;
  /** The label broken into at most two lines that fit the box. */
  lines: string[];
  side: "left" | "right";
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  key: string;
  /** SVG path `d`. */
  path: string;
  sign: "positive" | "negative";
  /** Arrowhead at the target (false for `o-o`: the data cannot tell the direction). */
  directed: boolean;
  strokeWidth: number;
  labelX: number;
  labelY: number;
  /** "+0.32 · 1 d". */
  label: string;
  /** The link in words, for the text alternative. */
  description: string;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

const WIDTH = 640;
const NODE_W = 176;
const NODE_H = 44;
const ROW = 64;
const PAD = 24;
const LEFT_X = PAD;
const RIGHT_X = WIDTH - PAD - NODE_W;

/** Where along a link its label may go, in order of preference (0 = source, 1 = target). */
const LABEL_TS = [0.3, 0.42, 0.22, 0.54, 0.62, 0.15];
export const LABEL_W = 76;
export const LABEL_H = 20;

type Pt = { x: number; y: number };
function cubicAt(p0: Pt, p1: Pt, p2: Pt, p3: Pt, u: number): Pt {
  const v = 1 - u;
  const a = v * v * v;
  const b = 3 * v * v * u;
  const c = 3 * v * u * u;
  const d = u * u * u;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}
const overlaps = (a: Pt, b: Pt) => Math.abs(a.x - b.x) < LABEL_W + 2 && Math.abs(a.y - b.y) < LABEL_H + 2;

const fixed2 = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${fixed2(Math.abs(x))}`;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** "p < 0.001", "p = 0.032". */
export function formatP(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${Number(p.toPrecision(2))}`;
}

function lagWords(lag: number): string {
  return lag === 0 ? "on the same day" : lag === 1 ? "1 day later" : `${lag} days later`;
}

/** Splits a label into at most two lines of ≤ 20 characters at spaces; the rest is cut with "…". */
export function wrapLabel(label: string, width = 20): string[] {
  if (label.length <= width) return [label];
  const words = label.split(" ");
  let first = "";
  while (words.length && (first ? `${first} ${words[0]}` : words[0]!).length <= width) first = first ? `${first} ${words.shift()}` : words.shift()!;
  if (!first) first = words.shift()!.slice(0, width);
  const rest = words.join(" ");
  return rest ? [first, rest.length > width ? `${rest.slice(0, width - 1)}…` : rest] : [first];
}

export function layoutCausalGraph(graph: GraphInput): GraphLayout {
  const left = graph.nodes.filter((n) => !GLUCOSE_VARIABLES.has(n.id));
  const right = graph.nodes.filter((n) => GLUCOSE_VARIABLES.has(n.id));
  const rows = Math.max(left.length, right.length, 1);
  const height = PAD * 2 + (rows - 1) * ROW + NODE_H;
  const place = (list: typeof left, side: "left" | "right"): LaidOutNode[] => {
    // Centre the shorter column against the taller one.
    const offset = ((rows - list.length) * ROW) / 2;
    return list.map((n, i) => ({ id: n.id, label: n.label, lines: wrapLabel(n.label), side, x: side === "left" ? LEFT_X : RIGHT_X, y: PAD + offset + i * ROW, width: NODE_W, height: NODE_H }));
  };
  const nodes = [...place(left, "left"), ...place(right, "right")];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const label = (id: string) => byId.get(id)?.label ?? id;

  // How many links join each unordered pair, so parallel ones fan out.
  const pairCount = new Map<string, number>();
  const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  for (const e of graph.edges) pairCount.set(pairKey(e.source, e.target), (pairCount.get(pairKey(e.source, e.target)) ?? 0) + 1);
  const pairSeen = new Map<string, number>();

  const edges: LaidOutEdge[] = [];
  const placed: { x: number; y: number }[] = [];
  for (const e of graph.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const pk = pairKey(e.source, e.target);
    const k = pairSeen.get(pk) ?? 0;
    pairSeen.set(pk, k + 1);
    const n = pairCount.get(pk) ?? 1;
    const fan = (k - (n - 1) / 2) * 26; // px between parallel links
    const sign = e.strength >= 0 ? ("positive" as const) : ("negative" as const);
    const directed = e.type !== "o-o";
    const strokeWidth = r1(1.5 + 4 * Math.min(1, Math.abs(e.strength)));
    let path: string;
    let labelX: number;
    let labelY: number;
    if (s === t) {
      // A loop on the node's outer side: the variable carries over to a later day.
      const outer = s.side === "right" ? s.x + s.width : s.x;
      const dir = s.side === "right" ? 1 : -1;
      const y0 = s.y + 8;
      const y1 = s.y + s.height - 8;
      const reach = 22 + 10 * k;
      path = `M ${outer} ${y0} C ${outer + dir * reach} ${y0 - 14}, ${outer + dir * reach} ${y1 + 14}, ${outer} ${y1}`;
      labelX = outer + dir * (reach + 4);
      labelY = s.y + s.height / 2;
    } else if (s.side === t.side) {
      // Same column: bow outwards (glucose → glucose on the right, factor → factor on the left).
      const dir = s.side === "right" ? 1 : -1;
      const x = s.side === "right" ? s.x + s.width : s.x;
      const sy = s.y + s.height / 2;
      const ty = t.y + t.height / 2;
      const bow = x + dir * (36 + Math.abs(ty - sy) / 6 + Math.abs(fan));
      path = `M ${x} ${sy} Q ${bow} ${(sy + ty) / 2}, ${x} ${ty}`;
      labelX = x + dir * ((36 + Math.abs(ty - sy) / 6 + Math.abs(fan)) / 2 + 6);
      labelY = (sy + ty) / 2;
    } else {
      const from = s.side === "left" ? { x: s.x + s.width, y: s.y + s.height / 2 } : { x: s.x, y: s.y + s.height / 2 };
      const to = t.side === "left" ? { x: t.x + t.width, y: t.y + t.height / 2 } : { x: t.x, y: t.y + t.height / 2 };
      const midX = (from.x + to.x) / 2;
      const c1 = { x: midX, y: from.y + fan };
      const c2 = { x: midX, y: to.y + fan };
      path = `M ${from.x} ${from.y} C ${c1.x} ${c1.y}, ${c2.x} ${c2.y}, ${to.x} ${to.y}`;
      // Many links converge on few glucose nodes: put each label at the first point along its
      // curve (from the source side) where it overlaps no label placed before.
      const spot = LABEL_TS.map((u) => cubicAt(from, c1, c2, to, u)).find((pt) => !placed.some((q) => overlaps(pt, q))) ?? cubicAt(from, c1, c2, to, 0.5);
      labelX = spot.x;
      labelY = spot.y;
    }
    placed.push({ x: labelX, y: labelY });
    const how = directed ? `${label(e.source)} → ${label(e.target)}, ${lagWords(e.lag_days)}` : `${label(e.source)} and ${label(e.target)} together ${lagWords(e.lag_days)} (direction unknown)`;
    edges.push({
      key: `${e.source}>${e.target}@${e.lag_days}#${k}`,
      path,
      sign,
      directed,
      strokeWidth,
      labelX: r1(labelX),
      labelY: r1(labelY),
      label: `${signed(e.strength)} · ${e.lag_days} d`,
      description: `${how}: ${sign === "positive" ? "higher goes with higher" : "higher goes with lower"}, strength ${signed(e.strength)} (${formatP(e.p)}).`,
    });
  }
  // Loops and same-column bows reach beyond the columns: widen the canvas symmetrically.
  return { width: WIDTH, height, nodes, edges };
}

/** The viewBox that holds every node, loop and bow, with a margin. */
export function graphViewBox(layout: GraphLayout): string {
  const margin = 80;
  return `${-margin} 0 ${layout.width + 2 * margin} ${layout.height}`;
}
