/**
 * Serves the bridge stand-ins over real HTTP on 127.0.0.1 (an ephemeral port each), so the
 * Worker under test reaches them with its ordinary `fetch`, exactly as it reaches the vendors:
 * bridges are created with `server_url` pointing here (allowed when ENVIRONMENT is development).
 * `POST /__control` with `{username, …}` sets up or changes one account (or Nightscout site) and
 * answers its counters. Started by global-setup.ts for the worker tests; usable by hand too:
 * `npx tsx test/worker/bridge-standins/server.ts` prints the three URLs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Control } from "./common.ts";
import { dexcomControl, dexcomShare } from "./dexcom-share.ts";
import { libreLinkUp, lluControl } from "./librelinkup.ts";
import { nightscout, nightscoutControl } from "./nightscout.ts";

type Handler = (request: Request, path: string, base: string) => Promise<Response> | Response;

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", base), { method: req.method, headers, body });
}

function serve(handler: Handler, control: Control): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    let base = "";
    const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      try {
        const request = await toRequest(req, base);
        const path = new URL(request.url).pathname;
        const response = path === "/__control" ? new Response(JSON.stringify(control.upsert((await request.json()) as Record<string, unknown>)), { headers: { "content-type": "application/json" } }) : await handler(request, path, base);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      }
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      resolve({ server, url: base });
    });
  });
}

export interface Standins {
  dexcom: string;
  librelinkup: string;
  nightscout: string;
  close(): Promise<void>;
}

export async function startStandins(): Promise<Standins> {
  const all = await Promise.all([serve(dexcomShare, dexcomControl), serve(libreLinkUp, lluControl), serve(nightscout, nightscoutControl)]);
  return {
    dexcom: all[0].url,
    librelinkup: all[1].url,
    nightscout: all[2].url,
    close: () =>
      Promise.all(
        all.map(
          ({ server }) =>
            new Promise<void>((r) => {
              server.closeAllConnections();
              server.close(() => r());
            }),
        ),
      ).then(() => undefined),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startStandins();
  console.log(JSON.stringify({ dexcom: s.dexcom, librelinkup: s.librelinkup, nightscout: s.nightscout }));
}
