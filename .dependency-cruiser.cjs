// The import rules of the house (`npm run lint`): no file-level cycle, and top-level folders
// depend one way. Tests, benches and scripts may import anything of ours; the shipped code may
// not:
//   vocabulary  nothing of ours                     (units, trends, ranges, time zones, bytes, wire contracts)
//   analytics   vocabulary
//   interop     analytics, vocabulary
//   worker      analytics, interop, vocabulary; durable/ only from worker/index.ts (the entry re-exports the objects)
//   durable     worker (not its entry, app or monitor client), analytics, vocabulary
//   web         vocabulary, interop; worker/ type-only
//   seed, experiments  analytics, vocabulary, seed
/** @type {import('dependency-cruiser').IConfiguration} */
const SHIPPED_TESTS = "(^|/)[^/]+\\.test\\.tsx?$";

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      severity: "error",
      comment: "A file-level import cycle (type-only imports count too): move what both sides need below both.",
      from: {},
      to: { circular: true },
    },
    {
      name: "vocabulary-imports-nothing-of-ours",
      severity: "error",
      from: { path: "^vocabulary/", pathNot: SHIPPED_TESTS },
      to: { path: "^(analytics|interop|worker|durable|web|seed|experiments|scripts|bench|test)/" },
    },
    {
      name: "analytics-imports-only-vocabulary",
      severity: "error",
      from: { path: "^analytics/", pathNot: [SHIPPED_TESTS, "^analytics/cli/"] },
      to: { path: "^(interop|worker|durable|web|seed|experiments|scripts|bench|test)/" },
    },
    {
      name: "interop-imports-analytics-and-vocabulary",
      severity: "error",
      from: { path: "^interop/", pathNot: [SHIPPED_TESTS, "^interop/test/"] },
      to: { path: "^(worker|durable|web|seed|experiments|scripts|bench|test)/" },
    },
    {
      name: "worker-never-imports-durable",
      severity: "error",
      comment: "The Worker reaches its Durable Objects by stub; only the entry module re-exports their classes.",
      from: { path: "^worker/", pathNot: "^worker/index\\.ts$" },
      to: { path: "^durable/" },
    },
    {
      name: "worker-imports-no-outer-folder",
      severity: "error",
      from: { path: "^worker/" },
      to: { path: "^(web|seed|experiments|scripts|bench|test)/" },
    },
    {
      name: "durable-not-through-the-worker-entry",
      severity: "error",
      comment: "durable/ may use the Worker's libraries and repositories, not its entry, app or the monitor client (which calls durable/ by stub).",
      from: { path: "^durable/" },
      to: { path: ["^worker/index\\.ts$", "^worker/app\\.ts$", "^worker/monitor/", "^(web|seed|experiments|scripts|bench|test)/"] },
    },
    {
      name: "web-imports-vocabulary-interop-and-worker-types",
      severity: "error",
      from: { path: "^web/", pathNot: SHIPPED_TESTS },
      to: { path: "^(analytics|durable|seed|experiments|scripts|bench|test)/" },
    },
    {
      name: "web-imports-worker-types-only",
      severity: "error",
      from: { path: "^web/", pathNot: SHIPPED_TESTS },
      to: { path: "^worker/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "seed-and-experiments-import-analytics-and-vocabulary",
      severity: "error",
      from: { path: "^(seed|experiments)/" },
      to: { path: "^(interop|worker|durable|web|scripts|bench|test)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["node_modules", "^web/build/", "^\\.wrangler/", "worker-configuration\\.d\\.ts$"] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".mjs", ".js"], exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    moduleSystems: ["es6", "cjs"],
    reporterOptions: { text: { highlightFocused: true } },
  },
};
