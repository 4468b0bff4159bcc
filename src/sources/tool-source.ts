import type { Tool } from "../tools/tool.js";

/** A response as a source reads it: the final URL after redirects, status, headers, and the body as text. */
export interface HttpResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  /** Response headers, names lower-cased. */
  headers: Readonly<Record<string, string>>;
  /** The body as text, cut at the size cap. */
  text: string;
  /** True when the body was longer than the cap and was cut. */
  truncated: boolean;
  /** True when the store's copy was still good (a 304 on revalidation): no body was read. */
  fromCache: boolean;
}

/** Options of one GET. */
export interface HttpRequestOptions {
  /** The Accept header. */
  accept?: string;
  /** Extra request headers (an Authorization for GITHUB_TOKEN / HF_TOKEN). */
  headers?: Readonly<Record<string, string>>;
  /**
   * A base URL the user set in a variable (GITHUB_API_URL, npm_config_registry, HF_ENDPOINT): its
   * host is trusted even on a private address. URLs from feeds and command lines never are.
   */
  trusted?: boolean;
  /** Size cap for this response in bytes; default 2 MB. */
  maxBytes?: number;
}

/**
 * The one way sources reach the network: a clear User-Agent, connect and total timeouts, at most 5
 * redirects, http(s) only, a size cap, private addresses refused (after DNS, on every redirect),
 * and ETag / Last-Modified revalidation against the store. A status other than 2xx or 304 is
 * returned, not thrown; a refused address, a timeout or a connection failure is a SourceFetchError.
 */
export interface HttpClient {
  get(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}

/** Where the sources' APIs are, and the tokens that raise their limits; resolved from the environment by the CLI. */
export interface SourceSettings {
  /** GitHub's REST API (`GITHUB_API_URL`, default https://api.github.com). */
  githubApiUrl: string;
  githubToken?: string;
  /** The npm registry (`npm_config_registry`, default https://registry.npmjs.org). */
  npmRegistry: string;
  /** npm's downloads API (default https://api.npmjs.org). */
  npmDownloadsUrl: string;
  /** PyPI (default https://pypi.org). */
  pypiUrl: string;
  /** The Hugging Face Hub (`HF_ENDPOINT`, default https://huggingface.co). */
  huggingFaceUrl: string;
  huggingFaceToken?: string;
}

/** What a source is given: the HTTP client, where the APIs are, and the description limit. */
export interface SourceContext {
  http: HttpClient;
  settings: SourceSettings;
  /** Descriptions (a README, a model card, a page's text) are cut to this many characters. */
  maxDescriptionChars: number;
  /** The time facts are stamped with (tests fix it). */
  now?: () => Date;
}

/**
 * One place tools live (GitHub, npm, PyPI, the Hub, any page): it recognises its specs and turns
 * one into a tool with facts. A spec it cannot read (not found, unreachable, a refused address)
 * throws an InputError naming the spec as the file, so the run skips that tool with one line.
 */
export interface ToolSource {
  /** `github`, `npm`, `pypi`, `huggingface`, `page`. */
  id: string;
  /** Whether this source reads the spec (`npm:pkg`, a github.com URL…). */
  matches(spec: string): boolean;
  /** The tool, with `facts`, its URL, and `source.file` set to the spec. */
  fetchTool(spec: string, context: SourceContext): Promise<Tool>;
}
