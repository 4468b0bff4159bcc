import { ProviderError } from "../errors/provider-error.js";
import { providerLabel, type GenerateResult, type Provider } from "../providers/provider.js";
import type { StoredBatchResult } from "../store/provider-batch-store.js";
import { requestHash } from "./with-response-cache.js";

/** Where a run's batch results are looked up (the store's batch tables implement it). */
export interface BatchResultSource {
  result(model: string, customId: string): StoredBatchResult | undefined;
}

/**
 * Wraps a provider so that a request a provider batch already answered gets that answer, marked
 * `viaBatch`, instead of a call. Everything else goes to the provider as an ordinary call: repair
 * re-asks, requests the batch did not answer (expired, cancelled, a failed batch), and those it
 * answered with an error worth retrying. Each stored result is served once: a retry of the same
 * request is a real call.
 */
export function withBatchResults(provider: Provider, source: BatchResultSource): Provider {
  const label = providerLabel(provider);
  const served = new Set<string>();
  return {
    id: provider.id,
    model: provider.model,
    ...(provider.close ? { close: () => provider.close!() } : {}),
    async generate(request) {
      const hash = requestHash(provider, request);
      const stored = served.has(hash) ? undefined : source.result(label, hash);
      if (stored && (stored.ok || !stored.retryable)) {
        served.add(hash);
        return fromStored(stored, provider);
      }
      return provider.generate(request);
    },
  };
}

function fromStored(stored: StoredBatchResult, provider: Provider): GenerateResult {
  if (stored.ok) {
    const { ok: _ok, ...answer } = stored;
    return { ok: true, ...answer, latencyMs: 0, viaBatch: true };
  }
  const error = new ProviderError(stored.message, {
    provider: provider.id,
    model: provider.model,
    kind: stored.kind,
    retryable: stored.retryable,
    ...(stored.status === undefined ? {} : { status: stored.status }),
  });
  return { ok: false, error, latencyMs: 0 };
}
