import { hostKey } from "./http-client.js";
import type { SourceSettings } from "./tool-source.js";

/**
 * Where the sources' APIs are and the tokens that raise their limits, from environment-style
 * values (the CLI passes the merged .env and environment): `GITHUB_API_URL` (the variable GitHub's
 * own runners set), `GITHUB_TOKEN`, `npm_config_registry`, `HF_ENDPOINT`, `HF_TOKEN`.
 */
export function resolveSourceSettings(env: Readonly<Record<string, string | undefined>>): SourceSettings {
  const value = (name: string): string | undefined => {
    const found = env[name]?.trim();
    return found ? found : undefined;
  };
  const base = (url: string): string => url.replace(/\/+$/, "");
  const githubToken = value("GITHUB_TOKEN");
  const huggingFaceToken = value("HF_TOKEN");
  return {
    githubApiUrl: base(value("GITHUB_API_URL") ?? "https://api.github.com"),
    ...(githubToken ? { githubToken } : {}),
    npmRegistry: base(value("npm_config_registry") ?? value("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org"),
    npmDownloadsUrl: base(value("PANELIST_NPM_DOWNLOADS_URL") ?? "https://api.npmjs.org"),
    pypiUrl: base(value("PANELIST_PYPI_URL") ?? "https://pypi.org"),
    huggingFaceUrl: base(value("HF_ENDPOINT") ?? "https://huggingface.co"),
    ...(huggingFaceToken ? { huggingFaceToken } : {}),
  };
}

/** The hosts of the base URLs a user set (trusted even on a private address), as `host:port`. */
export function trustedHosts(settings: SourceSettings, env: Readonly<Record<string, string | undefined>>): string[] {
  const set = ["GITHUB_API_URL", "npm_config_registry", "NPM_CONFIG_REGISTRY", "PANELIST_NPM_DOWNLOADS_URL", "PANELIST_PYPI_URL", "HF_ENDPOINT"].filter((name) => env[name]?.trim());
  const urls = [settings.githubApiUrl, settings.npmRegistry, settings.npmDownloadsUrl, settings.pypiUrl, settings.huggingFaceUrl];
  const named = new Set(set.map((name) => env[name]!.trim().replace(/\/+$/, "")));
  return urls.filter((url) => named.has(url)).flatMap((url) => {
    try {
      return [hostKey(new URL(url))];
    } catch {
      return [];
    }
  });
}

/** The tokens among the settings: never printed or stored. */
export function sourceSecrets(settings: SourceSettings): string[] {
  return [settings.githubToken, settings.huggingFaceToken].filter((token): token is string => token !== undefined);
}
