/**
 * @module worker/repositories/models
 * Models trained per user by the weekly pipeline (worker/db/schema-models.ts): read back for the
 * forecast and meal-impact routes and the live monitor, written in the training stage's D1 batch.
 * Every function takes the user id first after the client.
 */
import { and, eq } from "drizzle-orm";
import { parseForecastModel, POPULATION_MODEL, type LinearForecastModel } from "../../analytics/forecast/index.ts";
import type { Db } from "../db/client.ts";
import { userModels } from "../db/schema-models.ts";

export type ModelKind = (typeof userModels.$inferSelect)["kind"];

export interface StoredModel {
  data: unknown;
  jobId: string | null;
  trainedAt: number;
}

/** The user's stored model of a kind, parsed from JSON; null when none was trained. */
export async function getUserModel(db: Db, userId: number, kind: ModelKind): Promise<StoredModel | null> {
  const row = await db
    .select({ data: userModels.data, jobId: userModels.jobId, trainedAt: userModels.trainedAt })
    .from(userModels)
    .where(and(eq(userModels.userId, userId), eq(userModels.kind, kind)))
    .get();
  return row ? { data: JSON.parse(row.data) as unknown, jobId: row.jobId, trainedAt: row.trainedAt } : null;
}

/** The statement that stores (or replaces) a user's model; run in the training chunk's batch. */
export function saveUserModelStatement(db: Db, userId: number, kind: ModelKind, data: unknown, jobId: string, trainedAt: number) {
  const text = JSON.stringify(data);
  return db
    .insert(userModels)
    .values({ userId, kind, data: text, jobId, trainedAt })
    .onConflictDoUpdate({ target: [userModels.userId, userModels.kind], set: { data: text, jobId, trainedAt } });
}

/** A forecast model ready to use, and where it came from. */
export interface ForecastModelChoice {
  model: LinearForecastModel;
  /** `user` when the stored model is a per-user fit; `population` otherwise. */
  kind: "user" | "population";
  trainedAt: number | null;
}

/**
 * The forecast model for a stored row (or none): the stored model when it parses, else the
 * population model. A corrupted row is logged and never stops a forecast.
 */
export function forecastModelFrom(stored: { data: unknown; trainedAt: number } | null): ForecastModelChoice {
  if (stored) {
    try {
      const model = parseForecastModel(stored.data);
      return { model, kind: model.scope, trainedAt: model.scope === "user" ? stored.trainedAt : null };
    } catch (err) {
      console.error(JSON.stringify({ level: "error", event: "forecast_model_unreadable", error: String(err) }));
    }
  }
  return { model: POPULATION_MODEL, kind: "population", trainedAt: null };
}

/** The user's forecast model (per-user when trained, else the population model). */
export async function loadForecastModel(db: Db, userId: number): Promise<ForecastModelChoice> {
  return forecastModelFrom(await getUserModel(db, userId, "forecast"));
}
