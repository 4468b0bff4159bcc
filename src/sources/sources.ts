import { githubSource } from "./github-source.js";
import { huggingFaceSource } from "./huggingface-source.js";
import { npmSource } from "./npm-source.js";
import { pageSource } from "./page-source.js";
import { pypiSource } from "./pypi-source.js";
import { httpUrl } from "./source-spec.js";
import type { ToolSource } from "./tool-source.js";

/** Every source, in the order they are asked whether they read a spec: the most specific first, any page last. */
export const SOURCES: readonly ToolSource[] = [githubSource, npmSource, pypiSource, huggingFaceSource, pageSource];

/** The source that reads a spec, or undefined when none does. */
export function findSource(spec: string): ToolSource | undefined {
  return SOURCES.find((source) => source.matches(spec));
}

const PREFIXES = /^(npm|pypi|hf|github):/i;
const HOSTS = /^(www\.)?(github\.com|npmjs\.com|pypi\.org|huggingface\.co)$/i;

/**
 * Whether a command-line input names a tool where it lives rather than a file: an `npm:`,
 * `pypi:`, `hf:` or `github:` spec, or an http(s) URL on one of those sites.
 */
export function isSourceSpec(spec: string): boolean {
  if (PREFIXES.test(spec)) return true;
  const url = httpUrl(spec);
  return url !== undefined && HOSTS.test(url.hostname);
}
