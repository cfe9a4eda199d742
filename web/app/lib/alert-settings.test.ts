import { describe, expect, it } from "vitest";
import { parseForm } from "./forms.server.ts";
import { ALERT_FIELDS, alertFieldKey, alertSettingsFormSchema } from "./settings.server.ts";

function form(over: Record<string, string | null> = {}) {
  const base: Record<string, string> = {
    urgent_low_value: "3.0",
    low_enabled: "on",
    low_value: "3,9",
    high_value: "10.0",
    urgent_high_enabled: "on",
    urgent_high_value: "14.4",
    falling_fast_enabled: "on",
    falling_fast_rate: "0.17",
    rising_fast_rate: "0.17",
    predicted_low_enabled: "on",
    predicted_low_minutes: "20",
    stale_enabled: "on",
    stale_warning_minutes: "20",
    stale_urgent_minutes: "40",
    repeat_minutes_default: "15",
    repeat_minutes_urgent_low: "5",
  };
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...base, ...over })) if (v !== null) fd.set(k, v);
  return fd;
}

describe("alert settings form", () => {
  it("builds the PUT body in the user's unit: commas as decimals, unticked boxes off", () => {
    const r = parseForm(alertSettingsFormSchema("mmol/L"), form());
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data).toEqual({
      unit: "mmol/L",
      urgent_low: { value: 3 },
      low: { enabled: true, value: 3.9 },
      high: { enabled: false, value: 10 },
      urgent_high: { enabled: true, value: 14.4 },
      falling_fast: { enabled: true, rate: 0.17 },
      rising_fast: { enabled: false, rate: 0.17 },
      predicted_low: { enabled: true, minutes: 20 },
      stale: { enabled: true, warning_minutes: 20, urgent_minutes: 40 },
      repeat_minutes: { default: 15, urgent_low: 5 },
    });
  });

  it("names each bad field: blank, not a number, fractional minutes", () => {
    const r = parseForm(alertSettingsFormSchema("mg/dL"), form({ low_value: "", high_value: "abc", predicted_low_minutes: "2.5", urgent_low_value: null }));
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(Object.keys(r.fieldErrors).sort()).toEqual(["high_value", "low_value", "predicted_low_minutes", "urgent_low_value"]);
    expect(r.fieldErrors.predicted_low_minutes?.[0]).toMatch(/whole minutes/);
  });

  it("maps the API's dotted paths onto the form's inputs", () => {
    expect(alertFieldKey("low.value")).toBe("low_value");
    expect(alertFieldKey("body.repeat_minutes.urgent_low")).toBe("repeat_minutes_urgent_low");
    for (const f of ALERT_FIELDS) expect(alertFieldKey(f.replace(/_(value|rate|minutes|enabled|warning_minutes|urgent_minutes|default|urgent_low)$/, ".$1"))).toBe(f);
  });
});
