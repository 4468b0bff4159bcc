import { createHash } from "node:crypto";
import { providerLabel, type GenerateRequest, type Provider } from "../providers/provider.js";

/**
 * The hash of everything that decides a provider's answer: provider and model, parameters, the
 * system, dossier and persona text, the schema and the structured-output mode, and any repair turn.
 * The system prompt and the schema, the same for every call of a run and most of its bytes, enter
 * as digests of their own, computed once per run rather than once per call.
 */
export function requestHash(provider: Pick<Provider, "id" | "model">, request: Omit<GenerateRequest, "signal">): string {
  const { signal: _signal, onAccepted: _onAccepted, system, schema, ...rest } = request as GenerateRequest;
  return sha256(JSON.stringify({ provider: providerLabel(provider), system: textDigest(system), schema: schemaDigest(schema), ...rest }));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Digests of recent system prompts; a run has one, so a few entries are plenty. */
const textDigests = new Map<string, string>();
const schemaDigests = new WeakMap<object, string>();

function textDigest(text: string): string {
  let digest = textDigests.get(text);
  if (digest === undefined) {
    digest = sha256(text);
    if (textDigests.size >= 16) textDigests.clear();
    textDigests.set(text, digest);
  }
  return digest;
}

function schemaDigest(schema: GenerateRequest["schema"]): string {
  let digest = schemaDigests.get(schema);
  if (digest === undefined) {
    digest = sha256(JSON.stringify(schema));
    schemaDigests.set(schema, digest);
  }
  return digest;
}
