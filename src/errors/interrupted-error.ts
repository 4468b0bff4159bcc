import { PanelistError } from "./panelist-error.js";

/**
 * The user stopped the run (Ctrl-C) before it could start its calls, e.g. during a model
 * download. Nothing was paid for; the CLI exits 130 with the message.
 */
export class InterruptedError extends PanelistError {}
