import { createHmac } from "node:crypto";

/**
 * The CSRF token pages put in their forms and the script sends as X-CSRF-Token: an HMAC of the
 * access token, so it needs no storage, is the same in every tab, and reveals nothing of the token.
 */
export function csrfTokenFor(accessToken: string): string {
  return createHmac("sha256", accessToken).update("panelist-workbench-csrf").digest("hex");
}
