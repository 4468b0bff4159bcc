/** A spec as an http(s) URL, or undefined when it is not one. @internal */
export function httpUrl(spec: string): URL | undefined {
  if (!/^https?:\/\//i.test(spec)) return undefined;
  try {
    return new URL(spec);
  } catch {
    return undefined;
  }
}

/** The path segments of a URL, percent-decoded (`%40scope` is `@scope`); undefined when one does not decode. @internal */
export function pathSegments(url: URL): string[] | undefined {
  try {
    return url.pathname
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
