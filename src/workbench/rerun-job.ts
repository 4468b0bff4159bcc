import { rerunReviews } from "../engine/rerun-reviews.js";
import { credentialSecrets } from "../providers/credentials.js";
import { redactSecrets } from "../providers/redact-secrets.js";
import type { JobState, WorkbenchJobs } from "./workbench-jobs.js";
import type { WorkbenchOptions } from "./workbench-options.js";

/**
 * Starts a re-run of a run's reviews (one persona of one tool, a whole tool, or the run) as a
 * background job. The engine checks its arguments before any call; those are refused here, as a
 * 400, rather than reported as a failed job.
 */
export async function startRerun(options: WorkbenchOptions, jobs: WorkbenchJobs, runId: string, body: { tool?: string | number | undefined; persona?: string | undefined; model?: string | undefined }): Promise<JobState> {
  const secrets = [...credentialSecrets(options.credentials), ...(options.secrets ?? [])];
  // The engine refuses bad arguments before its first call: wait for that much before answering.
  let accepted!: () => void;
  let refused!: (error: unknown) => void;
  const checked = new Promise<void>((resolve, reject) => {
    accepted = resolve;
    refused = reject;
  });
  let started = false;
  const job = jobs.start("rerun", runId, async (control) => {
    try {
      const result = await rerunReviews({
        store: options.store,
        runId,
        ...(body.tool === undefined ? {} : { tool: body.tool }),
        ...(body.persona === undefined ? {} : { persona: body.persona }),
        ...(body.model === undefined ? {} : { model: body.model }),
        config: options.config,
        credentials: options.credentials,
        editor: options.editor,
        stopSignal: control.stopSignal,
        abortSignal: control.abortSignal,
        onProgress: (progress) => {
          if (!started) {
            started = true;
            accepted();
          }
          control.onProgress(progress);
        },
        onWarning: (line) => options.onLog?.(redactSecrets(`warning: ${line}`, secrets)),
      });
      options.onLog?.(`re-run of run ${runId}: ${result.reviewed} reviewed, ${result.failed} failed, $${result.costUsd}`);
      return { runId, interrupted: result.interrupted, result };
    } catch (error) {
      if (!started) refused(error);
      throw error;
    } finally {
      accepted();
    }
  });
  await checked;
  return job;
}
