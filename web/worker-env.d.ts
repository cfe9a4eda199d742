/**
 * The Worker's global `Env`, as the site's type check sees it.
 *
 * The site takes the types of the API's answers from the Worker's zod schemas
 * (app/lib/api-types.ts, type-only imports). Some of those schema modules reach worker/env.ts,
 * whose `Bindings` is `Env & {…}` with `Env` generated into worker/worker-configuration.d.ts. That
 * file cannot be included here: its `mainModule: typeof import("./index")` would pull the whole
 * Worker and its Durable Objects into this program, under the site's DOM library. So the bindings
 * are left untyped in this program; worker/tsconfig.json checks the Worker against the real ones.
 * Nothing in web/ reads `Env`.
 */
// oxlint-disable-next-line typescript/no-explicit-any
type Env = any;
