import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import type { Tool } from "../tools/tool.js";
import { FactList } from "./fact-list.js";
import { formatCount, formatShortCount } from "./format-count.js";
import { isOpenSourceLicence } from "./open-source-licences.js";
import { baseUrl, isSuccess, parseAnswer, requestFor, unexpectedStatus } from "./source-request.js";
import { httpUrl, pathSegments } from "./source-spec.js";
import { cutDescription, dayOf, oneLine, stripFrontMatter } from "./source-text.js";
import type { HttpRequestOptions, SourceContext, ToolSource } from "./tool-source.js";

/** The Hub's `cardData.license` is a string, or a list in a few cards. */
const cardLicenceSchema = z.union([z.string(), z.array(z.string())]).nullish();

/** The fields of `/api/models/{id}` and `/api/spaces/{id}` that a review uses (Spaces have no downloads, task or library). */
const repoSchema = z.object({
  id: z.string(),
  lastModified: z.string().nullish(),
  likes: z.number().nullish(),
  downloads: z.number().nullish(),
  pipeline_tag: z.string().nullish(),
  library_name: z.string().nullish(),
  gated: z.union([z.boolean(), z.string()]).nullish(),
  sdk: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  cardData: z
    .object({
      license: cardLicenceSchema,
      license_name: z.string().nullish(),
      short_description: z.string().nullish(),
      sdk: z.string().nullish(),
    })
    .nullish(),
});

type HubRepo = z.infer<typeof repoSchema>;

/** A model or a Space on the Hub. */
interface HubName {
  kind: "model" | "space";
  /** `owner/name`, or a bare `name` for the few legacy models without an owner. */
  id: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** First path segments of huggingface.co that are pages of the site, not model owners. */
const SITE_PAGES = new Set(["api", "blog", "changelog", "chat", "collections", "datasets", "docs", "enterprise", "inference-endpoints", "join", "learn", "login", "models", "new", "organizations", "papers", "posts", "pricing", "search", "settings", "tasks"]);

function parseSpec(spec: string): HubName | undefined {
  let segments: string[] | undefined;
  if (/^hf:/i.test(spec)) segments = spec.slice("hf:".length).split("/");
  else {
    const url = httpUrl(spec);
    if (!url || !/^(www\.)?huggingface\.co$/i.test(url.hostname)) return undefined;
    segments = pathSegments(url);
    if (!segments || SITE_PAGES.has(segments[0] ?? "")) return undefined;
    // A page under a repository (/tree/main, /blob/main/README.md) is still that repository.
    segments = segments[0] === "spaces" ? segments.slice(0, 3) : segments.slice(0, 2);
    if (segments.length < 2) return undefined;
  }
  const kind = segments[0] === "spaces" ? "space" : "model";
  const parts = kind === "space" ? segments.slice(1) : segments;
  const valid = parts.every((part) => SEGMENT.test(part)) && (kind === "space" ? parts.length === 2 : parts.length === 1 || parts.length === 2);
  if (!valid || SITE_PAGES.has(parts[0] ?? "")) return undefined;
  return { kind, id: parts.join("/") };
}

/** Models and Spaces on the Hugging Face Hub: `hf:<owner>/<name>`, `hf:spaces/<owner>/<name>`, or their huggingface.co URLs. */
export const huggingFaceSource: ToolSource = {
  id: "huggingface",

  matches(spec) {
    return /^hf:/i.test(spec) || parseSpec(spec) !== undefined;
  },

  async fetchTool(spec, context) {
    const name = parseSpec(spec);
    if (!name) throw new InputError({ file: spec }, "expected hf:<owner>/<name> (a model) or hf:spaces/<owner>/<name> (a Space)");
    const hub = baseUrl(context.settings.huggingFaceUrl);
    const options = requestOptions(context);
    const api = `${hub}/api/${name.kind === "space" ? "spaces" : "models"}/${name.id}`;
    const response = await requestFor(spec, context, api, { ...options, accept: "application/json" });
    // The Hub answers 401 for a repository that does not exist as well as for one the token may not read.
    if (response.status === 401 || response.status === 404) throw new InputError({ file: spec }, "not found on the Hugging Face Hub (or gated: set HF_TOKEN)");
    if (!isSuccess(response)) throw unexpectedStatus(spec, "The Hugging Face Hub", response);
    const repo = parseAnswer(spec, "The Hugging Face Hub", response, repoSchema);

    const page = `${hub}/${name.kind === "space" ? "spaces/" : ""}${repo.id}`;
    const card = await readCard(spec, context, `${page}/raw/main/README.md`, options);
    const tagline = oneLine(repo.cardData?.short_description);
    const description = cutDescription(card ?? "", context.maxDescriptionChars) || cutDescription(tagline ?? "", context.maxDescriptionChars);
    if (!description) throw new InputError({ file: spec }, "has no model card or description");

    const licence = licenceOf(repo);
    const facts = new FactList(context);
    facts.add("Licence", licence ?? "none stated", api);
    if (name.kind === "model") {
      if (typeof repo.downloads === "number") facts.add("Downloads", `${formatShortCount(repo.downloads)} last month`, api);
      if (typeof repo.likes === "number") facts.add("Likes", formatCount(repo.likes), api);
      facts.add("Task", oneLine(repo.pipeline_tag), api);
      facts.add("Library", oneLine(repo.library_name), api);
      if (repo.gated) facts.add("Gated", repo.gated === true ? "yes" : `yes (${repo.gated})`, api);
    } else {
      facts.add("SDK", oneLine(repo.sdk ?? repo.cardData?.sdk), api);
      if (typeof repo.likes === "number") facts.add("Likes", formatCount(repo.likes), api);
    }
    facts.add("Last modified", dayOf(repo.lastModified), api);

    const tool: Tool = { name: repo.id.split("/").at(-1) ?? repo.id, url: page, community: null, description, facts: facts.facts, source: { file: spec } };
    if (tagline) tool.tagline = tagline;
    const task = oneLine(repo.pipeline_tag);
    if (task) tool.category = task;
    if (licence && isOpenSourceLicence(licence)) tool.pricing = "Open source";
    return tool;
  },
};

function requestOptions(context: SourceContext): HttpRequestOptions {
  const token = context.settings.huggingFaceToken;
  return token ? { trusted: true, headers: { Authorization: `Bearer ${token}` } } : { trusted: true };
}

/** The model card without its metadata block; none when the repository has no README (or the token may not read it). */
async function readCard(spec: string, context: SourceContext, url: string, options: HttpRequestOptions): Promise<string | undefined> {
  const response = await requestFor(spec, context, url, { ...options, accept: "text/markdown, text/plain" });
  if (response.status === 401 || response.status === 403 || response.status === 404) return undefined;
  if (!isSuccess(response)) throw unexpectedStatus(spec, "The Hugging Face Hub", response);
  return stripFrontMatter(response.text);
}

/** `cardData.license`, its `license_name` when that says "other", else a `license:` tag. */
function licenceOf(repo: HubRepo): string | undefined {
  const card = repo.cardData?.license;
  const fromCard = oneLine(Array.isArray(card) ? card.join(" OR ") : card);
  if (fromCard === "other") return oneLine(repo.cardData?.license_name) ?? fromCard;
  if (fromCard) return fromCard;
  const tag = repo.tags?.find((value) => value.startsWith("license:"));
  return oneLine(tag?.slice("license:".length));
}
