/**
 * @module worker/db/schema-models
 * Models trained per user by the weekly pipeline: the glucose forecast model and the
 * meal-impact model, each a small JSON document (a few KB) the API and the live monitor read back.
 * The SQL is hand-written in migrations/0005_models.sql (keep the two in step).
 */
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { owner } from "./schema.ts";

/** One row per user and model kind; retraining replaces the row. */
export const userModels = sqliteTable(
  "user_models",
  {
    userId: owner(),
    /** `forecast` or `meal_impact`. */
    kind: text("kind", { enum: ["forecast", "meal_impact"] }).notNull(),
    /** The model as JSON (analytics/forecast `LinearForecastModel`, analytics/meal-impact `MealImpactModel`). */
    data: text("data").notNull(),
    /** The analysis job that trained it. */
    jobId: text("job_id"),
    /** Epoch ms. */
    trainedAt: integer("trained_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);
