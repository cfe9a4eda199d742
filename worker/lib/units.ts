/** mg/dL per mmol/L for glucose (molar mass of glucose 180.16 g/mol / 10). */
export const MGDL_PER_MMOL = 18.0182;

export type GlucoseUnit = "mg/dL" | "mmol/L";

export const toMgdl = (value: number, unit: GlucoseUnit) => (unit === "mmol/L" ? value * MGDL_PER_MMOL : value);
export const fromMgdl = (mgdl: number, unit: GlucoseUnit) =>
  unit === "mmol/L" ? Math.round((mgdl / MGDL_PER_MMOL) * 10) / 10 : mgdl;

/** HbA1c: IFCC mmol/mol to NGSP % (NGSP = 0.09148 × IFCC + 2.152, the IFCC–NGSP master equation). */
export const hba1cPercentFromMmolMol = (mmolMol: number) => Math.round((0.09148 * mmolMol + 2.152) * 100) / 100;
