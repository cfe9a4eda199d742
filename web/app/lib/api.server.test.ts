import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  apiRequest,
  ApiUnauthorizedError,
  ApiUnavailableError,
  ApiValidationError,
  ApiError,
  authApi,
  dataApi,
  rethrowAsResponse,
} from "./api.server.ts";
import type { TokenPairAnswer } from "./api-types.ts";
import type { ServerEnv } from "./env.server.ts";

const devEnv: ServerEnv = {
  isProduction: false,
  apiUrl: "http://api.test",
  apiBinding: undefined,
  sessionSecret: "s",
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

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

const auth: TokenPairAnswer = {
  user: { id: "u1", email: "a@b.c", email_verified: true, name: "A", timezone: "UTC", unit: "mg/dL" },
  access_token: "at",
  refresh_token: "rt",
  token_type: "bearer",
  expires_in: 900,
};

describe("apiRequest", () => {
  it("sends JSON with a Bearer token and a query string", async () => {
    fetchMock.mockResolvedValue(json(200, { items: [], next_cursor: null }));
    await dataApi.readings(devEnv, "tok", { start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z" });
    const [url, init] = fetchMock.mock.calls[0] as [URL, RequestInit];
    expect(url.toString()).toBe(
      "http://api.test/api/v1/glucose/readings?start=2026-01-01T00%3A00%3A00Z&end=2026-01-02T00%3A00%3A00Z&limit=10000",
    );
    const headers = new Headers(init.headers);
    expect(headers.get("authorization")).toBe("Bearer tok");
    expect(headers.get("accept")).toBe("application/json");
    expect(init.method).toBe("GET");
  });

  it("forwards the visitor's address as CF-Connecting-IP, so the API's per-IP limits count visitors", async () => {
    fetchMock.mockImplementation(async () => json(200, { items: [], next_cursor: null }));
    await dataApi.readings({ ...devEnv, clientIp: "203.0.113.7" }, "tok", { start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z" });
    await dataApi.readings(devEnv, "tok", { start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z" });
    expect(new Headers((fetchMock.mock.calls[0] as [URL, RequestInit])[1].headers).get("cf-connecting-ip")).toBe("203.0.113.7");
    expect(new Headers((fetchMock.mock.calls[1] as [URL, RequestInit])[1].headers).has("cf-connecting-ip")).toBe(false);
  });

  it("posts a JSON body and returns the answer", async () => {
    fetchMock.mockResolvedValue(json(200, auth));
    const res = await authApi.login(devEnv, { email: "a@b.c", password: "pw" });
    expect(res.access_token).toBe("at");
    const [, init] = fetchMock.mock.calls[0] as [URL, RequestInit];
    expect(init.method).toBe("POST");
    expect(JSON.parse(init.body as string)).toEqual({ email: "a@b.c", password: "pw" });
    expect(new Headers(init.headers).get("content-type")).toBe("application/json");
  });

  it("accepts an empty 202", async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 202 }));
    await expect(authApi.requestMagicLink(devEnv, "a@b.c")).resolves.toBeNull();
  });

  it("turns the error envelope into a typed validation error", async () => {
    fetchMock.mockResolvedValue(
      json(400, {
        error: {
          code: "validation_failed",
          message: "Invalid input",
          fields: [
            { path: "body.password", message: "Too short" },
            { path: ["email"], message: "Invalid" },
            { path: "time_zone", message: "must be an IANA name" },
          ],
        },
      }),
    );
    const err = await apiRequest(devEnv, "/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiValidationError);
    expect(err).toMatchObject({ status: 400, code: "validation_failed", message: "Invalid input" });
    expect((err as ApiError).fieldErrors()).toEqual({
      password: ["Too short"],
      email: ["Invalid"],
      time_zone: ["Time zone must be an IANA name"],
    });
  });

  it("maps 401 to ApiUnauthorizedError and other 4xx to ApiError", async () => {
    fetchMock.mockResolvedValueOnce(json(401, { error: { code: "unauthorized", message: "No" } }));
    await expect(apiRequest(devEnv, "/x")).rejects.toBeInstanceOf(ApiUnauthorizedError);
    fetchMock.mockResolvedValueOnce(json(409, { error: { code: "email_taken", message: "Taken" } }));
    const err = await apiRequest(devEnv, "/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: "email_taken" });
  });

  it("treats an unreachable API, a 5xx page and a 2xx answer that is not JSON as unavailable", async () => {
    fetchMock.mockRejectedValueOnce(new TypeError("fetch failed"));
    await expect(apiRequest(devEnv, "/x")).rejects.toMatchObject({ status: 503, code: "api_unreachable" });
    fetchMock.mockResolvedValueOnce(new Response("<h1>Bad gateway</h1>", { status: 502 }));
    await expect(apiRequest(devEnv, "/x")).rejects.toBeInstanceOf(ApiUnavailableError);
    // A proxy's HTML page with a 200: not the API's answer.
    fetchMock.mockResolvedValueOnce(new Response("<h1>Welcome</h1>", { status: 200, headers: { "content-type": "text/html" } }));
    const err = await authApi.login(devEnv, { email: "a", password: "b" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnavailableError);
    expect(err).toMatchObject({ status: 502, code: "bad_response" });
  });

  it("uses the service binding in production, and plain fetch in development", async () => {
    const binding = { fetch: vi.fn<(url: string) => Promise<Response>>().mockResolvedValue(json(200, auth.user)) };
    const env = { ...devEnv, apiBinding: binding as unknown as Fetcher };
    fetchMock.mockResolvedValue(json(200, auth.user));

    await authApi.me(env, "tok");
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(binding.fetch).not.toHaveBeenCalled();

    const user = await authApi.me({ ...env, isProduction: true }, "tok");
    expect(binding.fetch).toHaveBeenCalledTimes(1);
    expect(binding.fetch.mock.calls[0][0]).toBe("http://api.test/api/v1/auth/me");
    expect(user.email).toBe("a@b.c");
  });
});

describe("rethrowAsResponse", () => {
  it("turns API errors into responses a route ErrorBoundary can render", () => {
    const thrown = (err: unknown) => {
      try {
        rethrowAsResponse(err);
      } catch (e) {
        return e;
      }
    };
    expect((thrown(new ApiUnavailableError(502, "x", "down")) as Response).status).toBe(503);
    expect((thrown(new ApiError(404, "not_found", "gone")) as Response).status).toBe(404);
    const plain = new Error("boom");
    expect(thrown(plain)).toBe(plain);
  });
});
