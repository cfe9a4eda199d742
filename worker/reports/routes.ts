/**
 * @module worker/reports/routes
 * /api/v1/reports: the clinician AGP report as a PDF, and the read-only share links that hand it
 * to a clinician without an account (create, list, revoke, read the log of opens).
 * /api/v1/shared/{token}: what a share link opens, and nothing else: the report as JSON (for
 * the web site's /share page) and as PDF. An unknown token is 404; a revoked or expired one 410,
 * with the reason; every open with a known token, refused or not, is logged for the owner.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { directoryDb, userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { ApiError, notFound, unauthorized } from "../lib/errors.ts";
import { findUser } from "../repositories/users.ts";
import { commonErrors, ErrorEnvelope, iso, jsonContent, notFoundError } from "../schemas/common.ts";
import { loadAgpReport, type AgpReport, type ReportOwner } from "./agp-report.ts";
import { renderAgpPdf } from "./agp-pdf.ts";
import { AgpReportDoc, CreatedShare, ReportQuery, ShareAccessList, ShareId, ShareInput, ShareList, ShareToken } from "./schemas.ts";
import { createShare, findShare, findShareByTokenHash, listShareAccess, listShares, logShareAccess, revokeShare, type ReportShareWithUse } from "./shares.ts";

const security = [{ Bearer: [] }];
const tags = ["Reports"];
const DAY_MS = 86_400_000;
/** randomToken(32): 256 bits as 43 base64url characters. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const pdfContent = (description: string) => ({ description, content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } });
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ErrorEnvelope } } });

function pdfResponse(bytes: Uint8Array, report: AgpReport, disposition: "attachment" | "inline") {
  return new Response(bytes, {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": `${disposition}; filename="agp-report-${report.first_date}-to-${report.last_date}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
}

async function owner(c: Context<AppEnv>): Promise<ReportOwner> {
  const me = await findUser(directoryDb(c.env), c.get("user").id);
  if (!me) throw unauthorized("Account no longer exists");
  return { id: me.id, name: me.name, unit: me.unit, timezone: me.timezone };
}

const shareStatus = (s: { revokedAt: number | null; expiresAt: number }, now: number) => (s.revokedAt !== null ? "revoked" : s.expiresAt <= now ? "expired" : "active");

function shareOut(s: ReportShareWithUse, now: number) {
  return {
    id: s.id,
    days: s.days,
    created_at: iso(s.createdAt),
    expires_at: iso(s.expiresAt),
    revoked_at: s.revokedAt === null ? null : iso(s.revokedAt),
    status: shareStatus(s, now),
    opens: s.opens,
    last_opened_at: s.lastOpenedAt === null ? null : iso(s.lastOpenedAt),
  } as const;
}

export const reportRoutes = new OpenAPIHono<AppEnv>();

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/agp.pdf",
    tags,
    summary: "The clinician AGP report as a PDF (two A4 pages)",
    description:
      "Page 1 in the layout of the international consensus AGP report (Battelino et al. 2019): glucose statistics and targets, time in ranges with time in tight range (70–140 mg/dL), the 5/25/50/75/95 % profile by time of day and the daily profiles of the most recent 14 days. Page 2: the Glycemia Risk Index grid (Klonoff et al. 2023) with your point, and the daily insulin and carbohydrate means from your records. The last `days` complete local days, in your unit and time zone; the numbers are those of `GET /insights/agp?days=` for the same days.",
    security,
    request: { query: ReportQuery },
    responses: { 200: pdfContent("The report"), ...commonErrors },
  }),
  async (c) => {
    const report = await loadAgpReport(await userDb(c), await owner(c), c.req.valid("query").days);
    return pdfResponse(await renderAgpPdf(report), report, "attachment");
  },
);

reportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/shares",
    tags,
    summary: "Create a read-only link to your AGP report for a clinician",
    description:
      "The link (`url`, the web site's `/share/{token}`) opens the AGP report of the last `days` complete days as of each open, as a web page and as a PDF, without an account, until `expires_at` or until you revoke it; it reaches nothing else. The token is shown only in this answer (only its SHA-256 is stored). Every open is logged (`GET /shares/{id}/access-log`).",
    security,
    request: { body: { required: false, content: { "application/json": { schema: ShareInput } } } },
    responses: { 201: jsonContent(CreatedShare, "The new link; keep the token, it is not shown again"), ...commonErrors },
  }),
  async (c) => {
    // Without a body (or its content type) the validator does not run: the schema's defaults apply here.
    const body = c.req.valid("json") as Partial<z.output<typeof ShareInput>> | undefined;
    const input = { days: body?.days ?? 14, expires_in_days: body?.expires_in_days ?? 14 };
    const token = randomToken(TOKEN_BYTES);
    const expiresAt = Date.now() + input.expires_in_days * DAY_MS;
    const row = await createShare(directoryDb(c.env), c.get("user").id, { tokenHash: await sha256Hex(token), days: input.days, expiresAt });
    const url = `${c.env.WEB_ORIGIN}/share/${token}`;
    return c.json({ id: row.id, days: row.days, created_at: iso(row.createdAt), expires_at: iso(row.expiresAt), url, token }, 201);
  },
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/shares",
    tags,
    summary: "Your report links, newest first",
    description: "Active, expired and revoked links with how often each was opened; never the token.",
    security,
    responses: { 200: jsonContent(ShareList, "Your links"), ...commonErrors },
  }),
  async (c) => {
    const now = Date.now();
    return c.json({ items: (await listShares(directoryDb(c.env), c.get("user").id)).map((s) => shareOut(s, now)) }, 200);
  },
);

reportRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/shares/{id}",
    tags,
    summary: "Revoke a report link",
    description: "The link stops working at once (410 from then on). 404 for an unknown link, another user's, or one already revoked.",
    security,
    request: { params: ShareId },
    responses: { 204: { description: "Revoked" }, ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const row = await revokeShare(directoryDb(c.env), c.get("user").id, c.req.valid("param").id);
    if (!row) throw notFound("Share link");
    return c.body(null, 204);
  },
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/shares/{id}/access-log",
    tags,
    summary: "Every request made with one of your report links, newest first",
    description: "Each open of the report page or PDF through the link, with the answer it got (200, or 410 once expired or revoked).",
    security,
    request: {
      params: ShareId,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().regex(/^\d{1,12}$/, "is not a cursor returned by this list").optional(),
      }),
    },
    responses: { 200: jsonContent(ShareAccessList, "One page of opens"), ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const db = directoryDb(c.env);
    const userId = c.get("user").id;
    const { id } = c.req.valid("param");
    if (!(await findShare(db, userId, id))) throw notFound("Share link");
    const q = c.req.valid("query");
    const page = await listShareAccess(db, userId, id, { limit: q.limit, before: q.cursor === undefined ? undefined : Number(q.cursor) });
    const last = page.items[page.items.length - 1];
    return c.json(
      {
        items: page.items.map((e) => ({ id: String(e.id), resource: e.resource as "agp" | "agp.pdf", status: e.status, time: iso(e.time) })),
        next_cursor: page.more && last ? String(last.id) : null,
      },
      200,
    );
  },
);

// ---------------------------------------------------------------------------------------------
// What a share link opens

export const sharedRoutes = new OpenAPIHono<AppEnv>();

const sharedErrors = {
  404: errorResponse("No link with this token"),
  410: errorResponse("The link has expired or was revoked (`fields` says which)"),
  422: errorResponse("Validation failed; `fields` names each invalid field"),
  429: errorResponse("Too many requests"),
} as const;

/**
 * The report a share link opens. Refuses an unknown token (404) and an expired or revoked link
 * (410, logged); the caller logs the successful open with `logOpen` once it has answered.
 */
async function openShare(c: Context<AppEnv>, token: string, resource: "agp" | "agp.pdf") {
  if (!TOKEN_PATTERN.test(token)) throw notFound("Share link");
  const db = directoryDb(c.env);
  const found = await findShareByTokenHash(db, await sha256Hex(token));
  if (!found) throw notFound("Share link");
  const { share, owner: who } = found;
  const now = Date.now();
  const status = shareStatus(share, now);
  const log = (code: number) => logShareAccess(db, share.userId, { shareId: share.id, resource, status: code, time: now });
  if (status !== "active") {
    await log(410);
    const reason = status === "revoked" ? "has been revoked" : "has expired";
    throw new ApiError(410, "share_link_gone", `This report link ${reason}; ask for a new one`, [{ path: "token", message: reason }]);
  }
  const report = await loadAgpReport(await userDb(c, share.userId), { id: share.userId, name: who.name, unit: who.unit, timezone: who.timezone }, share.days, now);
  return { report, logOpen: () => log(200) };
}

sharedRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{token}/agp",
    tags,
    summary: "The AGP report a share link opens, as JSON",
    description:
      "No account: the token in the path is the credential (a share link's, from `POST /reports/shares`). The AGP answer (`agp`, as `GET /insights/agp`), the daily traces of the most recent 14 days and the insulin and meal summary, for the link's period. 404 for an unknown token, 410 once it expired or was revoked.",
    security: [],
    request: { params: ShareToken },
    responses: { 200: jsonContent(AgpReportDoc, "The report"), ...sharedErrors },
  }),
  async (c) => {
    const { report, logOpen } = await openShare(c, c.req.valid("param").token, "agp");
    await logOpen();
    return c.json(report, 200);
  },
);

sharedRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{token}/agp.pdf",
    tags,
    summary: "The AGP report a share link opens, as a PDF",
    description: "The same report as `GET /reports/agp.pdf`, for the link's owner and period. No account: the token is the credential. 404 for an unknown token, 410 once it expired or was revoked.",
    security: [],
    request: { params: ShareToken },
    responses: { 200: pdfContent("The report"), ...sharedErrors },
  }),
  async (c) => {
    const { report, logOpen } = await openShare(c, c.req.valid("param").token, "agp.pdf");
    const res = pdfResponse(await renderAgpPdf(report), report, "inline");
    await logOpen();
    return res;
  },
);
