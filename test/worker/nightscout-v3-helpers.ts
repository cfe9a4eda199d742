/**
 * Helpers for the Nightscout API v3 tests: an account with an uploader secret, the JWT that
 * `/api/v2/authorization/request/<secret>` issues for it (as AndroidAPS's NSAuthInterceptor
 * fetches it), and v3 calls with `Authorization: Bearer <jwt>`.
 */
import { expect } from "vitest";
import { api, register } from "./helpers.ts";
import { uploader } from "./interop-helpers.ts";

export interface V3Client {
  jwt: string;
  secret: string;
  access: string;
  call: (path: string, init?: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> }) => ReturnType<typeof api>;
}

export async function v3Client(name = "AndroidAPS"): Promise<V3Client> {
  const account = await register();
  const { secret } = await uploader(account.access, name);
  const auth = await api(`/api/v2/authorization/request/${secret}`);
  expect(auth.status).toBe(200);
  const jwt = auth.json.token as string;
  return {
    jwt,
    secret,
    access: account.access,
    call: (path, init = {}) => api(path, { ...init, headers: { authorization: `Bearer ${jwt}`, ...init.headers } }),
  };
}
