// Runs every analytics benchmark in bench/analytics/ (one file per part of the library), each in its
// own Node process so that peak-memory figures are not mixed up between parts.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const dir = new URL("./analytics/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();
let failed = 0;
for (const file of files) {
  console.log(`\n# ${file}`);
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", new URL(file, dir).pathname], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
