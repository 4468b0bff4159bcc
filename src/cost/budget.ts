/** A spending reservation for one call in flight. */
export interface Reservation {
  readonly estimateUsd: number;
}

/**
 * Keeps a run under `--max-cost`: a call may start only when what was spent plus the estimates of
 * the calls in flight plus its own estimate stays within the limit. Estimates are upper bounds
 * (the full output token limit), so the run stops before it overspends rather than after.
 */
export class Budget {
  readonly limitUsd: number | undefined;
  private spent = 0;
  private reserved = 0;

  /** `limitUsd` undefined means no limit; spending is still added up. */
  constructor(limitUsd?: number) {
    this.limitUsd = limitUsd;
  }

  /** Reserves `estimateUsd` for a call, or returns undefined when that would pass the limit. */
  tryReserve(estimateUsd: number): Reservation | undefined {
    if (this.limitUsd !== undefined && this.spent + this.reserved + estimateUsd > this.limitUsd) return undefined;
    this.reserved += estimateUsd;
    return { estimateUsd };
  }

  /** Replaces a reservation with what the call really cost (null: unknown, counts as nothing). */
  settle(reservation: Reservation, actualUsd: number | null): void {
    this.reserved -= reservation.estimateUsd;
    this.spent += actualUsd ?? 0;
  }

  /** USD spent on finished calls. */
  get spentUsd(): number {
    return this.spent;
  }
}

/** A rough token count for budgeting and dry runs: about four characters a token for English. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
