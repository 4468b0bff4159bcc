import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import type { Tool } from "../tools/tool.js";
import { FactList } from "./fact-list.js";
import { formatCount } from "./format-count.js";
import { isOpenSourceLicence } from "./open-source-licences.js";
import { baseUrl, isSuccess, parseAnswer, requestFor, unexpectedStatus } from "./source-request.js";
import { httpUrl } from "./source-spec.js";
import { cutDescription, dayOf, oneLine } from "./source-text.js";
import type { HttpResponse, SourceContext, ToolSource } from "./tool-source.js";

/** The fields of GitHub's "Get a repository" answer that a review uses. */
const repositorySchema = z.object({
  name: z.string(),
  html_url: z.string(),
  description: z.string().nullish(),
  license: z.object({ spdx_id: z.string().nullish(), name: z.string().nullish() }).nullish(),
  stargazers_count: z.number(),
  forks_count: z.number(),
  open_issues_count: z.number(),
  pushed_at: z.string().nullish(),
  archived: z.boolean().nullish(),
  topics: z.array(z.string()).nullish(),
});

const readmeSchema = z.object({ content: z.string(), encoding: z.string().nullish() });

const releaseSchema = z.object({ tag_name: z.string(), published_at: z.string().nullish() });

/** Owner and repository names as GitHub allows them. */
const NAME = /^[A-Za-z0-9_.-]+$/;

/** A repository a spec names. */
interface RepositoryName {
  owner: string;
  repo: string;
}

function parseSpec(spec: string): RepositoryName | undefined {
  let path: string;
  if (/^github:/i.test(spec)) path = spec.slice("github:".length);
  else {
    const url = httpUrl(spec);
    if (!url || !/^(www\.)?github\.com$/i.test(url.hostname)) return undefined;
    path = url.pathname.slice(1);
  }
  const [owner, repo] = path.split("/");
  if (!owner || !repo || !NAME.test(owner) || !NAME.test(repo)) return undefined;
  return { owner, repo: repo.replace(/\.git$/i, "") };
}

/** GitHub repositories, read through the REST API: `https://github.com/<owner>/<repo>` or `github:<owner>/<repo>`. */
export const githubSource: ToolSource = {
  id: "github",

  matches(spec) {
    return /^github:/i.test(spec) || parseSpec(spec) !== undefined;
  },

  async fetchTool(spec, context) {
    const name = parseSpec(spec);
    if (!name) throw new InputError({ file: spec }, "expected github:<owner>/<repo> or https://github.com/<owner>/<repo>");
    const api = `${baseUrl(context.settings.githubApiUrl)}/repos/${encodeURIComponent(name.owner)}/${encodeURIComponent(name.repo)}`;
    const get = async (url: string): Promise<HttpResponse> => {
      const response = await requestFor(spec, context, url, { accept: "application/vnd.github+json", headers: headers(context), trusted: true });
      checkRateLimit(spec, response, context);
      return response;
    };

    const repositoryResponse = await get(api);
    if (repositoryResponse.status === 404) throw new InputError({ file: spec }, "no such repository on GitHub");
    if (!isSuccess(repositoryResponse)) throw unexpectedStatus(spec, "GitHub", repositoryResponse);
    const repository = parseAnswer(spec, "GitHub", repositoryResponse, repositorySchema);

    const [readmeResponse, releaseResponse] = await Promise.all([get(`${api}/readme`), get(`${api}/releases/latest`)]);
    const readme = optionalAnswer(spec, readmeResponse, readmeSchema);
    const release = optionalAnswer(spec, releaseResponse, releaseSchema);

    const readmeText = readme ? decodeReadme(readme) : "";
    const description = cutDescription(readmeText, context.maxDescriptionChars) || cutDescription(repository.description ?? "", context.maxDescriptionChars);
    if (!description) throw new InputError({ file: spec }, "has no description or README");

    const licence = licenceOf(repository.license);
    const facts = new FactList(context);
    facts.add("Licence", licence ?? "none stated", api);
    facts.add("Stars", formatCount(repository.stargazers_count), api);
    facts.add("Forks", formatCount(repository.forks_count), api);
    facts.add("Open issues", formatCount(repository.open_issues_count), api);
    facts.add("Last push", dayOf(repository.pushed_at), api);
    if (release) facts.add("Latest release", [release.tag_name, dayOf(release.published_at)].filter(Boolean).join(", "), `${api}/releases/latest`);
    if (repository.archived) facts.add("Archived", "yes", api);

    const tagline = oneLine(repository.description);
    const category = oneLine(repository.topics?.[0]);
    const tool: Tool = { name: repository.name, url: repository.html_url, community: null, description, facts: facts.facts, source: { file: spec } };
    if (tagline) tool.tagline = tagline;
    if (category) tool.category = category;
    if (licence && isOpenSourceLicence(licence)) tool.pricing = "Open source";
    return tool;
  },
};

function headers(context: SourceContext): Record<string, string> {
  const result: Record<string, string> = { "X-GitHub-Api-Version": "2022-11-28" };
  if (context.settings.githubToken) result["Authorization"] = `Bearer ${context.settings.githubToken}`;
  return result;
}

/**
 * GitHub answers 403 (primary limit) or 429 (secondary) with `x-ratelimit-remaining: 0` when the
 * hourly allowance is gone: 60 requests unauthenticated, 5,000 with a token.
 */
function checkRateLimit(spec: string, response: HttpResponse, context: SourceContext): void {
  if ((response.status !== 403 && response.status !== 429) || response.headers["x-ratelimit-remaining"] !== "0") return;
  const reset = Number(response.headers["x-ratelimit-reset"]);
  const until = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
  const advice = context.settings.githubToken ? "" : "; set GITHUB_TOKEN to raise it";
  throw new InputError({ file: spec }, `GitHub's rate limit is used up${until}${advice}`);
}

/** A README or a latest release: a 404 means the repository has none. */
function optionalAnswer<Schema extends z.ZodType>(spec: string, response: HttpResponse, schema: Schema): z.infer<Schema> | undefined {
  if (response.status === 404) return undefined;
  if (!isSuccess(response)) throw unexpectedStatus(spec, "GitHub", response);
  return parseAnswer(spec, "GitHub", response, schema);
}

function decodeReadme(readme: z.infer<typeof readmeSchema>): string {
  return readme.encoding === "base64" || readme.encoding == null ? Buffer.from(readme.content, "base64").toString("utf8") : readme.content;
}

/** GitHub says NOASSERTION when it found a licence file it could not classify; its name ("Other") says that better. */
function licenceOf(license: z.infer<typeof repositorySchema>["license"]): string | undefined {
  if (!license) return undefined;
  if (license.spdx_id && license.spdx_id !== "NOASSERTION") return license.spdx_id;
  return oneLine(license.name);
}
