/**
 * @module bridges.server
 * The Bridges page's side of `/api/v1/bridges` (worker/bridges/routes.ts): its calls (the
 * answers' types are the Worker's, api-types.ts), and the forms that connect a bridge, change its
 * credentials, poll, pause, resume or remove it. Field names are the API's, so its field errors
 * land on the right input.
 */
import { z } from "zod";
import { apiRequest } from "./api.server.ts";
import type { BridgeAnswer, BridgeListAnswer, PollAnswer } from "./api-types.ts";
import type { ServerEnv } from "./env.server.ts";

import { DEXCOM_REGION_LABEL, LLU_REGION_LABEL } from "./bridges.ts";

export const bridgesApi = {
  list(env: ServerEnv, token: string) {
    return apiRequest<BridgeListAnswer>(env, "/api/v1/bridges", { token });
  },
  create(env: ServerEnv, token: string, body: BridgeCreate) {
    return apiRequest<BridgeAnswer>(env, "/api/v1/bridges", { method: "POST", token, body });
  },
  update(env: ServerEnv, token: string, id: string, body: Record<string, unknown>) {
    return apiRequest<BridgeAnswer>(env, `/api/v1/bridges/${id}`, { method: "PATCH", token, body });
  },
  poll(env: ServerEnv, token: string, id: string) {
    return apiRequest<PollAnswer>(env, `/api/v1/bridges/${id}/poll`, { method: "POST", token });
  },
  remove(env: ServerEnv, token: string, id: string) {
    return apiRequest(env, `/api/v1/bridges/${id}`, { method: "DELETE", token });
  },
};

// ---------------------------------------------------------------------------------------------
// Forms

const required = (what: string) => z.string({ error: `Enter ${what}` }).trim().min(1, { error: `Enter ${what}` }).max(500, { error: "Use at most 500 characters" });
const password = z.string({ error: "Enter the password" }).min(1, { error: "Enter the password" }).max(200, { error: "Use at most 200 characters" });
const serverUrl = z
  .string({ error: "Enter the site's address" })
  .trim()
  .min(1, { error: "Enter the site's address" })
  .max(500, { error: "Use at most 500 characters" })
  .pipe(z.url({ protocol: /^https?$/, error: "Enter the site's address, like https://my-site.herokuapp.com" }));

export const dexcomFormSchema = z.object({
  kind: z.literal("dexcom-share"),
  username: required("the Dexcom username"),
  password,
  region: z.enum(Object.keys(DEXCOM_REGION_LABEL) as [keyof typeof DEXCOM_REGION_LABEL], { error: "Choose where the Dexcom account is" }),
});

export const lluFormSchema = z.object({
  kind: z.literal("librelinkup"),
  username: required("the LibreLinkUp email").pipe(z.email({ error: "Enter the LibreLinkUp account's email, like name@example.com" })),
  password,
  region: z.enum(Object.keys(LLU_REGION_LABEL) as [keyof typeof LLU_REGION_LABEL], { error: "Choose a region" }),
});

export const nightscoutFormSchema = z.object({
  kind: z.literal("nightscout"),
  server_url: serverUrl,
  token: required("an access token or the API secret"),
});

export const bridgeCreateSchema = z.discriminatedUnion("kind", [dexcomFormSchema, lluFormSchema, nightscoutFormSchema], { error: "Choose Dexcom Share, LibreLinkUp or Nightscout" });
export type BridgeCreate = z.infer<typeof bridgeCreateSchema>;

export const bridgeIdSchema = z.object({ id: z.uuid({ error: "Which bridge?" }) });

/** New credentials: blank fields keep what is stored. */
export const bridgeCredentialsSchema = z.object({
  id: z.uuid({ error: "Which bridge?" }),
  username: z.string().trim().max(200, { error: "Use at most 200 characters" }).optional(),
  password: z.string().max(200, { error: "Use at most 200 characters" }).optional(),
  token: z.string().max(500, { error: "Use at most 500 characters" }).optional(),
  region: z.string().max(8).optional(),
  server_url: z.string().trim().max(500, { error: "Use at most 500 characters" }).optional(),
});

/** The PATCH body of an update-credentials form: only the fields the user filled in. */
export function credentialsPatch(form: z.infer<typeof bridgeCredentialsSchema>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["username", "password", "token", "region", "server_url"] as const) {
    const v = form[key];
    if (v !== undefined && v !== "") out[key] = v;
  }
  return out;
}
