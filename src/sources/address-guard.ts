import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { SourceFetchError } from "./source-fetch-error.js";

/** Resolves a host name to every address it has (as `dns.promises.lookup(host, { all: true })`). */
export type HostLookup = (host: string) => Promise<readonly { address: string }[]>;

/** Options of {@link assertPublicHost}. */
export interface AddressGuardOptions {
  /**
   * `--allow-private-hosts`: loopback, private (RFC 1918, fc00::/7) and carrier-grade NAT
   * addresses are allowed. Every other non-unicast address stays refused (see {@link describeRefusal}).
   */
  allowPrivate: boolean;
  /** The resolver; default `dns.promises.lookup`. Tests pass one that answers without DNS. */
  lookup?: HostLookup;
}

/**
 * The ipaddr.js ranges `--allow-private-hosts` opens: networks a user may run their own registry or
 * wiki on. Link-local (169.254/16, fe80::/10) is not among them: it holds the cloud metadata
 * service (169.254.169.254), whose answers include credentials, and no tool is published there.
 */
const PRIVATE_RANGES = new Set(["loopback", "private", "uniqueLocal", "carrierGradeNat"]);

/** Words for the ranges a user is likely to meet; any other is named by its ipaddr.js range. */
const RANGE_WORDS: Readonly<Record<string, string>> = {
  loopback: "a loopback address",
  private: "a private address",
  uniqueLocal: "a private (unique local) address",
  carrierGradeNat: "a carrier-grade NAT address",
  linkLocal: "a link-local address",
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
};

/**
 * Refuses a URL whose host is, or resolves to, any address that is not public unicast: one bad
 * address among several is enough, since the connection may use any of them. Refused, by
 * ipaddr.js `range()`: loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16), unique local
 * (fc00::/7), carrier-grade NAT (100.64/10), link-local (169.254/16 with the cloud metadata
 * address, fe80::/10), unspecified (0/8, ::), broadcast, multicast, reserved and documentation
 * ranges (192.0.2/24, 240/4…), and the rest ipaddr.js names (as112, amt, benchmarking, orchid2…).
 * An IPv6 address that carries an IPv4 one (::ffff:a.b.c.d, 64:ff9b::a.b.c.d NAT64, ::ffff:0:a.b.c.d,
 * 2002::/16 6to4) is judged by the IPv4 address; Teredo (2001::/32) is refused.
 *
 * Throws a SourceFetchError: kind `refused` for a refused address, `connection` for a host that
 * does not resolve. The check happens before the request; fetch resolves the name again, so a DNS
 * server that answers differently the second time (rebinding) is not caught here.
 */
export async function assertPublicHost(url: URL, options: AddressGuardOptions): Promise<void> {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: readonly string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = (await (options.lookup ?? defaultLookup)(host)).map((entry) => entry.address);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const problem = code === "ENOTFOUND" || code === "ENODATA" ? `no such host (${host})` : `cannot resolve ${host} (${code ?? String(error)})`;
      throw new SourceFetchError(url.href, "connection", problem, { cause: error });
    }
    if (addresses.length === 0) throw new SourceFetchError(url.href, "connection", `no such host (${host})`);
  }
  for (const address of addresses) {
    const refusal = describeRefusal(address, options.allowPrivate);
    if (refusal === undefined) continue;
    const subject = address === host ? address : `${host} resolves to ${address}, which`;
    throw new SourceFetchError(url.href, "refused", `refused: ${subject} is ${refusal}`);
  }
}

/** Why an IP address is refused, in words, or undefined when it may be fetched. */
export function describeRefusal(address: string, allowPrivate: boolean): string | undefined {
  const range = rangeOf(ipaddr.parse(address));
  if (range === "unicast") return undefined;
  if (PRIVATE_RANGES.has(range)) return allowPrivate ? undefined : `${RANGE_WORDS[range]} (pass --allow-private-hosts to allow it)`;
  return `${RANGE_WORDS[range] ?? `a reserved address (${range})`}; never fetched`;
}

/** The ipaddr.js range of an address, an IPv6 one that embeds an IPv4 address judged by that address. */
function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (address.kind() === "ipv4") return address.range();
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const bytes = v6.toByteArray();
  // ::ffff:a.b.c.d, ::ffff:0:a.b.c.d and 64:ff9b::a.b.c.d reach the IPv4 address in their last 32 bits.
  if (range === "ipv4Mapped" || range === "rfc6145" || (range === "rfc6052" && v6.match(ipaddr.IPv6.parse("64:ff9b::"), 96))) {
    return new ipaddr.IPv4(bytes.slice(12)).range();
  }
  if (range === "6to4") return new ipaddr.IPv4(bytes.slice(2, 6)).range();
  return range;
}

const defaultLookup: HostLookup = (host) => lookup(host, { all: true });
