import type { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../errors/config-error.js";
import { ProviderError } from "../errors/provider-error.js";
import type { BatchState } from "../providers/batch-api.js";
import { createBatchApi } from "../providers/create-batch-api.js";
import type { Credentials } from "../providers/credentials.js";
import { parseModelSpec } from "../providers/model-spec.js";
import type { ProviderBatchRecord } from "../store/provider-batch-store.js";
import type { ReviewStore } from "../store/review-store.js";

/** One provider batch of a run: what the store knows and, when it could be asked, what the provider says now. */
export interface ProviderBatchStatus {
  record: ProviderBatchRecord;
  /** The provider's answer now; absent for collected or failed batches, which are final. */
  live?: BatchState;
  /** Why the provider could not be asked (no key, network), when it could not. */
  liveError?: string;
}

/**
 * The provider batches of a run (`panelist batch --status`): the run given, else the latest with
 * batches. Batches not yet collected are asked about live; asking changes nothing but the stored
 * status, and downloads nothing.
 */
export async function providerBatchStatus(
  store: ReviewStore,
  options: { runId?: string; config: Pick<RunConfig, "timeoutSeconds" | "baseUrl">; credentials: Credentials },
): Promise<{ runId: string; batches: ProviderBatchStatus[] }> {
  const runId = options.runId ?? store.batches.latestRunWithBatches();
  if (runId === undefined) throw new ConfigError("--status", "this store has no provider batches (they come from panelist batch --via batch-api)");
  if (!store.getRun(runId)) throw new ConfigError("--resume", `no run "${runId}" in this store`);
  const statuses: ProviderBatchStatus[] = [];
  for (const record of store.batches.batchesOf(runId)) {
    if (record.state !== "submitted") {
      statuses.push({ record });
      continue;
    }
    try {
      const api = await createBatchApi(parseModelSpec(record.model), {
        credentials: options.credentials,
        timeoutMs: options.config.timeoutSeconds * 1000,
        ...(options.config.baseUrl ? { baseUrl: options.config.baseUrl } : {}),
      });
      const live = await api.status(record.id);
      store.batches.noteStatus(record.id, live);
      statuses.push({ record, live });
    } catch (error) {
      if (!(error instanceof ProviderError || error instanceof ConfigError)) throw error;
      statuses.push({ record, liveError: error.message });
    }
  }
  return { runId, batches: statuses };
}
