import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import type { Tool } from "../tools/tool.js";
import { FactList } from "./fact-list.js";
import { formatCount, formatShortCount } from "./format-count.js";
import { isOpenSourceLicence } from "./open-source-licences.js";
import { baseUrl, isSuccess, parseAnswer, requestFor, unexpectedStatus } from "./source-request.js";
import { httpUrl, pathSegments } from "./source-spec.js";
import { cutDescription, dayOf, oneLine } from "./source-text.js";
import type { SourceContext, ToolSource } from "./tool-source.js";

/** `"MIT"`, or the legacy `{ "type": "MIT", "url": … }`. */
const licenceSchema = z.union([z.string(), z.object({ type: z.string().nullish() })]).nullish();
/** `"github:user/repo"`, a URL, or `{ "type": "git", "url": … }`. */
const repositorySchema = z.union([z.string(), z.object({ url: z.string().nullish() })]).nullish();

/** The fields of one version's manifest (in the package document's `versions`, or `/<name>/latest`). */
const manifestSchema = z.object({
  name: z.string().nullish(),
  version: z.string().nullish(),
  description: z.string().nullish(),
  license: licenceSchema,
  homepage: z.string().nullish(),
  repository: repositorySchema,
  maintainers: z.array(z.unknown()).nullish(),
  // The registry sets `deprecated` to the author's message; `false` appears in some old manifests.
  deprecated: z.union([z.string(), z.boolean()]).nullish(),
  readme: z.string().nullish(),
});

/** The fields of the package document (packument) that a review uses. */
const packumentSchema = manifestSchema.extend({
  name: z.string(),
  "dist-tags": z.record(z.string(), z.string()).nullish(),
  versions: z.record(z.string(), z.unknown()).nullish(),
  time: z.record(z.string(), z.string()).nullish(),
});

const downloadsSchema = z.object({ downloads: z.number() });

/** Package documents of packages with thousands of versions run to tens of MB; past this, the latest manifest is read instead. */
const PACKUMENT_MAX_BYTES = 16 * 1024 * 1024;

const NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/i;

/** What a review needs from a package, from either the package document or the latest manifest. */
interface PackageView {
  name: string;
  manifest: z.infer<typeof manifestSchema>;
  version: string | undefined;
  publishedAt: string | undefined;
  readme: string | undefined;
  source: string;
}

function parseSpec(spec: string): string | undefined {
  let name: string | undefined;
  if (/^npm:/i.test(spec)) name = spec.slice("npm:".length);
  else {
    const url = httpUrl(spec);
    if (!url || !/^(www\.)?npmjs\.com$/i.test(url.hostname)) return undefined;
    const segments = pathSegments(url);
    if (!segments || segments[0] !== "package") return undefined;
    name = segments[1]?.startsWith("@") ? segments.slice(1, 3).join("/") : segments[1];
  }
  return name && NAME.test(name) ? name : undefined;
}

/** npm packages, read from the registry and the downloads API: `npm:<name>`, `npm:@scope/name`, `https://www.npmjs.com/package/<name>`. */
export const npmSource: ToolSource = {
  id: "npm",

  matches(spec) {
    return /^npm:/i.test(spec) || parseSpec(spec) !== undefined;
  },

  async fetchTool(spec, context) {
    const name = parseSpec(spec);
    if (!name) throw new InputError({ file: spec }, "expected npm:<name>, npm:@scope/name or https://www.npmjs.com/package/<name>");
    const [view, weekly] = await Promise.all([readPackage(spec, name, context), weeklyDownloads(spec, name, context)]);
    const { manifest } = view;

    const description = cutDescription(view.readme ?? "", context.maxDescriptionChars) || cutDescription(manifest.description ?? "", context.maxDescriptionChars);
    if (!description) throw new InputError({ file: spec }, "has no description or README");

    const licence = licenceOf(manifest.license);
    const repository = repositoryUrl(manifest.repository);
    const facts = new FactList(context);
    facts.add("Licence", licence ?? "none stated", view.source);
    facts.add("Latest version", [view.version, dayOf(view.publishedAt)].filter(Boolean).join(", "), view.source);
    if (weekly) facts.add("Weekly downloads", `${formatShortCount(weekly.downloads)}/week`, weekly.source);
    facts.add("Repository", repository, view.source);
    if (manifest.maintainers) facts.add("Maintainers", formatCount(manifest.maintainers.length), view.source);
    if (manifest.deprecated) facts.add("Deprecated", manifest.deprecated === true ? "yes" : (oneLine(manifest.deprecated) ?? "yes"), view.source);

    const tagline = oneLine(manifest.description);
    const homepage = oneLine(manifest.homepage);
    const tool: Tool = {
      name: view.name,
      url: homepage && httpUrl(homepage) ? homepage : `https://www.npmjs.com/package/${view.name}`,
      community: null,
      description,
      facts: facts.facts,
      source: { file: spec },
    };
    if (tagline) tool.tagline = tagline;
    if (licence && isOpenSourceLicence(licence)) tool.pricing = "Open source";
    return tool;
  },
};

async function readPackage(spec: string, name: string, context: SourceContext): Promise<PackageView> {
  // The registry takes a scoped name with its slash encoded: `@scope%2Fname`.
  const documentUrl = `${baseUrl(context.settings.npmRegistry)}/${name.replace("/", "%2F")}`;
  const response = await requestFor(spec, context, documentUrl, { accept: "application/json", trusted: true, maxBytes: PACKUMENT_MAX_BYTES });
  if (response.status === 404) throw new InputError({ file: spec }, "not found in the npm registry");
  if (!isSuccess(response)) throw unexpectedStatus(spec, "The npm registry", response);
  if (response.truncated) return readLatestManifest(spec, name, documentUrl, context);

  const packument = parseAnswer(spec, "The npm registry", response, packumentSchema);
  const version = packument["dist-tags"]?.["latest"];
  const latest = version === undefined ? undefined : manifestSchema.safeParse(packument.versions?.[version]);
  // What the latest version says of itself wins over the document's copy; maintainers are the
  // document's, since they are who can publish now, not who did then.
  const manifest = { ...packument, ...(latest?.success ? stripUnset(latest.data) : {}), maintainers: packument.maintainers ?? (latest?.success ? latest.data.maintainers : undefined) };
  return {
    name: packument.name,
    manifest,
    version,
    publishedAt: version === undefined ? undefined : packument.time?.[version],
    readme: usableReadme(packument.readme) ?? usableReadme(latest?.success ? latest.data.readme : undefined),
    source: documentUrl,
  };
}

async function readLatestManifest(spec: string, name: string, documentUrl: string, context: SourceContext): Promise<PackageView> {
  const url = `${documentUrl}/latest`;
  const response = await requestFor(spec, context, url, { accept: "application/json", trusted: true });
  if (!isSuccess(response)) throw unexpectedStatus(spec, "The npm registry", response);
  const manifest = parseAnswer(spec, "The npm registry", response, manifestSchema);
  return { name: manifest.name ?? name, manifest, version: manifest.version ?? undefined, publishedAt: undefined, readme: usableReadme(manifest.readme), source: url };
}

/** Downloads are a fact, not the tool: when the API fails or has no count, the tool is read without it. */
async function weeklyDownloads(spec: string, name: string, context: SourceContext): Promise<{ downloads: number; source: string } | undefined> {
  const url = `${baseUrl(context.settings.npmDownloadsUrl)}/downloads/point/last-week/${name}`;
  try {
    const response = await requestFor(spec, context, url, { accept: "application/json", trusted: true });
    if (!isSuccess(response)) return undefined;
    return { downloads: parseAnswer(spec, "npm's downloads API", response, downloadsSchema).downloads, source: url };
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

function stripUnset<Value extends object>(value: Value): Partial<Value> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined && field !== null && field !== "")) as Partial<Value>;
}

/** The registry stores this placeholder when a package was published without a README. */
function usableReadme(readme: string | null | undefined): string | undefined {
  return readme && readme.trim() !== "" && !/^ERROR: No README data found!?$/.test(readme.trim()) ? readme : undefined;
}

function licenceOf(license: z.infer<typeof licenceSchema>): string | undefined {
  return oneLine(typeof license === "string" ? license : license?.type);
}

/**
 * A repository as a browsable URL: `git+https://github.com/a/b.git`, `git://github.com/a/b`,
 * `git+ssh://git@github.com/a/b.git`, `github:a/b` and `a/b` all become `https://github.com/a/b`.
 */
function repositoryUrl(repository: z.infer<typeof repositorySchema>): string | undefined {
  const raw = oneLine(typeof repository === "string" ? repository : repository?.url);
  if (!raw) return undefined;
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (shorthand) return `https://${shorthand[1] === "gitlab" ? "gitlab.com" : shorthand[1] === "bitbucket" ? "bitbucket.org" : "github.com"}/${shorthand[2]}`;
  const url = raw
    .replace(/^git\+/, "")
    .replace(/^(?:ssh:\/\/)?git@([^:/]+)[:/]/, "https://$1/")
    .replace(/^git:\/\//, "https://")
    .replace(/\.git$/, "");
  return httpUrl(url) ? url : raw;
}
