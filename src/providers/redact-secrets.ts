/**
 * Removes secrets from text that may be printed or stored: every given secret (API keys in use),
 * plus anything shaped like a common API key or bearer token, in case a server echoes one back.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; real keys are long.
    if (secret && secret.length >= 8 && result.includes(secret)) result = result.split(secret).join("[redacted]");
  }
  // Every answer, stored review and page passes through here: one scan for what the patterns
  // below start with lets text with none of it (nearly all) through without four more.
  if (!KEY_SHAPED.test(result)) return result;
  return result
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g, "[redacted]")
    .replace(/\b(sk-ant-|gsk_|xai-)[A-Za-z0-9_-]{8,}/g, "[redacted]")
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[redacted]")
    .replace(/((?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi, "$1[redacted]");
}

/** Matches wherever one of redactSecrets' patterns could start (a superset of them). */
const KEY_SHAPED = /\b(?:sk|rk|pk)-|gsk_|xai-|bearer\s|api[-_]?key/i;

/** The values of variables whose names say they hold a secret (`*_KEY`, `*_TOKEN`, `*SECRET*`). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    value && /(_KEY|_TOKEN|SECRET|PASSWORD)$|^(API_KEY|TOKEN)$/i.test(name) ? [value] : [],
  );
}

/**
 * Redacts every string inside a value (a review, a failure, a stored answer), leaving its shape:
 * what is stored is a file a user shares, so a key a model echoed back never reaches it.
 */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined)[] = []): T {
  if (typeof value === "string") return redactSecrets(value, secrets) as T;
  if (Array.isArray(value)) {
    // Copied only where something was redacted: a clean answer (nearly every one) allocates nothing.
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const clean = redactDeep(item, secrets);
      if (clean !== item) (copy ??= value.slice())[index] = clean;
    });
    return (copy ?? value) as T;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const clean = redactDeep(item, secrets);
      if (clean !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = clean;
    }
    return (copy ?? value) as T;
  }
  return value;
}
