import { PanelistError } from "../errors/panelist-error.js";

/** Why a GET did not produce a response. */
export type SourceFetchErrorKind = "refused" | "timeout" | "connection" | "too-many-redirects" | "not-http";

/**
 * A GET that produced no response: the address was refused (a private host, a scheme other than
 * http(s)), no answer came in time, the connection failed, or the redirects did not end. A status
 * such as 404 or 500 is a response, never this error. The message is one line:
 * `http://10.0.0.5/x: refused: 10.0.0.5 is a private address (pass --allow-private-hosts to allow it)`.
 */
export class SourceFetchError extends PanelistError {
  /** The address that failed: the one asked for, or the redirect hop that was refused. */
  readonly url: string;
  readonly kind: SourceFetchErrorKind;

  constructor(url: string, kind: SourceFetchErrorKind, problem: string, options?: ErrorOptions) {
    super(`${url}: ${problem}`, options);
    this.url = url;
    this.kind = kind;
  }
}
