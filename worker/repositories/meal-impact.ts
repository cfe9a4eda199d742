/**
 * @module worker/repositories/meal-impact
 * The history a meal-impact prediction learns from: the user's meals, CGM readings, exercise
 * (moderate, high or unrated activities) and sleep over a period. User id first; only that user's rows.
 */
import { and, asc, eq, gte, lt, ne, or, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { activities, meals, sleepSessions } from "../db/schema.ts";
import { readingsInRange } from "../insights/repository.ts";

const DAY_MS = 86_400_000;

export async function loadMealHistory(db: Db, userId: number, start: number, end: number) {
  const [readings, mealRows, exercise, sleep] = await Promise.all([
    readingsInRange(db, userId, start, end),
    db
      .select({ time: meals.time, carbs: meals.carbs, protein: meals.protein, fat: meals.fat, fibre: meals.fibre })
      .from(meals)
      .where(and(eq(meals.userId, userId), gte(meals.time, start), lt(meals.time, end)))
      .orderBy(asc(meals.time)),
    db
      .select({ start: activities.start, end: activities.end })
      .from(activities)
      .where(and(eq(activities.userId, userId), gte(activities.start, start - DAY_MS), lt(activities.start, end), or(isNull(activities.intensity), ne(activities.intensity, "low")))),
    db
      .select({ start: sleepSessions.start, end: sleepSessions.end })
      .from(sleepSessions)
      .where(and(eq(sleepSessions.userId, userId), gte(sleepSessions.start, start - DAY_MS), lt(sleepSessions.start, end))),
  ]);
  return { readings, meals: mealRows, exercise, sleep };
}
