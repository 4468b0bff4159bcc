import { afterEach, describe, expect, test } from "vitest";
import { pypiSource } from "../../src/sources/pypi-source.js";
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

const PATH = "/pypi/requests/json";

/** PyPI's answer for requests with some of `info` changed. */
function withInfo(changes: object): object {
  const project = sourceFixture("pypi-project.json");
  return { ...project, info: { ...project.info, ...changes } };
}

describe("pypiSource", () => {
  test("a project: name, home page, description, open-source pricing and the facts", async () => {
    const api = await serve({ [PATH]: { body: sourceFixture("pypi-project.json") } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url));
    const at = FETCHED_AT.toISOString();
    const source = `${api.url}${PATH}`;
    expect(tool).toEqual({
      name: "requests",
      tagline: "Python HTTP for Humans.",
      pricing: "Open source",
      url: "https://requests.readthedocs.io",
      community: null,
      description: sourceFixture("pypi-project.json").info.description.trim(),
      facts: [
        { label: "Licence", value: "Apache-2.0", source, fetchedAt: at },
        { label: "Latest version", value: "2.33.1, 2026-03-18", source, fetchedAt: at },
        { label: "Requires Python", value: ">=3.9", source, fetchedAt: at },
        { label: "Repository", value: "https://github.com/psf/requests", source, fetchedAt: at },
      ],
      source: { file: "pypi:requests" },
    });
    expect(tool.description).toContain("There’s no need to manually add query strings");
  });

  test("a pypi.org URL reads the same project", async () => {
    const api = await serve({ [PATH]: { body: sourceFixture("pypi-project.json") } });
    const tool = await pypiSource.fetchTool("https://pypi.org/project/requests/", sourceContext(api.url));
    expect(tool.name).toBe("requests");
  });

  test("an OSI classifier is an open-source licence when there is no SPDX expression", async () => {
    const api = await serve({ [PATH]: { body: withInfo({ license_expression: null, license: null, classifiers: ["License :: OSI Approved :: MIT License"] }) } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url));
    expect(tool.facts?.[0]?.value).toBe("MIT License");
    expect(tool.pricing).toBe("Open source");
  });

  test("a licence field holding the whole licence text is not used as the licence's name", async () => {
    const text = "Copyright 2019 Kenneth Reitz\n\nLicensed under the Apache License, Version 2.0 (the \"License\"); you may not use this file except in compliance with the License.";
    const api = await serve({ [PATH]: { body: withInfo({ license_expression: null, license: text, classifiers: ["License :: OSI Approved :: Apache Software License"] }) } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url));
    expect(tool.facts?.[0]?.value).toBe("Apache Software License");
  });

  test("a project with no licence: Licence none stated and no pricing", async () => {
    const api = await serve({ [PATH]: { body: withInfo({ license_expression: null, license: "", classifiers: ["Programming Language :: Python :: 3"] }) } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url));
    expect(tool.pricing).toBeUndefined();
    expect(tool.facts?.[0]).toMatchObject({ label: "Licence", value: "none stated" });
  });

  test("a proprietary classifier gives no pricing", async () => {
    const api = await serve({ [PATH]: { body: withInfo({ license_expression: null, license: null, classifiers: ["License :: Other/Proprietary License"] }) } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url));
    expect(tool.facts?.[0]?.value).toBe("Other/Proprietary License");
    expect(tool.pricing).toBeUndefined();
  });

  test("without a home page the URL is the project's PyPI page; without a description, the summary", async () => {
    const api = await serve({ [PATH]: { body: withInfo({ project_urls: null, home_page: null, description: "" }) } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url));
    expect(tool.url).toBe("https://pypi.org/project/requests/");
    expect(tool.description).toBe("Python HTTP for Humans.");
  });

  test("the description is cut at maxDescriptionChars", async () => {
    const api = await serve({ [PATH]: { body: sourceFixture("pypi-project.json") } });
    const tool = await pypiSource.fetchTool("pypi:requests", sourceContext(api.url, { maxDescriptionChars: 60 }));
    expect(tool.description.length).toBeLessThanOrEqual(60);
    expect(sourceFixture("pypi-project.json").info.description.startsWith(tool.description)).toBe(true);
  });

  test("a project PyPI does not have", async () => {
    const api = await serve({ "/pypi/no-such-project/json": { status: 404, body: { message: "Not Found" } } });
    const error = await inputFailure(pypiSource.fetchTool("pypi:no-such-project", sourceContext(api.url)));
    expect(error.message).toBe("pypi:no-such-project: not found on PyPI");
    expect(error.file).toBe("pypi:no-such-project");
  });

  test("an answer that is not PyPI's JSON is an InputError, not a crash", async () => {
    const api = await serve({ [PATH]: { body: "<html>maintenance</html>" } });
    const error = await inputFailure(pypiSource.fetchTool("pypi:requests", sourceContext(api.url)));
    expect(error.message).toBe(`pypi:requests: PyPI's answer from ${api.url}${PATH} is not JSON`);
  });

  test.each([
    ["pypi:requests", true],
    ["https://pypi.org/project/requests", true],
    ["https://pypi.org/project/requests/2.33.1/", true],
    ["https://pypi.org/search/?q=requests", false],
    ["https://test.pypi.org/project/requests", false],
    ["npm:requests", false],
  ])("matches(%s) is %s", (spec, expected) => {
    expect(pypiSource.matches(spec)).toBe(expected);
  });
});
