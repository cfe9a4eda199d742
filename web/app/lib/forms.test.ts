import { describe, expect, it } from "vitest";
import { loginSchema, parseForm, registerSchema } from "./forms.server.ts";
import { isValidTimeZone, listTimeZones } from "./validation.ts";

const form = (entries: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(entries)) fd.set(k, v);
  return fd;
};

describe("parseForm with registerSchema", () => {
  const valid = {
    email: "  Ada@Example.com ",
    name: "Ada",
    password: "correct horse",
    timezone: "Europe/Berlin",
    unit: "mmol/L",
    csrf: "ignored",
  };

  it("returns normalised data", () => {
    const result = parseForm(registerSchema, form(valid));
    expect(result).toEqual({
      success: true,
      data: {
        email: "ada@example.com",
        name: "Ada",
        password: "correct horse",
        timezone: "Europe/Berlin",
        unit: "mmol/L",
      },
    });
  });

  it("reports every invalid field with a readable message", () => {
    const result = parseForm(
      registerSchema,
      form({ email: "nope", name: " ", password: "short", timezone: "Mars/Base", unit: "mg" }),
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual(["email", "name", "password", "timezone", "unit"]);
    expect(result.fieldErrors.password).toEqual(["Use at least 10 characters"]);
  });

  it("reports missing fields", () => {
    const result = parseForm(loginSchema, form({}));
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.fieldErrors.email).toEqual(["Enter your email address"]);
    expect(result.fieldErrors.password).toEqual(["Enter your password"]);
  });
});

describe("time zones", () => {
  it("validates IANA names", () => {
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Not/AZone")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
  it("lists UTC first and once", () => {
    const zones = listTimeZones();
    expect(zones[0]).toBe("UTC");
    expect(zones.filter((z) => z === "UTC")).toHaveLength(1);
    expect(zones).toContain("Europe/Berlin");
  });
});
