import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect.ts";

describe("safeRedirect", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeRedirect("/")).toBe("/");
    expect(safeRedirect("/?hours=6")).toBe("/?hours=6");
    expect(safeRedirect("/settings/profile")).toBe("/settings/profile");
  });

  it("refuses anything that could leave the site", () => {
    for (const to of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "evil",
      "",
      null,
      undefined,
    ]) {
      expect(safeRedirect(to)).toBe("/");
    }
  });

  it("uses the given fallback", () => {
    expect(safeRedirect("//x", "/login")).toBe("/login");
  });
});
