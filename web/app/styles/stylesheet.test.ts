/**
 * The stylesheet parses as flat CSS: every rule sits at the top level or inside an at-rule
 * (`@media`, `@supports`). The site writes no nested rules, so a rule inside another one is a
 * brace left open, which browsers read as CSS nesting and so silently scope every later rule
 * under the unclosed selector.
 */
import { readFileSync } from "node:fs";
import { parse, type Rule } from "postcss";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("./app.css", import.meta.url), "utf8");

describe("app.css", () => {
  it("has no rule nested in another rule", () => {
    const nested: string[] = [];
    parse(css).walkRules((rule) => {
      if (rule.parent?.type === "rule") nested.push(`${(rule.parent as Rule).selector} > ${rule.selector} (line ${rule.source?.start?.line})`);
    });
    expect(nested).toEqual([]);
  });
});
