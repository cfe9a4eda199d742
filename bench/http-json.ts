/**
 * One JSON request over node:http with the benches' own keep-alive agent (fetch hides socket
 * reuse). A failure carries `reusedSocket`, so a caller can resend after Node's documented race:
 * a kept-alive connection the server closed just as it was reused.
 */
import { request as httpRequest, type Agent } from "node:http";

export interface JsonAnswer {
  status: number;
  json: any;
}

export function sendJson(url: string, method: string, headers: Record<string, string>, agent: Agent, body?: unknown): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const h: Record<string, string> = { ...headers };
  if (payload !== undefined) {
    h["content-type"] = "application/json";
    h["content-length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: h, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = { text: text.slice(0, 200) };
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on("error", reject);
    });
    req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(payload);
  });
}
