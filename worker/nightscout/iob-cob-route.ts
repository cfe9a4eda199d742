/**
 * @module worker/nightscout/iob-cob-route
 * `GET /api/v1/glucose/iob-cob`: insulin and carbs on board now, for GlucoLens's own clients (the
 * web dashboard). Same numbers as Nightscout clients get from `/api/v2/properties` and `/pebble`
 * (iob-cob.ts). Authenticated by the `/api/v1/glucose/*` guard; reads only the caller's data.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../lib/errors.ts";
import { commonErrors, iso, jsonContent } from "../schemas/common.ts";
import { iobCobNow } from "./iob-cob.ts";

const Source = z.string().nullable().openapi({ description: '"Care Portal" when computed from treatments; "Loop", "OpenAPS" or "MM Connect" when a device reported it', example: "Care Portal" });

export const IobCob = z
  .object({
    time: z.string().openapi({ description: "When the values were computed (ISO 8601)", example: "2026-01-10T12:00:00.000Z" }),
    iob: z.object({
      units: z.number().nullable().openapi({ description: "Insulin on board (U); null when there is no bolus in the last 24 h and no loop report", example: 1.25 }),
      display: z.string().nullable().openapi({ example: "1.25" }),
      source: Source,
      device: z.string().nullable(),
      treatment_units: z.number().nullable().openapi({ description: "IOB from treatments when a device's report is shown instead" }),
      last_bolus_time: z.string().nullable(),
    }),
    cob: z.object({
      grams: z.number().nullable().openapi({ description: "Carbs on board (g); null without carbs or a loop report", example: 24.5 }),
      display: z.number().nullable(),
      source: Source,
      device: z.string().nullable(),
      last_carbs_time: z.string().nullable(),
    }),
    profile: z.object({
      from_settings: z.boolean().openapi({ description: "True while no Nightscout profile is stored: the default from the account's settings (DIA 3 h, 30 g/U, 20 g/h) is used" }),
      dia: z.number().nullable().openapi({ description: "Duration of insulin action (h)" }),
      carbs_hr: z.number().nullable().openapi({ description: "Carbs absorbed per hour (g)" }),
      timezone: z.string().nullable(),
    }),
  })
  .openapi("IobCob");

export const iobCobRoutes = new OpenAPIHono<AppEnv>();

iobCobRoutes.openapi(
  createRoute({
    method: "get",
    path: "/iob-cob",
    tags: ["Glucose"],
    summary: "Insulin and carbs on board now",
    description:
      "Computed as Nightscout's iob and cob plugins do: bolus insulin on Nightscout's curve scaled to the profile's DIA, carbs absorbed at the profile's `carbs_hr` after 20 minutes and delayed by active insulin; a loop's or pump's device-status report from the last 30 minutes (COB: 10 minutes) is preferred. Sources: your insulin doses (rapid and bolus) and meals, including Nightscout treatments, and the newest Nightscout profile (`/api/v1/profile`) or, without one, the defaults from your settings.",
    security: [{ Bearer: [] }],
    responses: { 200: jsonContent(IobCob, "IOB and COB now"), ...commonErrors },
  }),
  async (c) => {
    const now = Date.now();
    const r = await iobCobNow(await userDb(c), c.get("user"), now);
    if (!r) throw notFound("Account");
    const iob = r.iob as Partial<{ iob: number; display: string; source: string; device: string; treatmentIob: number; lastBolus: { mills: number } | null }>;
    const cob = r.cob as Partial<{ cob: number; display: number; source: string; device: string; lastCarbs: { mills: number } | null }>;
    const fromSettings = r.active.stored.length === 0;
    return c.json(
      {
        time: iso(now),
        iob: {
          units: iob.iob ?? null,
          display: iob.display ?? null,
          source: iob.source ?? null,
          device: iob.device ?? null,
          treatment_units: iob.treatmentIob ?? null,
          last_bolus_time: iob.lastBolus ? iso(iob.lastBolus.mills) : null,
        },
        cob: { grams: cob.cob ?? null, display: cob.display ?? null, source: cob.source ?? null, device: cob.device ?? null, last_carbs_time: cob.lastCarbs ? iso(cob.lastCarbs.mills) : null },
        profile: { from_settings: fromSettings, dia: r.profile.getDIA(now) ?? null, carbs_hr: r.profile.getCarbAbsorptionRate(now) ?? null, timezone: r.profile.getTimezone() ?? r.active.config.forecast.timezone },
      },
      200,
    );
  },
);
