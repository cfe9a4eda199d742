/**
 * The causal graph as SVG (layout in lib/insights-graph.ts): variables as labelled boxes,
 * lifestyle on the left and glucose on the right, links as arrows labelled with their sign,
 * strength and lag. Sign is carried by the line style and the "+"/"−" in the label as well as
 * the colour. The SVG is one image with a title; the same links follow as a list for screen
 * readers and for anyone who prefers text.
 */
import { useId, useMemo } from "react";
import { graphViewBox, LABEL_H, LABEL_W, layoutCausalGraph, type GraphInput } from "#app/lib/insights-graph.ts";

const COLORS = { positive: "#b54708", negative: "#175cd3", node: "#ffffff", nodeBorder: "#475467", glucose: "#ecfdf3", glucoseBorder: "#067647", text: "#101828", label: "#344054" } as const;

export function CausalGraph({ graph, title }: { graph: GraphInput; title: string }) {
  const layout = useMemo(() => layoutCausalGraph(graph), [graph]);
  const id = useId().replace(/:/g, "");
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  if (!layout.edges.length) return null;
  return (
    <figure className="causal-graph">
      {/* On phones the drawing keeps a readable size and scrolls sideways; the text version follows. */}
      <div className="causal-graph__scroll" tabIndex={0} role="region" aria-label="Causal graph (scrolls sideways)">
        <svg viewBox={graphViewBox(layout)} role="img" aria-labelledby={titleId} aria-describedby={descId} className="causal-graph__svg" preserveAspectRatio="xMidYMin meet">
          <title id={titleId}>{title}</title>
          <desc id={descId}>{layout.edges.map((e) => e.description).join(" ")}</desc>
          <defs>
            {(["positive", "negative"] as const).map((s) => (
              <marker key={s} id={`${id}-arrow-${s}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" fill={COLORS[s]} />
              </marker>
            ))}
          </defs>
          {layout.edges.map((e) => (
            <path
              key={e.key}
              d={e.path}
              fill="none"
              stroke={COLORS[e.sign]}
              strokeWidth={e.strokeWidth}
              strokeDasharray={e.sign === "negative" ? "7 5" : undefined}
              markerEnd={e.directed ? `url(#${id}-arrow-${e.sign})` : undefined}
            />
          ))}
          {layout.nodes.map((n) => {
            const glucose = n.side === "right";
            return (
              <g key={n.id}>
                <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={8} fill={glucose ? COLORS.glucose : COLORS.node} stroke={glucose ? COLORS.glucoseBorder : COLORS.nodeBorder} strokeWidth={1.5} />
                <text x={n.x + n.width / 2} y={n.y + n.height / 2} dominantBaseline="middle" textAnchor="middle" fontSize={14} fill={COLORS.text}>
                  {n.lines.map((line, k) => (
                    <tspan key={line} x={n.x + n.width / 2} dy={k === 0 ? (n.lines.length - 1) * -8 : 16}>
                      {line}
                    </tspan>
                  ))}
                  <title>{n.label}</title>
                </text>
              </g>
            );
          })}
          {layout.edges.map((e) => (
            <g key={`${e.key}-label`}>
              <rect x={e.labelX - LABEL_W / 2} y={e.labelY - LABEL_H / 2} width={LABEL_W} height={LABEL_H} rx={4} fill="#ffffff" stroke="#d0d5dd" opacity={0.95} />
              <text x={e.labelX} y={e.labelY} dominantBaseline="middle" textAnchor="middle" fontSize={12} fill={COLORS.label}>
                {e.label}
              </text>
            </g>
          ))}
        </svg>
      </div>
      <figcaption className="chart-key">
        <span>
          <svg width="28" height="10" aria-hidden="true">
            <line x1="0" y1="5" x2="28" y2="5" stroke={COLORS.positive} strokeWidth="3" />
          </svg>{" "}
          solid, “+”: more of one goes with more of the other
        </span>
        <span>
          <svg width="28" height="10" aria-hidden="true">
            <line x1="0" y1="5" x2="28" y2="5" stroke={COLORS.negative} strokeWidth="3" strokeDasharray="7 5" />
          </svg>{" "}
          dashed, “−”: more goes with less
        </span>
        <span>thicker = stronger; “1 d” = one day later; left: your habits, right: glucose</span>
      </figcaption>
      <details className="causal-graph__text">
        <summary>The graph as text</summary>
        <ul>
          {layout.edges.map((e) => (
            <li key={`${e.key}-text`}>{e.description}</li>
          ))}
        </ul>
      </details>
    </figure>
  );
}
