import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors/input-error.js";
import { parseFeed } from "../../src/feeds/parse-feed.js";
import { htmlToText } from "../../src/feeds/html-to-text.js";
import { readFeedSource } from "../../src/feeds/read-feed-source.js";
import { toolIdentity, toolSlug } from "../../src/tools/tool-identity.js";
import { closedPort } from "../support/closed-port.js";

async function feed(path: string) {
  return parseFeed(path, (await readFeedSource(path)).text);
}

describe("real feeds", () => {
  test("Product Hunt Atom: 74 launches, 'Name - tagline' titles split, HTML stripped", async () => {
    const parsed = await feed("fixtures/feeds/producthunt-featured.atom");
    expect(parsed.kind).toBe("atom");
    expect(parsed.title).toBe("Product Hunt - Featured");
    expect(parsed.tools).toHaveLength(74);
    const first = parsed.tools[0]!;
    expect(first.name).toBe("Tribe Check");
    expect(first.tagline).toBe("Miss a scheduled check-in? Automatic alerts to your tribe");
    expect(first.url).toMatch(/^https:\/\/www\.producthunt\.com\/posts\/tribe-check\?/);
    expect(first.description).toContain("Miss a scheduled check-in? Automatic alerts to your tribe");
    for (const tool of parsed.tools) {
      expect(tool.description).not.toMatch(/<[a-z/][^>]*>/i);
      expect(tool.description).not.toContain("&lt;");
      expect(tool.name.length).toBeGreaterThan(0);
    }
  });

  test("GitHub releases Atom: relative links resolve against the feed's own link", async () => {
    const parsed = await feed("fixtures/feeds/github-releases-gulp.atom");
    expect(parsed.tools).toHaveLength(10);
    expect(parsed.tools[0]).toMatchObject({ name: "v3.9.0", url: "https://github.com/gulpjs/gulp/releases/tag/v3.9.0", description: "3.9.0" });
  });

  test("Hacker News RSS 2.0 in ISO-8859-1: 30 items with titles and links", async () => {
    const parsed = await feed("fixtures/feeds/hackernews-frontpage-2012.rss");
    expect(parsed.kind).toBe("rss");
    expect(parsed.tools).toHaveLength(30);
    expect(parsed.tools[0]).toMatchObject({ name: "The Most Revealing Job Interview Question", url: "http://refer.ly/blog/most-revealing-interview-question/", description: "Comments" });
    expect(parsed.tools[2]!.name).toBe("How to Sniff Out Online Fakers");
  });

  test("JSON Feed: content_html to text without script, tags as category", async () => {
    const parsed = await feed("fixtures/feeds/tools.feed.json");
    expect(parsed.kind).toBe("json-feed");
    expect(parsed.tools[0]).toMatchObject({
      name: "Quickbase Lite",
      tagline: "A spreadsheet that thinks it is a database",
      category: "Productivity, No-code",
      description: "Rows, relations & forms.\nFree for 3 users.",
    });
    expect(parsed.tools[1]).toMatchObject({ name: "PagerBot", description: "On-call rotations in Slack." });
  });

  test("a feed over HTTP is fetched and parsed", async () => {
    const { text: body } = await readFeedSource("fixtures/feeds/github-releases-gulp.atom");
    const server = createServer((_request, response) => response.writeHead(200, { "content-type": "application/atom+xml" }).end(body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases.atom`;
      expect((await feed(url)).tools).toHaveLength(10);
    } finally {
      server.close();
    }
  });
});

describe("hostile and broken feeds", () => {
  test("entity declarations are refused (no XML bombs)", () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss><channel><item><title>&lol2;</title></item></channel></rss>';
    expect(() => parseFeed("bomb.xml", bomb)).toThrow("bomb.xml: feed declares XML entities; refused");
  });
  test("not a feed, and broken XML, name the source", () => {
    expect(() => parseFeed("page.xml", "<html><body>hi</body></html>")).toThrow(new InputError({ file: "page.xml", line: 1 }, "not an RSS, Atom or JSON Feed document (it is an HTML page)"));
    expect(() => parseFeed("bad.xml", "<rss><channel><item><title>x</channel></rss>")).toThrow("bad.xml:1: broken XML: </channel> where </title> was expected (<title> opened on line 1)");
  });
  test("html to text: tags, entities, scripts and styles", () => {
    expect(htmlToText('<p>A &amp; B</p><style>p{}</style><script>x()</script><ul><li>one</li><li>two</li></ul><img src=x onerror=alert(1)>')).toBe("A & B\none\ntwo");
  });
});

describe("character references are decoded in every field", () => {
  test("the real Hacker News feed: names and slugs keep no &# and no 8220", async () => {
    const parsed = await feed("fixtures/feeds/hackernews-frontpage-2012.rss");
    const names = parsed.tools.map((tool) => tool.name);
    expect(names).toContain("“I am calling you from Windows”: A tech support scammer");
    expect(names).toContain("So, You Don’t Have Any Disabled Users?");
    for (const tool of parsed.tools) {
      const slug = toolSlug(tool, toolIdentity(tool));
      expect(`${tool.name} ${tool.description} ${slug}`).not.toMatch(/&#|8220|8217/);
    }
    const scammer = parsed.tools.find((tool) => tool.name.startsWith("“I am"))!;
    expect(toolSlug(scammer, toolIdentity(scammer))).toMatch(/^i-am-calling-you-from-windows-a-tech-support-scammer-[0-9a-f]{6}$/);
  });

  test("RSS: numeric, hex and named references, also escaped twice, in title, link and category", () => {
    const rss =
      "<rss><channel><title>Caf&amp;eacute; &#8220;launches&#8221;</title><item>" +
      "<title>&amp;#8220;Quill&amp;#8221; &#x2013; notes for AT&amp;T &amp;eacute;quipes</title>" +
      "<link>https://quill.example/?a=1&amp;copy=2&amp;b=&#38;</link>" +
      "<category>R&amp;amp;D</category><description>&lt;p&gt;Write &amp;amp; share &amp;#8212; fast&lt;/p&gt;</description>" +
      "</item></channel></rss>";
    const parsed = parseFeed("refs.rss", rss);
    expect(parsed.title).toBe("Café “launches”");
    expect(parsed.tools[0]).toMatchObject({
      name: "“Quill”",
      tagline: "notes for AT&T équipes",
      url: "https://quill.example/?a=1&copy=2&b=&",
      category: "R&D",
      description: "Write & share — fast",
    });
  });

  test("Atom: plain and type=\"html\" titles, category labels", () => {
    const atom =
      '<feed><title>Releases &#8211; all</title><entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; &amp;#8220;brave&amp;#8221;</title>' +
      '<link href="https://e.example/1?x=1&amp;y=2"/><category term="t" label="Dev&amp;#8217;s tools"/><summary>Fast &amp;hellip;</summary></entry>' +
      "<entry><title>Plain &amp;lt;b&amp;gt; is text</title><link href=\"https://e.example/2\"/></entry></feed>";
    const parsed = parseFeed("refs.atom", atom);
    expect(parsed.title).toBe("Releases – all");
    expect(parsed.tools[0]).toMatchObject({ name: "Bold & “brave”", url: "https://e.example/1?x=1&y=2", category: "Dev’s tools", description: "Fast …" });
    expect(parsed.tools[1]!.name).toBe("Plain <b> is text");
  });

  test("JSON Feed: title, url, tags and summary", () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      title: "Caf&eacute;",
      items: [
        { title: "&#8220;Pager&#8221; &#x2014; on call", url: "https://p.example/?a=1&amp;b=2", tags: ["Ops &amp; SRE"], summary: "Rotations &amp; alerts" },
        { title: "Twice", content_html: "<p>&amp;#8220;Escaped&amp;#8221; twice &amp;amp; more</p>" },
      ],
    });
    const parsed = parseFeed("refs.feed.json", json);
    expect(parsed.title).toBe("Café");
    expect(parsed.tools[0]).toMatchObject({ name: "“Pager”", tagline: "on call", url: "https://p.example/?a=1&b=2", category: "Ops & SRE", description: "Rotations & alerts" });
    expect(parsed.tools[1]!.description).toBe("“Escaped” twice & more");
  });
});

describe("every feed problem is one line in Panelist's words", () => {
  test.each([
    { file: "fixtures/feeds/empty.atom", error: "fixtures/feeds/empty.atom: the feed is empty" },
    { file: "fixtures/feeds/truncated.rss", error: "fixtures/feeds/truncated.rss:35: broken XML: the document ends inside <description> (is the file cut short?)" },
    { file: "fixtures/feeds/web-page.rss", error: "fixtures/feeds/web-page.rss:2: not an RSS, Atom or JSON Feed document (it is an HTML page)" },
    { file: "fixtures/feeds/not-a-feed.feed.json", error: 'fixtures/feeds/not-a-feed.feed.json:1: not an RSS, Atom or JSON Feed document (JSON without "version": "https://jsonfeed.org/version/1.1")' },
  ])("$file", async ({ file, error }) => {
    await expect(feed(file)).rejects.toThrow(InputError);
    await expect(feed(file)).rejects.toThrow(error);
  });

  test.each([
    { name: "only white space", text: " \n\t\n", error: "f.xml: the feed is empty" },
    { name: "plain text", text: "hello world", error: "f.xml:1: not an RSS, Atom or JSON Feed document" },
    { name: "another XML document", text: '<?xml version="1.0"?>\n<note>x</note>', error: "f.xml:2: not an RSS, Atom or JSON Feed document (its top element is <note>)" },
    { name: "RSS 1.0", text: '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', error: "f.xml:1: RSS 1.0 (RDF) feeds are not supported: use the site's RSS 2.0, Atom or JSON Feed" },
    { name: "an <rss> without a channel", text: "<rss version=\"2.0\"></rss>", error: "f.xml:1: the <rss> element has no <channel>" },
    { name: "a document cut after its first tag", text: "<rss>", error: "f.xml:1: broken XML: the document ends inside <rss> (is the file cut short?)" },
    { name: "a tag closed by the wrong end tag", text: "<rss><channel>\n<item><title>x</item></channel></rss>", error: "f.xml:2: broken XML: </item> where </title> was expected (<title> opened on line 2)" },
    { name: "a stray end tag", text: "<feed></feed>\n</entry>", error: "f.xml:2: broken XML: </entry> closes an element that was never opened" },
    { name: "a bare ampersand", text: "<rss><channel><title>A & B</title></channel></rss>", error: "f.xml:1: broken XML: a bare '&' (write it as &amp;)" },
    { name: "two top-level elements", text: "<rss><channel/></rss>\n<rss><channel/></rss>", error: "f.xml:2: broken XML: more than one top-level element" },
    { name: "a repeated attribute", text: '<feed><link href="a" href="b"/></feed>', error: "f.xml:1: broken XML: malformed attribute 'href'" },
    { name: "an element name that would pollute prototypes", text: "<rss><channel><item><__proto__>x</__proto__></item></channel></rss>", error: 'f.xml: an element or attribute named "__proto__" is not allowed' },
    { name: "nesting past the parser's limit", text: `<rss><channel>${"<a>".repeat(2000)}${"</a>".repeat(2000)}</channel></rss>`, error: "f.xml: elements nested too deeply" },
    { name: "JSON cut short", text: '{"version": "https://jsonfeed.org/version/1.1",\n"items": [', error: "f.xml:2: invalid JSON: the JSON ends too early (is the file cut short?)" },
    { name: "broken JSON", text: '{"version": 1,}', error: "f.xml:1: invalid JSON: expected double-quoted property name" },
    { name: "JSON with a stray token", text: '{"version": NaN}', error: "f.xml: invalid JSON: unexpected 'N'" },
    { name: "a JSON array", text: "[1, 2]", error: 'f.xml:1: not an RSS, Atom or JSON Feed document (JSON without "version": "https://jsonfeed.org/version/1.1")' },
    { name: "blank lines before the document still count", text: "\n\n<?xml version=\"1.0\"?>\n<rss>\n<channel>", error: "f.xml:5: broken XML: the document ends inside <channel> (is the file cut short?)" },
    { name: "blank lines before JSON still count", text: "\n\n[1]", error: 'f.xml:3: not an RSS, Atom or JSON Feed document (JSON without "version": "https://jsonfeed.org/version/1.1")' },
    { name: "JSON Feed items that are not a list", text: '{"version": "https://jsonfeed.org/version/1.1", "items": {"title": "x"}}', error: "f.xml: items: expected a list of items" },
  ])("$name", ({ text, error }) => {
    expect(() => parseFeed("f.xml", text)).toThrow(InputError);
    expect(() => parseFeed("f.xml", text)).toThrow(error);
    try {
      parseFeed("f.xml", text);
    } catch (thrown) {
      expect((thrown as Error).message).toBe(error);
      expect((thrown as Error).message).not.toMatch(/undefined|\[\s*"|:\d+:\d+|SECURITY/);
    }
  });

  test("a feed with no items is a warning and no tools, not an error", async () => {
    const parsed = await feed("fixtures/feeds/no-items.rss");
    expect(parsed).toEqual({ kind: "rss", title: "Quiet day", tools: [], warnings: ["fixtures/feeds/no-items.rss: the feed has no items"] });
    expect(parseFeed("e.atom", "<feed><title>t</title></feed>").warnings).toEqual(["e.atom: the feed has no items"]);
    expect(parseFeed("e.json", '{"version": "https://jsonfeed.org/version/1.1", "items": []}').warnings).toEqual(["e.json: the feed has no items"]);
  });

  test("items that are not items are skipped with a warning", () => {
    const parsed = parseFeed("odd.json", JSON.stringify({ version: "https://jsonfeed.org/version/1.1", items: [null, 3, "x", { title: "Real", url: "https://r.example/" }] }));
    expect(parsed.tools.map((tool) => tool.name)).toEqual(["Real"]);
    expect(parsed.warnings).toEqual(["odd.json: item 1: empty or not an item, skipped", "odd.json: item 2: empty or not an item, skipped", "odd.json: item 3: empty or not an item, skipped"]);
  });
});

describe("feed bytes", () => {
  test("a feed that is not UTF-8 and says nothing is read as Latin-1, with a warning", async () => {
    const source = await readFeedSource("fixtures/feeds/latin1-undeclared.rss");
    expect(source.warnings).toEqual(["fixtures/feeds/latin1-undeclared.rss:2: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)"]);
    const parsed = parseFeed("fixtures/feeds/latin1-undeclared.rss", source.text);
    expect(parsed.title).toBe("Café launches");
    expect(parsed.tools[0]!.name).toBe("Crème à la carte");
  });

  test("a feed that declares ISO-8859-1 is read so, without a warning", async () => {
    expect((await readFeedSource("fixtures/feeds/hackernews-frontpage-2012.rss")).warnings).toEqual([]);
  });

  test("an HTTP charset is honoured when the document declares none", async () => {
    const body = Buffer.from('<rss><channel><item><title>Caf\xe9</title><link>https://c.example/</link></item></channel></rss>', "latin1");
    const server = createServer((_request, response) => response.writeHead(200, { "content-type": "application/rss+xml; charset=ISO-8859-1" }).end(body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.rss`;
      const source = await readFeedSource(url);
      expect(source.warnings).toEqual([]);
      expect(parseFeed(url, source.text).tools[0]!.name).toBe("Café");
    } finally {
      server.close();
    }
  });
});

describe("feeds that cannot be fetched", () => {
  test("a refused connection names the reason, not 'fetch failed'", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/feed.rss`;
    await expect(readFeedSource(url)).rejects.toThrow(`${url}: cannot fetch feed: ECONNREFUSED`);
  });

  test("a server that never answers times out with the limit in seconds", async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.rss`;
      await expect(readFeedSource(url, 200)).rejects.toThrow(`${url}: cannot fetch feed: no answer within 0.2 s`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

