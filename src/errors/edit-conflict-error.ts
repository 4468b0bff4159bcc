import { PanelistError } from "./panelist-error.js";

/**
 * An edit made against a version of a review that is no longer current: another tab or script
 * saved first. `current` is the version to reload and edit from; nothing was saved.
 */
export class EditConflictError extends PanelistError {
  readonly reviewId: number;
  readonly current: number;

  constructor(reviewId: number, expected: number, current: number) {
    super(`review ${reviewId} was changed by someone else (version ${current}, this edit was made on version ${expected}): reload it and edit again`);
    this.reviewId = reviewId;
    this.current = current;
  }
}
