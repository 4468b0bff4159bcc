import { describe, expect, test } from "vitest";
import { assertPublicHost, describeRefusal, type HostLookup } from "../../src/sources/address-guard.js";
import { SourceFetchError } from "../../src/sources/source-fetch-error.js";

const PRIVATE = "(pass --allow-private-hosts to allow it)";

describe("describeRefusal", () => {
  test.each([
    // address, refusal without --allow-private-hosts, refusal with it
    ["93.184.215.14", undefined, undefined],
    ["2606:4700::6810:85e5", undefined, undefined],
    ["127.0.0.1", `a loopback address ${PRIVATE}`, undefined],
    ["::1", `a loopback address ${PRIVATE}`, undefined],
    ["10.0.0.5", `a private address ${PRIVATE}`, undefined],
    ["172.16.3.4", `a private address ${PRIVATE}`, undefined],
    ["192.168.1.1", `a private address ${PRIVATE}`, undefined],
    ["fd12:3456::1", `a private (unique local) address ${PRIVATE}`, undefined],
    ["100.64.0.1", `a carrier-grade NAT address ${PRIVATE}`, undefined],
    // The cloud metadata service is link-local: refused even with --allow-private-hosts.
    ["169.254.169.254", "a link-local address; never fetched", "a link-local address; never fetched"],
    ["fe80::1", "a link-local address; never fetched", "a link-local address; never fetched"],
    ["0.0.0.0", "the unspecified address; never fetched", "the unspecified address; never fetched"],
    ["::", "the unspecified address; never fetched", "the unspecified address; never fetched"],
    ["255.255.255.255", "the broadcast address; never fetched", "the broadcast address; never fetched"],
    ["224.0.0.1", "a multicast address; never fetched", "a multicast address; never fetched"],
    ["240.0.0.1", "a reserved address (reserved); never fetched", "a reserved address (reserved); never fetched"],
    ["192.0.2.1", "a reserved address (reserved); never fetched", "a reserved address (reserved); never fetched"],
    // IPv6 forms of an IPv4 address are judged by the IPv4 address.
    ["::ffff:127.0.0.1", `a loopback address ${PRIVATE}`, undefined],
    ["::ffff:169.254.169.254", "a link-local address; never fetched", "a link-local address; never fetched"],
    ["::ffff:93.184.215.14", undefined, undefined],
    ["64:ff9b::a00:5", `a private address ${PRIVATE}`, undefined],
    ["64:ff9b::5db8:d70e", undefined, undefined],
    ["2002:a9fe:a9fe::1", "a link-local address; never fetched", "a link-local address; never fetched"],
    ["2001:0:4136:e378::1", "a reserved address (teredo); never fetched", "a reserved address (teredo); never fetched"],
  ])("%s", (address, refused, refusedWhenPrivateAllowed) => {
    expect(describeRefusal(address, false)).toBe(refused);
    expect(describeRefusal(address, true)).toBe(refusedWhenPrivateAllowed);
  });
});

/** A resolver that answers from a table, with no DNS involved. */
const table = (answers: Record<string, string[]>): HostLookup => async (host) => {
  const addresses = answers[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return addresses.map((address) => ({ address }));
};

async function refusal(url: string, allowPrivate = false, lookup?: HostLookup): Promise<SourceFetchError | undefined> {
  try {
    await assertPublicHost(new URL(url), { allowPrivate, ...(lookup ? { lookup } : {}) });
    return undefined;
  } catch (error) {
    if (error instanceof SourceFetchError) return error;
    throw error;
  }
}

describe("assertPublicHost", () => {
  const lookup = table({ "example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"], "sneaky.example": ["93.184.215.14", "10.0.0.5"], "meta.example": ["169.254.169.254"] });

  test("IP literals are checked without DNS, IPv6 brackets and odd IPv4 spellings included", async () => {
    expect((await refusal("http://10.0.0.5/x"))?.message).toBe(`http://10.0.0.5/x: refused: 10.0.0.5 is a private address ${PRIVATE}`);
    expect(await refusal("http://[::1]:8080/")).toMatchObject({ kind: "refused", url: "http://[::1]:8080/", message: `http://[::1]:8080/: refused: ::1 is a loopback address ${PRIVATE}` });
    // WHATWG URL parsing turns 2130706433 and 0x7f.1 into 127.0.0.1 before the guard sees them.
    expect((await refusal("http://2130706433/"))?.kind).toBe("refused");
    expect((await refusal("http://0x7f.1/"))?.kind).toBe("refused");
    expect((await refusal("http://[::ffff:169.254.169.254]/"))?.kind).toBe("refused");
    expect(await refusal("http://93.184.215.14/")).toBeUndefined();
    expect(await refusal("http://10.0.0.5/x", true)).toBeUndefined();
    expect((await refusal("http://169.254.169.254/latest/meta-data/", true))?.message).toBe("http://169.254.169.254/latest/meta-data/: refused: 169.254.169.254 is a link-local address; never fetched");
  });

  test("a host name is refused when any of its addresses is", async () => {
    expect(await refusal("https://example.com/", false, lookup)).toBeUndefined();
    expect((await refusal("https://sneaky.example/a", false, lookup))?.message).toBe(`https://sneaky.example/a: refused: sneaky.example resolves to 10.0.0.5, which is a private address ${PRIVATE}`);
    expect(await refusal("https://sneaky.example/a", true, lookup)).toBeUndefined();
    expect((await refusal("https://meta.example/", true, lookup))?.kind).toBe("refused");
    expect(await refusal("https://nowhere.example/", false, lookup)).toMatchObject({ kind: "connection", message: "https://nowhere.example/: no such host (nowhere.example)" });
  });

  test("localhost, through the system resolver, is loopback", async () => {
    expect(await refusal("http://localhost:3000/")).toMatchObject({ kind: "refused" });
    expect((await refusal("http://localhost:3000/"))?.message).toMatch(/^http:\/\/localhost:3000\/: refused: localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/);
  });
});
