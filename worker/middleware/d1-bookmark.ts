/**
 * @module worker/middleware/d1-bookmark
 * Read-your-writes across D1 read replicas (Sessions API): the client sends back the
 * `x-d1-bookmark` of its previous answer; the request's shard session starts from it (a replica
 * that has not caught up with it waits or hands the query to the primary), and the answer carries
 * the bookmark after this request's own queries. See docs/storage.md.
 */
import { createMiddleware } from "hono/factory";
import { openedShards } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { setResponseHeader } from "../lib/response-headers.ts";

export const BOOKMARK_HEADER = "x-d1-bookmark";

export const d1Bookmark = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const opened = openedShards(c);
  if (!opened.length) return;
  // The request's own user first (a follower's read opens the followed person's shard).
  const handle = await opened[0]!.catch(() => null);
  const bookmark = handle?.bookmark();
  if (bookmark) setResponseHeader(c, BOOKMARK_HEADER, bookmark);
});
