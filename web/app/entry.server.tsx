import type { AppLoadContext, EntryContext } from "@remix-run/cloudflare";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToReadableStream } from "react-dom/server";
import { getServerEnv } from "#app/lib/env.server.ts";
import { NonceProvider } from "#app/lib/nonce.tsx";
import { applySecurityHeaders, createNonce } from "#app/lib/security-headers.server.ts";

const ABORT_DELAY_MS = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = createNonce();
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), ABORT_DELAY_MS);

  const body = await renderToReadableStream(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
    </NonceProvider>,
    {
      nonce,
      signal: controller.signal,
      onError(error: unknown) {
        // Errors inside the shell are logged here; the route's ErrorBoundary renders them.
        if (!controller.signal.aborted) console.error(error);
        responseStatusCode = 500;
      },
    },
  );
  body.allReady.finally(() => clearTimeout(timeout));

  // Crawlers get the complete document rather than a stream.
  if (isbot(request.headers.get("user-agent") ?? "")) await body.allReady;

  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // Health data: never framed, never sniffed, no referrer to third parties; scripts by nonce only.
  const env = getServerEnv(loadContext);
  applySecurityHeaders(responseHeaders, { nonce, apiUrl: env.apiUrl, isProduction: env.isProduction });
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}
