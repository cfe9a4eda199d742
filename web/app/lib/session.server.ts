/**
 * @module session.server
 * Cookie sessions and authenticated API access.
 *
 * The session cookie (encrypted and signed, HttpOnly, SameSite=Lax, Secure in production; see
 * sealed-session.server.ts) holds the user's profile, the access token with its expiry, the
 * refresh token and the CSRF token. Cookie storage keeps the site stateless on Pages; nobody
 * holding the cookie can read the tokens, and about 1–2 kB in total. The API is the authority on
 * whether the session still lives: after logout, a password change or account deletion the
 * tokens are refused, and a copy of the cookie is sent to /login by the next loader.
 *
 * `requireAuth` hands loaders an API caller that refreshes the access token (it lives 15 min)
 * when it has expired or when a call answers 401, at most once per request however many calls
 * run in parallel, and reports whether the cookie must be rewritten.
 */
import { redirect, type AppLoadContext, type Session, type SessionStorage } from "@remix-run/cloudflare";
import { ApiUnauthorizedError, ApiValidationError, authApi } from "./api.server.ts";
import type { TokenPairAnswer, UserAnswer } from "./api-types.ts";
import { rotateCsrfToken } from "./csrf.server.ts";
export { safeRedirect } from "./safe-redirect.ts";
import { getServerEnv, type ServerEnv } from "./env.server.ts";
import { createSealedCookieSessionStorage } from "./sealed-session.server.ts";

export type SessionUser = Pick<UserAnswer, "id" | "email" | "name" | "timezone" | "unit"> & {
  /** Whether the address is confirmed; the app shell shows a banner with "resend" until it is. */
  emailVerified?: boolean;
};

interface SessionData {
  user: SessionUser;
  accessToken: string;
  /** Epoch milliseconds after which the access token is treated as expired. */
  accessExpiresAt: number;
  refreshToken: string;
  csrf: string;
}

export type AppSession = Session<SessionData>;

/** Refresh this long before the API would reject the token, to absorb clock skew. */
const EXPIRY_MARGIN_MS = 30_000;
/** Matches a typical refresh-token lifetime; the API remains the authority. */
const SESSION_MAX_AGE_S = 60 * 60 * 24 * 30;

const storages = new Map<string, SessionStorage<SessionData>>();

function getSessionStorage(env: ServerEnv): SessionStorage<SessionData> {
  const key = `${env.isProduction}:${env.sessionSecret}`;
  let storage = storages.get(key);
  if (!storage) {
    // The __Host- prefix makes browsers refuse the cookie unless it is Secure, has Path=/
    // and no Domain: only usable over HTTPS, so only in production.
    storage = createSealedCookieSessionStorage(env.isProduction ? "__Host-glucolens_session" : "glucolens_session", {
      httpOnly: true,
      secure: env.isProduction,
      sameSite: "lax",
      path: "/",
      maxAge: SESSION_MAX_AGE_S,
      secret: env.sessionSecret,
    }) as unknown as SessionStorage<SessionData>;
    storages.set(key, storage);
  }
  return storage;
}

export async function getSession(request: Request, context: AppLoadContext): Promise<AppSession> {
  const storage = getSessionStorage(getServerEnv(context));
  return storage.getSession(request.headers.get("Cookie"));
}

export async function commitSession(session: AppSession, context: AppLoadContext): Promise<string> {
  return getSessionStorage(getServerEnv(context)).commitSession(session);
}

export async function destroySession(session: AppSession, context: AppLoadContext): Promise<string> {
  return getSessionStorage(getServerEnv(context)).destroySession(session);
}

/** The signed-in user according to the cookie, without calling the API. */
export function getSessionUser(session: AppSession): SessionUser | null {
  return session.get("refreshToken") ? (session.get("user") ?? null) : null;
}

/** Stores a login/register/refresh/verify answer in the session. */
export function storeAuth(session: AppSession, auth: TokenPairAnswer, now = Date.now()): void {
  const { id, email, name, timezone, unit, email_verified } = auth.user;
  session.set("user", { id, email, name, timezone, unit, emailVerified: email_verified });
  session.set("accessToken", auth.access_token);
  session.set("accessExpiresAt", now + auth.expires_in * 1000 - EXPIRY_MARGIN_MS);
  session.set("refreshToken", auth.refresh_token);
}

/**
 * Signs the user in: stores the tokens, rotates the CSRF token, and redirects with the cookie.
 */
export async function signIn(
  session: AppSession,
  context: AppLoadContext,
  auth: TokenPairAnswer,
  redirectTo: string,
): Promise<ReturnType<typeof redirect>> {
  storeAuth(session, auth);
  rotateCsrfToken(session);
  return redirect(redirectTo, { headers: { "Set-Cookie": await commitSession(session, context) } });
}

function loginRedirect(request: Request, headers?: HeadersInit): Response {
  const url = new URL(request.url);
  const here = `${url.pathname}${url.search}`;
  const params = here === "/" ? "" : `?${new URLSearchParams({ redirectTo: here })}`;
  return redirect(`/login${params}`, { headers });
}

/**
 * For layouts and pages that only need to know who is signed in: no API call.
 *
 * @throws redirect to /login?redirectTo=… when nobody is.
 */
export async function requireUser(
  request: Request,
  context: AppLoadContext,
): Promise<{ user: SessionUser; session: AppSession }> {
  const session = await getSession(request, context);
  const user = getSessionUser(session);
  if (!user) throw loginRedirect(request);
  return { user, session };
}

/** Redirects signed-in users away from /login and /register. */
export async function requireAnonymous(request: Request, context: AppLoadContext): Promise<void> {
  const session = await getSession(request, context);
  if (getSessionUser(session)) throw redirect("/");
}

export interface Auth {
  user: SessionUser;
  env: ServerEnv;
  session: AppSession;
  /**
   * Runs `fn` with a valid access token. Refreshes first when the token has expired, and
   * once more and retries when `fn` fails with 401.
   *
   * @throws redirect to /login (clearing the cookie) when the refresh token is rejected.
   */
  call<T>(fn: (token: string, env: ServerEnv) => Promise<T>): Promise<T>;
  /** `Set-Cookie` when a refresh changed the session; spread into the loader's headers. */
  headers(): Promise<Headers>;
}

/**
 * For loaders and actions that call the API on the user's behalf.
 *
 * @example
 * const auth = await requireAuth(request, context);
 * const page = await auth.call((token, env) => dataApi.readings(env, token, window));
 * return data({ page }, { headers: await auth.headers() });
 */
export async function requireAuth(request: Request, context: AppLoadContext): Promise<Auth> {
  const env = getServerEnv(context);
  const { user, session } = await requireUser(request, context);
  let dirty = false;
  let refreshing: Promise<string> | null = null;

  const refresh = (): Promise<string> => {
    refreshing ??= (async () => {
      try {
        const auth = await authApi.refresh(env, session.get("refreshToken") ?? "");
        storeAuth(session, auth);
        dirty = true;
        return auth.access_token;
      } catch (err) {
        // A rejected refresh token (expired, revoked, reused) ends the session. Anything else
        // (API down) propagates so the page shows an error instead of logging the user out.
        if (err instanceof ApiUnauthorizedError || err instanceof ApiValidationError) {
          throw loginRedirect(request, { "Set-Cookie": await destroySession(session, context) });
        }
        throw err;
      }
    })();
    return refreshing;
  };

  const currentToken = (): Promise<string> => {
    const token = session.get("accessToken");
    const expiresAt = session.get("accessExpiresAt") ?? 0;
    if (refreshing) return refreshing;
    if (token && Date.now() < expiresAt) return Promise.resolve(token);
    return refresh();
  };

  return {
    user,
    env,
    session,
    async call(fn) {
      const token = await currentToken();
      try {
        return await fn(token, env);
      } catch (err) {
        if (!(err instanceof ApiUnauthorizedError)) throw err;
        // Parallel calls that all got 401 share one refresh; a second 401 with the fresh
        // token propagates rather than looping.
        return fn(await refresh(), env);
      }
    },
    async headers() {
      const headers = new Headers();
      if (dirty) headers.append("Set-Cookie", await commitSession(session, context));
      return headers;
    },
  };
}
