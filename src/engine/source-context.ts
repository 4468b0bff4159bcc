import { createHttpClient } from "../sources/http-client.js";
import type { SourceContext, SourceSettings } from "../sources/tool-source.js";
import type { ReviewStore } from "../store/review-store.js";
import { panelistVersion } from "../version.js";

/** What reading tools from where they live needs from a run. */
export interface SourceOptions {
  settings: SourceSettings;
  /** `--allow-private-hosts`: fetch from loopback, private and link-local addresses too. */
  allowPrivateHosts: boolean;
  /** Hosts (`host:port`) of base URLs the user set in variables: trusted even on a private address. */
  trustedHosts?: readonly string[];
}

/**
 * The context sources read with: one guarded HTTP client for the run, its responses revalidated
 * against the store (ETag / Last-Modified), so a nightly run re-fetches conditionally.
 */
export function createSourceContext(options: SourceOptions, store: ReviewStore | undefined, maxDescriptionChars: number): SourceContext {
  const http = createHttpClient({
    userAgent: `Panelist/${panelistVersion()} (+https://github.com/panelist-dev/panelist; reviews software tools)`,
    allowPrivateHosts: options.allowPrivateHosts,
    allowHosts: options.trustedHosts ?? [],
    ...(store ? { cache: store.http } : {}),
  });
  return { http, settings: options.settings, maxDescriptionChars };
}
