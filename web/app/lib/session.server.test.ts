import type { AppLoadContext } from "@remix-run/cloudflare";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiRequest } from "./api.server.ts";
import type { TokenPairAnswer } from "./api-types.ts";
import { CSRF_FIELD, ensureCsrfToken, timingSafeEqual, validateCsrf } from "./csrf.server.ts";
import { getServerEnv } from "./env.server.ts";
import { commitSession, getSession, requireAuth, requireUser, storeAuth } from "./session.server.ts";

const makeContext = (env: Record<string, unknown> = {}) =>
  ({ cloudflare: { env: { ENVIRONMENT: "development", API_URL: "http://api.test", ...env } } }) as unknown as AppLoadContext;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const authBody = (n: number): TokenPairAnswer => ({
  user: { id: "u1", email: "ada@example.com", email_verified: false, name: "Ada", timezone: "UTC", unit: "mg/dL" },
  access_token: `at-${n}`,
  refresh_token: `rt-${n}`,
  token_type: "bearer",
  expires_in: 900,
});

/** A request carrying a session signed in as Ada, with the access token expiring at `expiresIn` s. */
async function signedInRequest(context: AppLoadContext, expiresIn = 900) {
  const session = await getSession(new Request("http://site.test/"), context);
  storeAuth(session, { ...authBody(1), expires_in: expiresIn });
  const cookie = (await commitSession(session, context)).split(";")[0];
  return new Request("http://site.test/?hours=6", { headers: { Cookie: cookie } });
}

let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
beforeEach(() => {
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", fetchMock);
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const calledPaths = () => fetchMock.mock.calls.map(([url]) => new URL(String(url)).pathname);

describe("getServerEnv", () => {
  it("uses a marked development secret outside production", () => {
    expect(getServerEnv(makeContext()).sessionSecret).toMatch(/^dev-only-insecure/);
  });
  it("refuses production without a strong SESSION_SECRET", () => {
    expect(() => getServerEnv(makeContext({ ENVIRONMENT: "production" }))).toThrow(/SESSION_SECRET/);
    expect(() => getServerEnv(makeContext({ ENVIRONMENT: "production", SESSION_SECRET: "short" }))).toThrow(
      /SESSION_SECRET/,
    );
  });
  it("marks cookies Secure with the __Host- prefix in production", async () => {
    const context = makeContext({ ENVIRONMENT: "production", SESSION_SECRET: "x".repeat(40) });
    const session = await getSession(new Request("https://site.test/"), context);
    session.set("csrf", "t");
    const cookie = await commitSession(session, context);
    expect(cookie).toMatch(/^__Host-glucolens_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
  });
});

describe("requireUser", () => {
  it("redirects anonymous visitors to /login with where they were going", async () => {
    const err = await requireUser(new Request("http://site.test/?hours=6"), makeContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Response);
    expect((err as Response).status).toBe(302);
    expect((err as Response).headers.get("Location")).toBe("/login?redirectTo=%2F%3Fhours%3D6");
  });
});

describe("requireAuth", () => {
  it("uses the stored token while it is fresh, without rewriting the cookie", async () => {
    const context = makeContext();
    const auth = await requireAuth(await signedInRequest(context), context);
    const token = await auth.call(async (t) => t);
    expect(token).toBe("at-1");
    expect(fetchMock).not.toHaveBeenCalled();
    expect((await auth.headers()).get("Set-Cookie")).toBeNull();
  });

  it("refreshes an expired token once for parallel calls and rewrites the cookie", async () => {
    const context = makeContext();
    fetchMock.mockResolvedValue(json(200, authBody(2)));
    const auth = await requireAuth(await signedInRequest(context, 10), context); // 10 s < 30 s margin
    const tokens = await Promise.all([1, 2, 3].map(() => auth.call(async (t) => t)));
    expect(tokens).toEqual(["at-2", "at-2", "at-2"]);
    expect(calledPaths()).toEqual(["/api/v1/auth/refresh"]);
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({ refresh_token: "rt-1" });
    expect((await auth.headers()).get("Set-Cookie")).toMatch(/^glucolens_session=/);
  });

  it("refreshes and retries once when a call answers 401", async () => {
    const context = makeContext();
    fetchMock.mockImplementation(async (input, init) => {
      if (new URL(String(input)).pathname === "/api/v1/auth/refresh") return json(200, authBody(2));
      const bearer = new Headers(init?.headers).get("authorization");
      return bearer === "Bearer at-2"
        ? json(200, { items: [], next_cursor: null })
        : json(401, { error: { code: "token_expired", message: "Expired" } });
    });
    const auth = await requireAuth(await signedInRequest(context), context);
    const page = await auth.call((token, env) => apiRequest(env, "/api/v1/meals", { token }));
    expect(page).toEqual({ items: [], next_cursor: null });
    expect(calledPaths()).toEqual(["/api/v1/meals", "/api/v1/auth/refresh", "/api/v1/meals"]);
  });

  it("ends the session and redirects to /login when the refresh token is rejected", async () => {
    const context = makeContext();
    fetchMock.mockResolvedValue(json(401, { error: { code: "invalid_refresh_token", message: "No" } }));
    const auth = await requireAuth(await signedInRequest(context, 0), context);
    const err = await auth.call(async (t) => t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Response);
    expect((err as Response).headers.get("Location")).toBe("/login?redirectTo=%2F%3Fhours%3D6");
    expect((err as Response).headers.get("Set-Cookie")).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it("keeps the session when the API is down during a refresh", async () => {
    const context = makeContext();
    fetchMock.mockRejectedValue(new TypeError("fetch failed"));
    const auth = await requireAuth(await signedInRequest(context, 0), context);
    await expect(auth.call(async (t) => t)).rejects.toMatchObject({ status: 503, code: "api_unreachable" });
  });
});

describe("the session cookie", () => {
  /** Every way the cookie's value could be read: as sent, URI-decoded, and each base64 part decoded. */
  function readable(cookie: string): string {
    const value = decodeURIComponent(cookie.split(";")[0]!.split("=").slice(1).join("="));
    const decoded = value.split(/[.]/).map((part) => {
      try {
        return atob(part.replaceAll("-", "+").replaceAll("_", "/"));
      } catch {
        return "";
      }
    });
    return [cookie, value, ...decoded].join("\n");
  }

  it("does not carry the API tokens in a readable form, and still round-trips", async () => {
    const context = makeContext();
    const session = await getSession(new Request("http://site.test/"), context);
    storeAuth(session, authBody(7));
    const cookie = await commitSession(session, context);
    const text = readable(cookie);
    for (const secret of ["at-7", "rt-7", "ada@example.com"]) expect(text).not.toContain(secret);
    const back = await getSession(new Request("http://site.test/", { headers: { Cookie: cookie.split(";")[0]! } }), context);
    expect(back.get("accessToken")).toBe("at-7");
    expect(back.get("refreshToken")).toBe("rt-7");
  });

  it("treats a changed or foreign cookie as no session", async () => {
    const context = makeContext();
    const session = await getSession(new Request("http://site.test/"), context);
    storeAuth(session, authBody(8));
    const [pair] = (await commitSession(session, context)).split(";");
    const flipped = pair!.slice(0, 40) + (pair![40] === "A" ? "B" : "A") + pair!.slice(41);
    const other = makeContext({ ENVIRONMENT: "production", SESSION_SECRET: "y".repeat(40) });
    for (const [cookie, ctx] of [[flipped, context], [pair!.replace(/^glucolens_session/, "__Host-glucolens_session"), other]] as const) {
      const read = await getSession(new Request("http://site.test/", { headers: { Cookie: cookie } }), ctx);
      expect(read.get("refreshToken")).toBeUndefined();
    }
  });

  it("a copy taken before logout goes to /login once the API has ended the session", async () => {
    // The API side (test/worker/sessions.test.ts) refuses the ended session's access and refresh
    // tokens with 401; here the site's answer to that: the copy is cleared and sent to /login.
    const context = makeContext();
    const copy = await signedInRequest(context);
    fetchMock.mockImplementation(async () => json(401, { error: { code: "unauthorized", message: "This session has ended", fields: [] } }));
    const auth = await requireAuth(copy, context);
    const err = await auth.call((token, env) => apiRequest(env, "/api/v1/auth/me", { token })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Response);
    expect((err as Response).headers.get("Location")).toMatch(/^\/login/);
    expect((err as Response).headers.get("Set-Cookie")).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(calledPaths()).toEqual(["/api/v1/auth/me", "/api/v1/auth/refresh"]);
  });
});

describe("csrf", () => {
  it("accepts the session's token and rejects anything else with 403", async () => {
    const session = await getSession(new Request("http://site.test/"), makeContext());
    const { token, created } = ensureCsrfToken(session);
    expect(created).toBe(true);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ensureCsrfToken(session)).toEqual({ token, created: false });

    const form = (value?: string) => {
      const fd = new FormData();
      if (value !== undefined) fd.set(CSRF_FIELD, value);
      return fd;
    };
    expect(() => validateCsrf(form(token), session)).not.toThrow();
    for (const bad of [undefined, "", token.slice(1), `${token.slice(0, -1)}x`]) {
      const err = (() => {
        try {
          validateCsrf(form(bad), session);
        } catch (e) {
          return e;
        }
      })();
      expect((err as Response).status).toBe(403);
    }
  });

  it("compares strings exactly", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "ab")).toBe(false);
  });
});
