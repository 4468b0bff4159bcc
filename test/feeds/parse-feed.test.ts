import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { parseFeed } from "../../src/feeds/parse-feed.js";
import { htmlToText } from "../../src/feeds/html-to-text.js";
import { readFeedSource } from "../../src/feeds/read-feed-source.js";

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
    expect(() => parseFeed("page.xml", "<html><body>hi</body></html>")).toThrow(/^page\.xml: not a feed/);
    expect(() => parseFeed("bad.xml", "<rss><channel><item><title>x</channel></rss>")).toThrow(/^bad\.xml(:\d+)?: invalid XML/);
  });
  test("html to text: tags, entities, scripts and styles", () => {
    expect(htmlToText('<p>A &amp; B</p><style>p{}</style><script>x()</script><ul><li>one</li><li>two</li></ul><img src=x onerror=alert(1)>')).toBe("A & B\none\ntwo");
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

