import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import type { Tool } from "../tools/tool.js";
import { FactList } from "./fact-list.js";
import { isOpenSourceLicence } from "./open-source-licences.js";
import { baseUrl, isSuccess, parseAnswer, requestFor, unexpectedStatus } from "./source-request.js";
import { httpUrl, pathSegments } from "./source-spec.js";
import { cutDescription, dayOf, oneLine } from "./source-text.js";
import type { ToolSource } from "./tool-source.js";

/** The fields of PyPI's JSON API answer (`/pypi/<name>/json`) that a review uses. */
const projectSchema = z.object({
  info: z.object({
    name: z.string(),
    summary: z.string().nullish(),
    description: z.string().nullish(),
    home_page: z.string().nullish(),
    package_url: z.string().nullish(),
    project_urls: z.record(z.string(), z.string()).nullish(),
    license: z.string().nullish(),
    license_expression: z.string().nullish(),
    classifiers: z.array(z.string()).nullish(),
    version: z.string().nullish(),
    requires_python: z.string().nullish(),
    yanked: z.boolean().nullish(),
  }),
  urls: z.array(z.object({ upload_time_iso_8601: z.string().nullish() })).nullish(),
});

type ProjectInfo = z.infer<typeof projectSchema>["info"];

/** Project names as PyPI allows them (PEP 508). */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

const HOMEPAGE_KEYS = /^(home ?page|home|website)$/i;
const REPOSITORY_KEYS = /^(source|source code|repository|code|github|gitlab)$/i;

function parseSpec(spec: string): string | undefined {
  let name: string | undefined;
  if (/^pypi:/i.test(spec)) name = spec.slice("pypi:".length);
  else {
    const url = httpUrl(spec);
    if (!url || !/^(www\.)?pypi\.org$/i.test(url.hostname)) return undefined;
    const segments = pathSegments(url);
    if (!segments || segments[0] !== "project") return undefined;
    name = segments[1];
  }
  return name && NAME.test(name) ? name : undefined;
}

/** Python packages, read from PyPI's JSON API: `pypi:<name>` or `https://pypi.org/project/<name>`. */
export const pypiSource: ToolSource = {
  id: "pypi",

  matches(spec) {
    return /^pypi:/i.test(spec) || parseSpec(spec) !== undefined;
  },

  async fetchTool(spec, context) {
    const name = parseSpec(spec);
    if (!name) throw new InputError({ file: spec }, "expected pypi:<name> or https://pypi.org/project/<name>");
    const api = `${baseUrl(context.settings.pypiUrl)}/pypi/${name}/json`;
    const response = await requestFor(spec, context, api, { accept: "application/json", trusted: true });
    if (response.status === 404) throw new InputError({ file: spec }, "not found on PyPI");
    if (!isSuccess(response)) throw unexpectedStatus(spec, "PyPI", response);
    const { info, urls } = parseAnswer(spec, "PyPI", response, projectSchema);

    const description = cutDescription(info.description ?? "", context.maxDescriptionChars) || cutDescription(info.summary ?? "", context.maxDescriptionChars);
    if (!description) throw new InputError({ file: spec }, "has no description or README");

    const licence = licenceOf(info);
    const uploaded = urls?.find((file) => file.upload_time_iso_8601)?.upload_time_iso_8601;
    const facts = new FactList(context);
    facts.add("Licence", licence?.label ?? "none stated", api);
    facts.add("Latest version", [oneLine(info.version), dayOf(uploaded)].filter(Boolean).join(", "), api);
    facts.add("Requires Python", oneLine(info.requires_python), api);
    facts.add("Repository", projectUrl(info, REPOSITORY_KEYS), api);
    if (info.yanked) facts.add("Yanked", "yes", api);

    const tagline = oneLine(info.summary);
    const homepage = projectUrl(info, HOMEPAGE_KEYS) ?? webUrl(info.home_page);
    const tool: Tool = {
      name: info.name,
      url: homepage ?? webUrl(info.package_url) ?? `https://pypi.org/project/${info.name}/`,
      community: null,
      description,
      facts: facts.facts,
      source: { file: spec },
    };
    if (tagline) tool.tagline = tagline;
    if (licence?.openSource) tool.pricing = "Open source";
    return tool;
  },
};

/**
 * A project's licence, in the order of how much each field can be trusted: the PEP 639 SPDX
 * expression, then an "OSI Approved" classifier, then the free-text `license` field, which some
 * projects fill with the whole licence text and which is used only when it is short.
 */
function licenceOf(info: ProjectInfo): { label: string; openSource: boolean } | undefined {
  const expression = oneLine(info.license_expression);
  if (expression) return { label: expression, openSource: isOpenSourceLicence(expression) };
  const free = oneLine(info.license);
  const short = free && free.length <= 60 && !/^(unknown|none|other)$/i.test(free) ? free : undefined;
  const classifier = info.classifiers?.find((line) => line.startsWith("License :: "));
  if (classifier) {
    const osi = classifier.startsWith("License :: OSI Approved");
    const named = classifier.split(" :: ").at(-1);
    const label = short ?? (named && named !== "OSI Approved" ? named : undefined);
    if (label) return { label, openSource: osi || isOpenSourceLicence(label) };
  }
  return short ? { label: short, openSource: isOpenSourceLicence(short) } : undefined;
}

function projectUrl(info: ProjectInfo, keys: RegExp): string | undefined {
  const entry = Object.entries(info.project_urls ?? {}).find(([key, value]) => keys.test(key.trim()) && httpUrl(value.trim()));
  return entry?.[1].trim();
}

function webUrl(value: string | null | undefined): string | undefined {
  const url = oneLine(value);
  return url && httpUrl(url) ? url : undefined;
}
