/** A spending reservation for one call in flight. */
export interface Reservation {
  readonly estimateUsd: number;
}

/**
 * Keeps a run under `--max-cost`: a call may start only when what was spent plus the estimates of
 * the calls in flight plus its own estimate stays within the limit. Estimates are upper bounds
 * (the full output token limit), so the run stops before it overspends rather than after.
 *
 * A call that does not fit while others are in flight waits for their actual cost, which is
 * usually far below their estimates, and is given up only when it does not fit with nothing in
 * flight. So the spend a run reaches does not depend on how many calls run at once.
 */
export class Budget {
  readonly limitUsd: number | undefined;
  private spent = 0;
  private reserved = 0;
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  /** `limitUsd` undefined means no limit; spending is still added up. */
  constructor(limitUsd?: number) {
    this.limitUsd = limitUsd;
  }

  /** Reserves `estimateUsd` now, or returns undefined when that would pass the limit. */
  tryReserve(estimateUsd: number): Reservation | undefined {
    if (this.limitUsd !== undefined && this.spent + this.reserved + estimateUsd > this.limitUsd) return undefined;
    this.reserved += estimateUsd;
    this.inFlight += 1;
    return { estimateUsd };
  }

  /**
   * Reserves `estimateUsd`, waiting while calls in flight may still free room; resolves undefined
   * once it cannot fit even with nothing in flight, or when `signal` aborts the wait.
   */
  async reserve(estimateUsd: number, signal?: AbortSignal): Promise<Reservation | undefined> {
    for (;;) {
      const reservation = this.tryReserve(estimateUsd);
      if (reservation) return reservation;
      if (this.inFlight === 0 || signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener("abort", wake);
          resolve();
        };
        this.waiters.push(wake);
        signal?.addEventListener("abort", wake, { once: true });
      });
    }
  }

  /** Replaces a reservation with what the call really cost (null: unknown, counts as nothing). */
  settle(reservation: Reservation, actualUsd: number | null): void {
    this.reserved -= reservation.estimateUsd;
    this.inFlight -= 1;
    this.spent += actualUsd ?? 0;
    // Every waiter looks again, oldest first: the freed room may fit one or several of them.
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
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
