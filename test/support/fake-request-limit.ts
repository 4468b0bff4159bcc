/**
 * A rate limit as OpenAI and Anthropic run one: stated per minute in the headers (limit,
 * remaining, time until fully replenished), replenished continuously, and enforced over one
 * second, so a client that spends a minute's `remaining` at once gets 429s long before it is used.
 */
export class RequestLimit {
  /** Requests left in the minute's bucket and in the second's, refilled at `perSecond`. */
  private minuteLevel: number;
  private secondLevel: number;
  private updatedAt = Date.now();

  constructor(private readonly perSecond: number | undefined) {
    this.minuteLevel = (perSecond ?? 0) * 60;
    this.secondLevel = perSecond ?? 0;
  }

  /** Counts one request; undefined when there is no limit. */
  take(protocol: "openai" | "anthropic"): { allowed: boolean; retryAfterMs: number; headers: Record<string, string> } | undefined {
    if (this.perSecond === undefined) return undefined;
    const now = Date.now();
    const refill = ((now - this.updatedAt) / 1000) * this.perSecond;
    this.updatedAt = now;
    this.minuteLevel = Math.min(this.perSecond * 60, this.minuteLevel + refill);
    this.secondLevel = Math.min(this.perSecond, this.secondLevel + refill);
    const allowed = this.secondLevel >= 1 && this.minuteLevel >= 1;
    if (allowed) {
      this.secondLevel -= 1;
      this.minuteLevel -= 1;
    }
    const limit = this.perSecond * 60;
    const remaining = Math.floor(this.minuteLevel);
    const resetMs = Math.max(1, Math.ceil(((limit - this.minuteLevel) / this.perSecond) * 1000));
    const retryAfterMs = Math.max(1, Math.ceil(((1 - Math.min(this.secondLevel, this.minuteLevel)) / this.perSecond) * 1000));
    const headers: Record<string, string> =
      protocol === "openai"
        ? { "x-ratelimit-limit-requests": String(limit), "x-ratelimit-remaining-requests": String(remaining), "x-ratelimit-reset-requests": resetMs < 1000 ? `${resetMs}ms` : `${resetMs / 1000}s` }
        : { "anthropic-ratelimit-requests-limit": String(limit), "anthropic-ratelimit-requests-remaining": String(remaining), "anthropic-ratelimit-requests-reset": new Date(now + resetMs).toISOString() };
    return { allowed, retryAfterMs, headers };
  }
}
