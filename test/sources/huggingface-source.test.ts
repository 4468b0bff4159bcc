import { afterEach, describe, expect, test } from "vitest";
import { huggingFaceSource } from "../../src/sources/huggingface-source.js";
import { inputFailure, startApiServer, sourceContext, sourceFixture, sourceFixtureText, FETCHED_AT, type ApiAnswer, type ApiServer } from "../support/api-server.js";

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Record<string, ApiAnswer>): Promise<ApiServer> {
  server = await startApiServer(routes);
  return server;
}

const MODEL = "Qwen/Qwen2.5-7B-Instruct";
const SPACE = "black-forest-labs/FLUX.1-dev";

function modelRoutes(model: object = {}): Record<string, ApiAnswer> {
  return { [`/api/models/${MODEL}`]: { body: { ...sourceFixture("hf-model.json"), ...model } }, [`/${MODEL}/raw/main/README.md`]: { body: sourceFixtureText("hf-model-card.md") } };
}

describe("huggingFaceSource", () => {
  test("a model: name, page, task as category, the card without its front matter, and the facts", async () => {
    const api = await serve(modelRoutes());
    const tool = await huggingFaceSource.fetchTool(`hf:${MODEL}`, sourceContext(api.url));
    const at = FETCHED_AT.toISOString();
    const source = `${api.url}/api/models/${MODEL}`;
    expect(tool).toEqual({
      name: "Qwen2.5-7B-Instruct",
      category: "text-generation",
      pricing: "Open source",
      url: `${api.url}/${MODEL}`,
      community: null,
      description: sourceFixtureText("hf-model-card.md").split("---\n")[2]!.trim(),
      facts: [
        { label: "Licence", value: "apache-2.0", source, fetchedAt: at },
        { label: "Downloads", value: "1.8M last month", source, fetchedAt: at },
        { label: "Likes", value: "812", source, fetchedAt: at },
        { label: "Task", value: "text-generation", source, fetchedAt: at },
        { label: "Library", value: "transformers", source, fetchedAt: at },
        { label: "Last modified", value: "2025-01-12", source, fetchedAt: at },
      ],
      source: { file: `hf:${MODEL}` },
    });
    expect(tool.description.startsWith("# Qwen2.5-7B-Instruct\n")).toBe(true);
    expect(tool.description).not.toContain("license_link");
  });

  test("HF_TOKEN is sent as a bearer on the API and the card requests", async () => {
    const api = await serve(modelRoutes());
    await huggingFaceSource.fetchTool(`https://huggingface.co/${MODEL}/tree/main`, sourceContext(api.url, { settings: { huggingFaceToken: "hf_test" } }));
    expect(api.requests.map((request) => request.path)).toEqual([`/api/models/${MODEL}`, `/${MODEL}/raw/main/README.md`]);
    expect(api.requests.map((request) => request.headers["authorization"])).toEqual(["Bearer hf_test", "Bearer hf_test"]);
  });

  test("a licence only in the tags is read from there; a restricted model licence gives no pricing", async () => {
    const api = await serve(modelRoutes({ cardData: { language: ["en"] }, tags: ["transformers", "license:llama3.1"] }));
    const tool = await huggingFaceSource.fetchTool(`hf:${MODEL}`, sourceContext(api.url));
    expect(tool.facts?.[0]?.value).toBe("llama3.1");
    expect(tool.pricing).toBeUndefined();
  });

  test("a model with no licence: Licence none stated and no pricing", async () => {
    const api = await serve(modelRoutes({ cardData: null, tags: ["transformers"] }));
    const tool = await huggingFaceSource.fetchTool(`hf:${MODEL}`, sourceContext(api.url));
    expect(tool.facts?.[0]).toMatchObject({ label: "Licence", value: "none stated" });
    expect(tool.pricing).toBeUndefined();
  });

  test("a gated model says so", async () => {
    const api = await serve(modelRoutes({ gated: "manual" }));
    const tool = await huggingFaceSource.fetchTool(`hf:${MODEL}`, sourceContext(api.url));
    expect(tool.facts?.find((fact) => fact.label === "Gated")?.value).toBe("yes (manual)");
  });

  test("a Space: SDK and likes, its short description as tagline and, without a card, as description", async () => {
    const api = await serve({ [`/api/spaces/${SPACE}`]: { body: sourceFixture("hf-space.json") } });
    const tool = await huggingFaceSource.fetchTool(`https://huggingface.co/spaces/${SPACE}`, sourceContext(api.url));
    const at = FETCHED_AT.toISOString();
    const source = `${api.url}/api/spaces/${SPACE}`;
    expect(api.requests.map((request) => request.path)).toEqual([`/api/spaces/${SPACE}`, `/spaces/${SPACE}/raw/main/README.md`]);
    expect(tool).toEqual({
      name: "FLUX.1-dev",
      tagline: "12B param rectified flow transformer guidance-distilled",
      url: `${api.url}/spaces/${SPACE}`,
      community: null,
      description: "12B param rectified flow transformer guidance-distilled",
      facts: [
        { label: "Licence", value: "flux-1-dev-non-commercial-license", source, fetchedAt: at },
        { label: "SDK", value: "gradio", source, fetchedAt: at },
        { label: "Likes", value: "9,834", source, fetchedAt: at },
        { label: "Last modified", value: "2025-03-04", source, fetchedAt: at },
      ],
      source: { file: `https://huggingface.co/spaces/${SPACE}` },
    });
  });

  test("the card is cut at maxDescriptionChars", async () => {
    const api = await serve(modelRoutes());
    const tool = await huggingFaceSource.fetchTool(`hf:${MODEL}`, sourceContext(api.url, { maxDescriptionChars: 80 }));
    expect(tool.description.length).toBeLessThanOrEqual(80);
    expect(tool.description.startsWith("# Qwen2.5-7B-Instruct")).toBe(true);
  });

  test.each([401, 404])("a %s is not found (or gated)", async (status) => {
    const api = await serve({ "/api/models/nobody/nothing": { status, body: { error: "Repository not found" } } });
    const error = await inputFailure(huggingFaceSource.fetchTool("hf:nobody/nothing", sourceContext(api.url)));
    expect(error.message).toBe("hf:nobody/nothing: not found on the Hugging Face Hub (or gated: set HF_TOKEN)");
    expect(error.file).toBe("hf:nobody/nothing");
  });

  test("a model with neither a card nor a description", async () => {
    const api = await serve({ [`/api/models/${MODEL}`]: { body: sourceFixture("hf-model.json") } });
    const error = await inputFailure(huggingFaceSource.fetchTool(`hf:${MODEL}`, sourceContext(api.url)));
    expect(error.message).toBe(`hf:${MODEL}: has no model card or description`);
  });

  test.each([
    ["hf:Qwen/Qwen2.5-7B-Instruct", true],
    ["hf:spaces/black-forest-labs/FLUX.1-dev", true],
    ["hf:gpt2", true],
    ["https://huggingface.co/Qwen/Qwen2.5-7B-Instruct", true],
    ["https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/README.md", true],
    ["https://huggingface.co/spaces/black-forest-labs/FLUX.1-dev", true],
    ["https://huggingface.co/datasets/HuggingFaceFW/fineweb", false],
    ["https://huggingface.co/docs/transformers", false],
    ["https://huggingface.co/pricing", false],
    ["https://huggingface.co/Qwen", false],
    ["github:Qwen/Qwen2.5", false],
  ])("matches(%s) is %s", (spec, expected) => {
    expect(huggingFaceSource.matches(spec)).toBe(expected);
  });

  test("an hf: spec for a dataset is an InputError saying what is read", async () => {
    const error = await inputFailure(huggingFaceSource.fetchTool("hf:datasets/HuggingFaceFW/fineweb", sourceContext("http://127.0.0.1:9")));
    expect(error.message).toBe("hf:datasets/HuggingFaceFW/fineweb: expected hf:<owner>/<name> (a model) or hf:spaces/<owner>/<name> (a Space)");
  });
});
