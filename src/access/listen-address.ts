/** Whether an address is this machine only (a bind to it is reachable from nowhere else). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** A host as it goes into a URL or a Host header: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * The Host headers a server bound to `host:port` answers to (against DNS rebinding): the loopback
 * names when it is bound to loopback, its own address otherwise; undefined for a wildcard bind
 * (0.0.0.0, ::), whose names cannot be known (the token, required there, still guards it).
 */
export function allowedHostNames(host: string, port: number): Set<string> | undefined {
  if (host === "0.0.0.0" || host === "::" || host === "[::]") return undefined;
  const bracketed = urlHost(host);
  const names = isLoopbackHost(host) ? ["localhost", "127.0.0.1", "[::1]", bracketed] : [bracketed];
  return new Set(names.flatMap((name) => (port === 80 ? [name.toLowerCase(), `${name.toLowerCase()}:80`] : [`${name.toLowerCase()}:${port}`])));
}
