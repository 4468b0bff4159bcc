import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { tokensEqual } from "../access/access-token.js";
import { csrfTokenFor } from "./access-token.js";
import type { WorkbenchEnv } from "./workbench-env.js";

/** The cookie the token in the printed URL becomes. */
export const TOKEN_COOKIE = "panelist_token";

/** What the workbench's pages may load: only their own script, styles and data: images; no framing. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Headers on every answer, a 401 included. */
export const securityHeaders: MiddlewareHandler<WorkbenchEnv> = async (c, next) => {
  await next();
  c.res.headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Referrer-Policy", "no-referrer");
  c.res.headers.set("X-Frame-Options", "DENY");
  c.res.headers.set("Cache-Control", "no-store");
};

/**
 * DNS rebinding: a page on another site that points its own name at 127.0.0.1 reaches this
 * server with its own name in Host. Only the names this server is reached by pass; `allowed`
 * returns undefined when any name may (a wildcard bind, where the token is required anyway).
 */
export function hostCheck(allowed: () => ReadonlySet<string> | undefined): MiddlewareHandler<WorkbenchEnv> {
  return async (c, next) => {
    const names = allowed();
    const host = (c.req.header("host") ?? "").toLowerCase();
    if (names && !names.has(host)) return failure(c, 421, `this server answers to ${[...names][0]}, not to "${host.slice(0, 100)}"`);
    await next();
  };
}

/**
 * The token: from `?token=` once (it becomes an HttpOnly, SameSite=Strict cookie and the page
 * reloads without it, so it leaves the address bar and the history), then from the cookie, or
 * from `Authorization: Bearer` for scripts. Anything else is a 401.
 */
export function authenticate(token: string): MiddlewareHandler<WorkbenchEnv> {
  return async (c, next) => {
    const fromQuery = c.req.query("token");
    if (fromQuery !== undefined && c.req.method === "GET") {
      if (!tokensEqual(fromQuery, token)) return failure(c, 401, "the token in this address is not this server's: open the address panelist serve printed");
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const authorization = c.req.header("authorization");
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer !== undefined) {
      if (!tokensEqual(bearer, token)) return failure(c, 401, "the Bearer token is not this server's");
      c.set("auth", "bearer");
      return next();
    }
    if (tokensEqual(getCookie(c, TOKEN_COOKIE), token)) {
      c.set("auth", "cookie");
      return next();
    }
    return failure(c, 401, "not signed in: open the address panelist serve printed (it carries the token), or send Authorization: Bearer <token>");
  };
}

/**
 * A browser sends the cookie with any request a page makes, another site's form included; a state
 * change authenticated by the cookie must also carry the CSRF token (X-CSRF-Token or a `_csrf`
 * form field), which only this server's pages know. A Bearer header is never sent by a browser on
 * its own, so scripts need none.
 */
export function csrfCheck(token: string): MiddlewareHandler<WorkbenchEnv> {
  const expected = csrfTokenFor(token);
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.get("auth") === "bearer") return next();
    let presented = c.req.header("x-csrf-token");
    if (presented === undefined && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header("content-type") ?? "")) {
      const field = (await c.req.parseBody().catch(() => ({})) as Record<string, unknown>)._csrf;
      presented = typeof field === "string" ? field : undefined;
    }
    if (!tokensEqual(presented, expected)) return failure(c, 403, "missing or wrong CSRF token: reload the page and try again (scripts: send Authorization: Bearer)");
    return next();
  };
}

/** An error answer: JSON `{error}` under /api/ and to the page's script, a short page elsewhere. */
export function failure(c: Context, status: 400 | 401 | 403 | 404 | 409 | 421 | 500, message: string, extra: Record<string, unknown> = {}): Response {
  if (c.req.path.startsWith("/api/") || /application\/json/i.test(c.req.header("accept") ?? "")) return c.json({ error: message, ...extra }, status);
  const text = escapeHtml(message);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status} · Panelist workbench</title></head>` +
      `<body><h1>${status}</h1><p>${text}</p>${status === 401 || status === 421 ? "" : '<p><a href="/">Back to the runs</a></p>'}</body></html>`,
    status,
  );
}

/** Text as HTML text (the error pages are not templates). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
