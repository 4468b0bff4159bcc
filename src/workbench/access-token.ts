import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh token for the workbench URL: 32 random bytes as hex (hex never looks like an API key to the redactor). */
export function createAccessToken(): string {
  return randomBytes(32).toString("hex");
}

/**
 * Whether a presented token is the workbench's, compared in constant time. Both sides are hashed
 * first so that tokens of different lengths compare in the same time too.
 */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === "") return false;
  const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The CSRF token pages put in their forms and the script sends as X-CSRF-Token: an HMAC of the
 * access token, so it needs no storage, is the same in every tab, and reveals nothing of the token.
 */
export function csrfTokenFor(accessToken: string): string {
  return createHmac("sha256", accessToken).update("panelist-workbench-csrf").digest("hex");
}
