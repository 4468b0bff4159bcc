/**
 * The base of every error Panelist raises on purpose. Subclasses carry their context as fields
 * so that callers (the CLI, a scheduled job) can act on them without parsing messages.
 */
export class PanelistError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
