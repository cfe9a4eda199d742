// One definition of each vocabulary item (`npm run lint`): the glucose vocabulary lives in
// vocabulary/, so its literals must not appear in shipped code anywhere else. Prints each copy
// found with its file and line, and the count per item; exits 1 when there is any.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOTS = ["analytics", "interop", "worker", "durable", "web/app", "seed"];
const ITEMS = [
  { name: "mg/dL per mmol/L factor", pattern: /18\.01[0-9]/ },
  { name: "unit enum literal", pattern: /\[\s*"mg\/dL",\s*"mmol\/L"\s*\]/ },
  { name: "GMI formula", pattern: /3\.31\s*\+\s*0\.02392/ },
  { name: "trend arrow map", pattern: /DoubleUp:\s*"⇈"/ },
  { name: "Nightscout trend codes", pattern: /DoubleUp:\s*1\b|1:\s*"DoubleUp"/ },
  { name: "fixed zone aliases", pattern: /"ETC\/UTC":/ },
  { name: "time-zone validity check", pattern: /resolvedOptions\(\)\.timeZone\s*!==\s*""|Boolean\(new Intl\.DateTimeFormat/ },
  { name: "base64 by btoa/atob", pattern: /\b(btoa|atob)\(/ },
  { name: "error cause walk", pattern: /\.cause,\s*depth\+\+/ },
];
const SKIP = /(\.test\.tsx?|\.d\.ts)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules" && name !== "build" && name !== "test") yield* files(path);
    } else if (/\.(ts|tsx)$/.test(name) && !SKIP.test(name)) yield path;
  }
}

const counts = new Map(ITEMS.map((i) => [i.name, 0]));
for (const root of ROOTS) {
  for (const file of files(root)) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, n) => {
        if (/^\s*(\*|\/\/|\/\*)/.test(line)) return;
        for (const item of ITEMS) {
          if (!item.pattern.test(line)) continue;
          counts.set(item.name, counts.get(item.name) + 1);
          console.log(`${file}:${n + 1}: a copy of the ${item.name} (vocabulary/ holds it)`);
        }
      });
  }
}
const copies = [...counts.values()].reduce((a, b) => a + b, 0);
console.log(`vocabulary: ${copies} copies outside vocabulary/ (${[...counts].map(([k, v]) => `${k} ${v}`).join(", ")})`);
process.exit(copies ? 1 : 0);
