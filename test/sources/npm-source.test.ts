import { afterEach, describe, expect, test } from "vitest";
import { npmSource } from "../../src/sources/npm-source.js";
import type { HttpClient } from "../../src/sources/tool-source.js";
import { inputFailure, startApiServer, sourceContext, sourceFixture, FETCHED_AT, type ApiAnswer, type ApiServer } from "../support/api-server.js";

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Record<string, ApiAnswer>): Promise<ApiServer> {
  server = await startApiServer(routes);
  return server;
}

const DOWNLOADS = "/downloads/point/last-week/ky";

function kyRoutes(packument: object = {}): Record<string, ApiAnswer> {
  return { "/ky": { body: { ...sourceFixture("npm-packument.json"), ...packument } }, [DOWNLOADS]: { body: sourceFixture("npm-downloads.json") } };
}

/** The package document with its latest version's manifest changed. */
function withLatest(changes: object): object {
  const packument = sourceFixture("npm-packument.json");
  packument.versions["1.8.1"] = { ...packument.versions["1.8.1"], ...changes };
  return packument;
}

describe("npmSource", () => {
  test("a package: name, homepage, README, open-source pricing and the facts", async () => {
    const api = await serve(kyRoutes());
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url));
    const at = FETCHED_AT.toISOString();
    const source = `${api.url}/ky`;
    expect(tool).toEqual({
      name: "ky",
      tagline: "Tiny and elegant HTTP client based on the Fetch API",
      pricing: "Open source",
      url: "https://github.com/sindresorhus/ky#readme",
      community: null,
      description: sourceFixture("npm-packument.json").readme.trim(),
      facts: [
        { label: "Licence", value: "MIT", source, fetchedAt: at },
        { label: "Latest version", value: "1.8.1, 2026-04-10", source, fetchedAt: at },
        { label: "Weekly downloads", value: "2.3M/week", source: `${api.url}${DOWNLOADS}`, fetchedAt: at },
        { label: "Repository", value: "https://github.com/sindresorhus/ky", source, fetchedAt: at },
        { label: "Maintainers", value: "2", source, fetchedAt: at },
      ],
      source: { file: "npm:ky" },
    });
  });

  test("an npmjs.com URL reads the same package", async () => {
    const api = await serve(kyRoutes());
    const tool = await npmSource.fetchTool("https://www.npmjs.com/package/ky", sourceContext(api.url));
    expect(tool.name).toBe("ky");
    expect(tool.source.file).toBe("https://www.npmjs.com/package/ky");
  });

  test("a scoped name is sent to the registry as @scope%2Fname; without a homepage the URL is its npmjs.com page", async () => {
    const packument = { ...sourceFixture("npm-packument.json"), name: "@sindresorhus/is", homepage: undefined, versions: {} };
    const api = await serve({ "/@sindresorhus%2Fis": { body: packument }, "/downloads/point/last-week/@sindresorhus/is": { body: { downloads: 8123, start: "2026-04-24", end: "2026-04-30", package: "@sindresorhus/is" } } });
    const tool = await npmSource.fetchTool("https://www.npmjs.com/package/@sindresorhus/is", sourceContext(api.url));
    expect(api.requests.map((request) => request.path).sort()).toEqual(["/@sindresorhus%2Fis", "/downloads/point/last-week/@sindresorhus/is"]);
    expect(tool.name).toBe("@sindresorhus/is");
    expect(tool.url).toBe("https://www.npmjs.com/package/@sindresorhus/is");
    expect(tool.facts?.find((fact) => fact.label === "Weekly downloads")?.value).toBe("8,123/week");
  });

  test("npm:@scope/name is read the same way", async () => {
    const api = await serve({ "/@types%2Fnode": { body: { ...sourceFixture("npm-packument.json"), name: "@types/node" } } });
    const tool = await npmSource.fetchTool("npm:@types/node", sourceContext(api.url));
    expect(tool.name).toBe("@types/node");
  });

  test("a package with no licence: Licence none stated and no pricing", async () => {
    const packument = withLatest({ license: undefined });
    const api = await serve({ "/ky": { body: { ...packument, license: undefined } } });
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url));
    expect(tool.pricing).toBeUndefined();
    expect(tool.facts?.[0]).toMatchObject({ label: "Licence", value: "none stated" });
  });

  test("a licence that is not open source (or UNLICENSED) gives no pricing", async () => {
    const api = await serve({ "/ky": { body: withLatest({ license: "UNLICENSED" }) } });
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url));
    expect(tool.pricing).toBeUndefined();
    expect(tool.facts?.[0]?.value).toBe("UNLICENSED");
  });

  test("a deprecated latest version is a fact with the author's message", async () => {
    const api = await serve({ "/ky": { body: withLatest({ deprecated: "Use the built-in fetch instead" }) } });
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url));
    expect(tool.facts?.at(-1)).toMatchObject({ label: "Deprecated", value: "Use the built-in fetch instead" });
  });

  test("when the downloads API has no count the package is still read, without that fact", async () => {
    const api = await serve({ "/ky": { body: sourceFixture("npm-packument.json") } });
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url));
    expect(tool.facts?.map((fact) => fact.label)).toEqual(["Licence", "Latest version", "Repository", "Maintainers"]);
  });

  test("without a README the description is the package's description", async () => {
    const api = await serve({ "/ky": { body: { ...sourceFixture("npm-packument.json"), readme: "ERROR: No README data found!" } } });
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url));
    expect(tool.description).toBe("Tiny and elegant HTTP client based on the Fetch API");
  });

  test("the README is cut at maxDescriptionChars", async () => {
    const api = await serve(kyRoutes());
    const tool = await npmSource.fetchTool("npm:ky", sourceContext(api.url, { maxDescriptionChars: 200 }));
    expect(tool.description.length).toBeLessThanOrEqual(200);
    expect(sourceFixture("npm-packument.json").readme.startsWith(tool.description)).toBe(true);
  });

  test("a package the registry does not have", async () => {
    const api = await serve({ "/no-such-package-here": { status: 404, body: { error: "Not found" } } });
    const error = await inputFailure(npmSource.fetchTool("npm:no-such-package-here", sourceContext(api.url)));
    expect(error.message).toBe("npm:no-such-package-here: not found in the npm registry");
    expect(error.file).toBe("npm:no-such-package-here");
  });

  test("a registry URL with a trailing slash (as npm_config_registry often is) is joined without doubling it", async () => {
    const api = await serve(kyRoutes());
    await npmSource.fetchTool("npm:ky", sourceContext(api.url, { settings: { npmRegistry: `${api.url}/` } }));
    expect(api.requests.map((request) => request.path)).toContain("/ky");
  });

  test.each([
    ["npm:ky", true],
    ["npm:@scope/name", true],
    ["https://www.npmjs.com/package/ky", true],
    ["https://npmjs.com/package/@scope/name/v/1.0.0", true],
    ["https://www.npmjs.com/search?q=ky", false],
    ["https://registry.npmjs.org/ky", false],
    ["pypi:ky", false],
  ])("matches(%s) is %s", (spec, expected) => {
    expect(npmSource.matches(spec)).toBe(expected);
  });

  test("an npm: spec that is no package name is an InputError", async () => {
    const error = await inputFailure(npmSource.fetchTool("npm:not a name", sourceContext("http://127.0.0.1:9")));
    expect(error.message).toBe("npm:not a name: expected npm:<name>, npm:@scope/name or https://www.npmjs.com/package/<name>");
  });
});

describe("npmSource with a package document past the size cap", () => {
  test("reads the latest version's manifest instead", async () => {
    const manifest = { ...sourceFixture("npm-packument.json").versions["1.8.1"] };
    const api = await serve({ "/ky": { body: sourceFixture("npm-packument.json") }, "/ky/latest": { body: manifest } });
    // The plain client never cuts a body; this one marks any body past the cap as cut, as the production client does.
    const context = sourceContext(api.url);
    const capped: HttpClient = {
      async get(url, options) {
        const response = await context.http.get(url, options);
        return options?.maxBytes !== undefined && response.text.length > 100 ? { ...response, text: response.text.slice(0, 100), truncated: true } : response;
      },
    };
    const tool = await npmSource.fetchTool("npm:ky", { ...context, http: capped });
    expect(tool.description).toBe("Tiny and elegant HTTP client based on the Fetch API");
    expect(tool.facts?.map(({ label, value }) => `${label}: ${value}`)).toEqual(["Licence: MIT", "Latest version: 1.8.1", "Repository: https://github.com/sindresorhus/ky", "Maintainers: 1"]);
    expect(tool.facts?.[0]?.source).toBe(`${api.url}/ky/latest`);
  });
});
