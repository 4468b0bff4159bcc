import { VENDORS } from "./vendors.js";

/** One vendor's key and address as the run has them; absent when not set. */
export interface VendorCredentials {
  /** The API key, from the vendor's key variable (`GEMINI_API_KEY`…). */
  readonly apiKey?: string;
  /** The base-URL override, from the vendor's base-URL variable (`GEMINI_BASE_URL`…). */
  readonly baseUrl?: string;
}

/**
 * The keys and addresses a run's providers use, read once at the edge (from `.env` overlaid by
 * the environment) so that nothing below the CLI reads environment variables. Values are
 * trimmed, and an empty value counts as not set.
 */
export interface Credentials {
  /** Per vendor id of {@link VENDORS}; every vendor has an entry, empty when nothing is set. */
  readonly vendors: Readonly<Record<string, VendorCredentials>>;
  /** For `local:` downloads from Hugging Face. */
  readonly huggingFace: {
    /** `HF_ENDPOINT`: a mirror to fetch `hf:` models from. */
    readonly endpoint?: string;
    /** `HF_TOKEN`: opens gated models; sent to Hugging Face only. */
    readonly token?: string;
  };
}

/** Reads every vendor's key and base-URL variable, and the Hugging Face settings, from environment-style values. */
export function resolveCredentials(env: Readonly<Record<string, string | undefined>>): Credentials {
  const value = (name: string | undefined): string | undefined => {
    const found = name === undefined ? undefined : env[name]?.trim();
    return found === "" ? undefined : found;
  };
  const vendors = Object.fromEntries(
    VENDORS.map((vendor) => {
      const apiKey = value(vendor.apiKeyVariable);
      const baseUrl = value(vendor.baseUrlVariable);
      return [vendor.id, { ...(apiKey ? { apiKey } : {}), ...(baseUrl ? { baseUrl } : {}) }];
    }),
  );
  const endpoint = value("HF_ENDPOINT");
  const token = value("HF_TOKEN");
  return { vendors, huggingFace: { ...(endpoint ? { endpoint } : {}), ...(token ? { token } : {}) } };
}

/** A vendor's entry in `credentials`, empty for a vendor with nothing set. */
export function credentialsOf(credentials: Credentials, vendorId: string): VendorCredentials {
  return credentials.vendors[vendorId] ?? {};
}

/** The values that must never be printed or stored: every API key and the Hugging Face token. */
export function credentialSecrets(credentials: Credentials): string[] {
  const keys = Object.values(credentials.vendors).flatMap((vendor) => (vendor.apiKey ? [vendor.apiKey] : []));
  return credentials.huggingFace.token ? [...keys, credentials.huggingFace.token] : keys;
}
