/**
 * @module worker/records/notes
 * Free-text notes at a moment: what Nightscout calls a "Note" or "Announcement" treatment, the
 * note rows of LibreView and Clarity exports, or anything the user writes down ("sensor
 * changed", "sick day"). Served by the generic record routes under /api/v1/notes.
 */
import { z } from "@hono/zod-openapi";
import { notes } from "../db/schema-notes.ts";
import { iso } from "../schemas/common.ts";
import { source, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

export const noteKind = defineRecordKind({
  schemaName: "Note",
  label: "Note",
  path: "notes",
  tag: "Notes",
  table: notes,
  timeColumn: notes.time,
  input: z
    .object({
      time: TimeInput,
      text: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters").openapi({ example: "Sensor changed" }),
      tags: z.array(z.string().trim().min(1).max(40)).max(20).nullish().openapi({ example: ["sensor"] }),
      source,
    })
    .strict(),
  output: z.object({ time: z.string(), text: z.string(), tags: z.array(z.string()), source: z.string().nullable() }),
  toRow: (v) => ({ time: v.time, text: v.text, tags: v.tags?.length ? JSON.stringify(v.tags) : null, source: v.source ?? null }),
  fromRow: (r) => ({ time: iso(r.time as number), text: r.text, tags: r.tags ? (JSON.parse(r.tags as string) as string[]) : [], source: r.source }),
});
