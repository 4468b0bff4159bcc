import { PanelistError } from "./panelist-error.js";

/**
 * A model answer that arrived but could not be read as a verdict: no JSON in it, or JSON that
 * fails the verdict schema. Kept outside the provider-error family because the call succeeded;
 * `rawText` keeps the answer so it can be stored and inspected.
 */
export class VerdictError extends PanelistError {
  readonly rawText: string;

  constructor(message: string, rawText: string) {
    super(message);
    this.rawText = rawText;
  }
}
