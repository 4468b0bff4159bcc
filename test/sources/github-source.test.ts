import { afterEach, describe, expect, test } from "vitest";
import { githubSource } from "../../src/sources/github-source.js";
import { inputFailure, startApiServer, sourceContext, sourceFixture, FETCHED_AT, type ApiAnswer, type ApiServer } from "../support/api-server.js";
import { closedPort } from "../support/closed-port.js";

const REPO = "/repos/sindresorhus/ky";
const README_TEXT = Buffer.from(sourceFixture("github-readme.json").content, "base64").toString("utf8").trim();

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Record<string, ApiAnswer>): Promise<ApiServer> {
  server = await startApiServer(routes);
  return server;
}

function kyRoutes(repo: object = {}): Record<string, ApiAnswer> {
  return {
    [REPO]: { body: { ...sourceFixture("github-repo.json"), ...repo } },
    [`${REPO}/readme`]: { body: sourceFixture("github-readme.json") },
    [`${REPO}/releases/latest`]: { body: sourceFixture("github-release.json") },
  };
}

describe("githubSource", () => {
  test("a repository: its name, URL, licence as pricing, first topic, README decoded from base64, and the facts", async () => {
    const api = await serve(kyRoutes());
    const tool = await githubSource.fetchTool("https://github.com/sindresorhus/ky", sourceContext(api.url));
    const at = FETCHED_AT.toISOString();
    const source = `${api.url}${REPO}`;
    expect(tool).toEqual({
      name: "ky",
      tagline: "🌳 Tiny & elegant JavaScript HTTP client based on the Fetch API",
      category: "fetch",
      pricing: "Open source",
      url: "https://github.com/sindresorhus/ky",
      community: null,
      description: README_TEXT,
      facts: [
        { label: "Licence", value: "MIT", source, fetchedAt: at },
        { label: "Stars", value: "15,812", source, fetchedAt: at },
        { label: "Forks", value: "401", source, fetchedAt: at },
        { label: "Open issues", value: "23", source, fetchedAt: at },
        { label: "Last push", value: "2026-04-28", source, fetchedAt: at },
        { label: "Latest release", value: "v1.8.1, 2026-04-10", source: `${source}/releases/latest`, fetchedAt: at },
      ],
      source: { file: "https://github.com/sindresorhus/ky" },
    });
    expect(tool.description).toContain("Ky is a tiny and elegant HTTP client based on the Fetch API — “fetch”, but nicer ✨");
    expect(tool.description).toContain("Größe: ~4 kB. 日本語のドキュメントもあります。");
  });

  test("asks for GitHub's JSON and API version, and sends the token as a bearer when one is set", async () => {
    const api = await serve(kyRoutes());
    await githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url, { settings: { githubToken: "ghp_test" } }));
    expect(api.requests[0]?.path).toBe(REPO);
    expect(api.requests.map((request) => request.path).sort()).toEqual([REPO, `${REPO}/readme`, `${REPO}/releases/latest`]);
    for (const request of api.requests) {
      expect(request.headers["accept"]).toBe("application/vnd.github+json");
      expect(request.headers["x-github-api-version"]).toBe("2022-11-28");
      expect(request.headers["authorization"]).toBe("Bearer ghp_test");
    }
  });

  test("without a token no Authorization header is sent", async () => {
    const api = await serve(kyRoutes());
    await githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url));
    expect(api.requests.every((request) => request.headers["authorization"] === undefined)).toBe(true);
  });

  test("an archived repository with no licence, README or release: Archived, Licence none stated, no pricing, the description from the repository", async () => {
    const api = await serve({ [REPO]: { body: { ...sourceFixture("github-repo.json"), archived: true, license: null, topics: [] } } });
    const tool = await githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url));
    expect(tool.pricing).toBeUndefined();
    expect(tool.category).toBeUndefined();
    expect(tool.description).toBe("🌳 Tiny & elegant JavaScript HTTP client based on the Fetch API");
    expect(tool.facts?.map(({ label, value }) => `${label}: ${value}`)).toEqual(["Licence: none stated", "Stars: 15,812", "Forks: 401", "Open issues: 23", "Last push: 2026-04-28", "Archived: yes"]);
  });

  test("a licence GitHub could not classify is named, and is not open source", async () => {
    const api = await serve(kyRoutes({ license: { key: "other", name: "Other", spdx_id: "NOASSERTION", url: null } }));
    const tool = await githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url));
    expect(tool.facts?.[0]?.value).toBe("Other");
    expect(tool.pricing).toBeUndefined();
  });

  test("a source-available licence is not open source", async () => {
    const api = await serve(kyRoutes({ license: { key: "busl-1.1", name: "Business Source License 1.1", spdx_id: "BUSL-1.1" } }));
    const tool = await githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url));
    expect(tool.facts?.[0]?.value).toBe("BUSL-1.1");
    expect(tool.pricing).toBeUndefined();
  });

  test("neither a README nor a description is an InputError naming the spec", async () => {
    const api = await serve({ [REPO]: { body: { ...sourceFixture("github-repo.json"), description: null } } });
    const error = await inputFailure(githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url)));
    expect(error.message).toBe("github:sindresorhus/ky: has no description or README");
    expect(error.file).toBe("github:sindresorhus/ky");
  });

  test("the README is cut at maxDescriptionChars", async () => {
    const api = await serve(kyRoutes());
    const tool = await githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url, { maxDescriptionChars: 120 }));
    expect(tool.description.length).toBeLessThanOrEqual(120);
    expect(tool.description.length).toBeGreaterThan(90);
    expect(README_TEXT.startsWith(tool.description)).toBe(true);
  });

  test("a repository GitHub does not have", async () => {
    const api = await serve({});
    const error = await inputFailure(githubSource.fetchTool("github:nobody/nothing", sourceContext(api.url)));
    expect(error.message).toBe("github:nobody/nothing: no such repository on GitHub");
  });

  test("a 403 with x-ratelimit-remaining 0: the line says until when and names GITHUB_TOKEN", async () => {
    const reset = Date.UTC(2026, 4, 2, 11, 7) / 1000;
    const limited: ApiAnswer = {
      status: 403,
      headers: { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset), "x-ratelimit-resource": "core" },
      body: { message: "API rate limit exceeded for 203.0.113.7. (But here's the good news: Authenticated requests get a higher rate limit.)", documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting" },
    };
    const api = await serve({ [REPO]: limited });
    const error = await inputFailure(githubSource.fetchTool("https://github.com/sindresorhus/ky", sourceContext(api.url)));
    expect(error.message).toBe("https://github.com/sindresorhus/ky: GitHub's rate limit is used up until 2026-05-02 11:07 UTC; set GITHUB_TOKEN to raise it");
  });

  test("with a token set, the rate-limit line does not tell the user to set one", async () => {
    const api = await serve({ [REPO]: { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Date.UTC(2026, 4, 2, 11, 7) / 1000) }, body: { message: "API rate limit exceeded" } } });
    const error = await inputFailure(githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url, { settings: { githubToken: "ghp_test" } })));
    expect(error.message).toBe("github:sindresorhus/ky: GitHub's rate limit is used up until 2026-05-02 11:07 UTC");
  });

  test("the rate limit running out on the README request is reported the same way", async () => {
    const api = await serve({ ...kyRoutes(), [`${REPO}/readme`]: { status: 429, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Date.UTC(2026, 4, 2, 12, 0) / 1000) }, body: { message: "rate limited" } } });
    const error = await inputFailure(githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url)));
    expect(error.message).toBe("github:sindresorhus/ky: GitHub's rate limit is used up until 2026-05-02 12:00 UTC; set GITHUB_TOKEN to raise it");
  });

  test("a 403 that is not the rate limit says what GitHub answered", async () => {
    const api = await serve({ [REPO]: { status: 403, headers: { "x-ratelimit-remaining": "4999" }, body: { message: "Repository access blocked" } } });
    const error = await inputFailure(githubSource.fetchTool("github:sindresorhus/ky", sourceContext(api.url)));
    expect(error.message).toBe(`github:sindresorhus/ky: GitHub answered 403 for ${api.url}${REPO}`);
  });

  test("an API that cannot be reached is an InputError naming the spec", async () => {
    const port = await closedPort();
    const error = await inputFailure(githubSource.fetchTool("github:sindresorhus/ky", sourceContext(`http://127.0.0.1:${String(port)}`)));
    expect(error.file).toBe("github:sindresorhus/ky");
    expect(error.message).toMatch(/^github:sindresorhus\/ky: could not read http:\/\/127\.0\.0\.1:\d+\/repos\/sindresorhus\/ky: /);
  });

  test.each([
    ["https://github.com/sindresorhus/ky", true],
    ["https://github.com/sindresorhus/ky/tree/main/source", true],
    ["http://www.github.com/sindresorhus/ky.git", true],
    ["github:sindresorhus/ky", true],
    ["github:nonsense", true],
    ["https://github.com/sindresorhus", false],
    ["https://gist.github.com/sindresorhus/ky", false],
    ["https://example.com/sindresorhus/ky", false],
    ["npm:ky", false],
  ])("matches(%s) is %s", (spec, expected) => {
    expect(githubSource.matches(spec)).toBe(expected);
  });

  test("a github: spec without owner and repository is an InputError", async () => {
    const error = await inputFailure(githubSource.fetchTool("github:nonsense", sourceContext("http://127.0.0.1:9")));
    expect(error.message).toBe("github:nonsense: expected github:<owner>/<repo> or https://github.com/<owner>/<repo>");
  });
});
