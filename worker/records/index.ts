/** Every kind of lifestyle record served under /api/v1/<path>. */
import { activityKind } from "./activities.ts";
import { bloodPressureKind } from "./blood-pressure.ts";
import { bodyMetricsKind } from "./body-metrics.ts";
import { hba1cKind } from "./hba1c.ts";
import { insulinKind } from "./insulin.ts";
import { mealKind } from "./meals.ts";
import { medicationKind } from "./medications.ts";
import { noteKind } from "./notes.ts";
import { sleepKind } from "./sleep.ts";

export const recordKinds = [sleepKind, mealKind, activityKind, insulinKind, medicationKind, hba1cKind, bloodPressureKind, bodyMetricsKind, noteKind];
export type { RecordKind } from "./kind.ts";
