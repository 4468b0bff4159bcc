import { ConfigError } from "../errors/config-error.js";
import { credentialsOf, type Credentials } from "./credentials.js";
import type { ModelSpec } from "./model-spec.js";
import type { Vendor } from "./vendors.js";

/** Where a vendor's calls go, and with which key. */
export interface VendorEndpoint {
  baseURL: string;
  /** Undefined when no key is set; whether that is allowed is the caller's call. */
  apiKey: string | undefined;
  /** Whether `baseURL` is the vendor's own address: its quirks (key required, token parameter) hold only there. */
  atVendor: boolean;
}

/**
 * The endpoint of a vendor for a run: `--base-url`, else the vendor's base-URL variable, else its
 * own address. Throws a ConfigError when there is none (a self-hosted server nobody named).
 */
export function vendorEndpoint(vendor: Vendor, spec: ModelSpec, settings: { credentials: Credentials; baseUrl?: string }): VendorEndpoint {
  const given = credentialsOf(settings.credentials, vendor.id);
  const baseURL = settings.baseUrl ?? given.baseUrl ?? vendor.baseURL;
  if (!baseURL) {
    const variable = vendor.baseUrlVariable ? ` or set ${vendor.baseUrlVariable}` : "";
    throw new ConfigError("--base-url", `${spec.provider}:${spec.model} needs a server address: pass --base-url${variable}`);
  }
  return { baseURL, apiKey: given.apiKey, atVendor: baseURL === vendor.baseURL };
}

/** The error for a key that is not set; `what` names what needs it (`anthropic:claude-…`, `the batch API of openai:…`). */
export function missingKey(vendor: Vendor, what: string): ConfigError {
  return new ConfigError(vendor.apiKeyVariable ?? "--model", `is not set; ${what} needs it (environment or .env)`);
}
