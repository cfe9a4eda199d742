/**
 * Vitest global setup of the worker tests: starts the bridge stand-ins (server.ts) in Node and
 * hands their URLs to the tests (`inject("bridgeStandins")`).
 */
import type { TestProject } from "vitest/node";
import { startStandins } from "./server.ts";


export default async function setup(project: TestProject) {
  const s = await startStandins();
  // Typed for the tests by provided.d.ts (ProvidedContext), which this Node project does not see.
  (project.provide as (key: string, value: unknown) => void)("bridgeStandins", { dexcom: s.dexcom, librelinkup: s.librelinkup, nightscout: s.nightscout });
  return () => s.close();
}
