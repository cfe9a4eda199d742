import { z } from "@hono/zod-openapi";
import { hba1cResults } from "../db/schema.ts";
import { hba1cPercentFromMmolMol } from "../../vocabulary/units.ts";
import { source } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` (the day of the lab test), stored as midnight UTC. */
const LabDate = z
  .string()
  .regex(DATE, "must be a date YYYY-MM-DD")
  .transform((v, ctx) => {
    const ms = Date.parse(`${v}T00:00:00Z`);
    if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== v) {
      ctx.addIssue({ code: "custom", message: "must be a real calendar date" });
      return Number.NaN;
    }
    if (ms > Date.now() + 24 * 3600_000 || ms < Date.UTC(1990, 0, 1)) ctx.addIssue({ code: "custom", message: "must be between 1990-01-01 and today" });
    return ms;
  })
  .openapi({ example: "2024-04-18" });

export const hba1cKind = defineRecordKind({
  schemaName: "HbA1c",
  label: "HbA1c result",
  path: "hba1c",
  tag: "HbA1c",
  table: hba1cResults,
  timeColumn: hba1cResults.date,
  input: z
    .object({
      date: LabDate,
      percent: z.number({ error: "must be a number" }).finite().min(3, "must be 3–20 %").max(20, "must be 3–20 %").nullish().openapi({ example: 6.8, description: "NGSP %" }),
      mmol_mol: z.number({ error: "must be a number" }).finite().min(9, "must be 9–195 mmol/mol").max(195, "must be 9–195 mmol/mol").nullish().openapi({ example: 51, description: "IFCC mmol/mol; give this or percent" }),
      source,
    })
    .strict(),
  output: z.object({ date: z.string(), percent: z.number(), mmol_mol: z.number(), source: z.string().nullable() }),
  check: (v) => {
    if (v.percent == null && v.mmol_mol == null) return [{ path: "percent", message: "give percent or mmol_mol" }];
    if (v.percent != null && v.mmol_mol != null && Math.abs(v.percent - hba1cPercentFromMmolMol(v.mmol_mol)) > 0.15) {
      return [{ path: "mmol_mol", message: "disagrees with percent; give one of them" }];
    }
    return [];
  },
  toRow: (v) => ({ date: v.date, percent: v.percent ?? hba1cPercentFromMmolMol(v.mmol_mol!), source: v.source ?? null }),
  fromRow: (r) => ({
    date: new Date(r.date as number).toISOString().slice(0, 10),
    percent: r.percent,
    // IFCC from NGSP: (NGSP − 2.152) / 0.09148, rounded as labs report it.
    mmol_mol: Math.round(((r.percent as number) - 2.152) / 0.09148),
    source: r.source,
  }),
  // A new value in either unit replaces the stored one (which is kept as percent).
  merge: (current, patch) => ("mmol_mol" in patch && !("percent" in patch) ? { ...current, percent: undefined, ...patch } : { ...current, ...patch }),
  toInput: (r) => ({ date: new Date(r.date as number).toISOString().slice(0, 10), percent: r.percent, source: r.source }),
});
