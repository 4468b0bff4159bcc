import { afterEach, beforeAll } from "vitest";
import { loadPersonas } from "../../src/personas/load-personas.js";
import type { Persona } from "../../src/personas/persona.js";
import { startFakeLlmServer, type FakeLlmServer, type FakeLlmServerOptions } from "./fake-llm-server.js";

/** The built-in personas, loaded once for the test file (the array fills before the first test). */
export function useBuiltInPersonas(): Persona[] {
  const personas: Persona[] = [];
  beforeAll(async () => void personas.push(...(await loadPersonas())));
  return personas;
}

/** Starts fake LLM servers for a test file and closes every one after each test. */
export function useFakeLlmServers(): { start(options?: FakeLlmServerOptions): Promise<FakeLlmServer> } {
  const started: FakeLlmServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return {
    async start(options) {
      const server = await startFakeLlmServer(options);
      started.push(server);
      return server;
    },
  };
}
