import { describe, expect, it } from "vitest";
import { MGDL_PER_MMOL } from "../../../vocabulary/units.ts";
import {
  classifyGlucose,
  convertGlucose,
  convertGlucoseExact,
  formatGlucose,
  isGlucoseUnit,
} from "./units.ts";

describe("convertGlucose", () => {
  it("keeps mg/dL and rounds it to a whole number", () => {
    expect(convertGlucose(101, "mg/dL")).toBe(101);
    expect(convertGlucose(99.6, "mg/dL")).toBe(100);
  });

  it("divides by 18.0182 and rounds mmol/L to one decimal", () => {
    // 100 / 18.0182 = 5.5499…; 70 / 18.0182 = 3.8850…; 180 / 18.0182 = 9.9899…
    expect(convertGlucose(100, "mmol/L")).toBe(5.5);
    expect(convertGlucose(70, "mmol/L")).toBe(3.9);
    expect(convertGlucose(180, "mmol/L")).toBe(10);
    expect(convertGlucose(54, "mmol/L")).toBe(3);
  });

  it("round-trips a mmol/L value through the factor", () => {
    expect(convertGlucose(5.5 * MGDL_PER_MMOL, "mmol/L")).toBe(5.5);
  });
});

describe("convertGlucoseExact", () => {
  it("does not round", () => {
    expect(convertGlucoseExact(100, "mmol/L")).toBeCloseTo(5.54994, 5);
    expect(convertGlucoseExact(100.4, "mg/dL")).toBe(100.4);
  });
});

describe("formatGlucose", () => {
  it("always shows one decimal for mmol/L", () => {
    expect(formatGlucose(90.091, "mmol/L")).toBe("5.0");
    expect(formatGlucose(100, "mmol/L")).toBe("5.5");
  });
  it("shows whole mg/dL", () => {
    expect(formatGlucose(123.4, "mg/dL")).toBe("123");
  });
});

describe("classifyGlucose", () => {
  it("treats 70 and 180 as in range", () => {
    expect(classifyGlucose(69.9)).toBe("low");
    expect(classifyGlucose(70)).toBe("in-range");
    expect(classifyGlucose(180)).toBe("in-range");
    expect(classifyGlucose(180.1)).toBe("high");
  });
});

describe("isGlucoseUnit", () => {
  it("accepts exactly the two units", () => {
    expect(isGlucoseUnit("mg/dL")).toBe(true);
    expect(isGlucoseUnit("mmol/L")).toBe(true);
    expect(isGlucoseUnit("mg/dl")).toBe(false);
    expect(isGlucoseUnit(undefined)).toBe(false);
  });
});
