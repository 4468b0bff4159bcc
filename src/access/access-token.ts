import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh access token for a local server's address: 32 random bytes as hex (hex never looks like an API key to the redactor). */
export function createAccessToken(): string {
  return randomBytes(32).toString("hex");
}

/**
 * Whether a presented token is the server's, compared in constant time. Both sides are hashed
 * first so that tokens of different lengths compare in the same time too.
 */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === "") return false;
  const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
