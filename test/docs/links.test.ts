import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, test } from "vitest";

// The README is the front door and docs/ the manual behind it: a link that leads nowhere, or to a
// heading that was renamed, loses the reader. Every relative link and image in README.md and
// docs/*.md must name a file that exists and, with a #fragment, a heading in that file.

const markdown = new MarkdownIt();

const pages = ["README.md", ...readdirSync("docs").filter((name) => name.endsWith(".md")).map((name) => join("docs", name))];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const tokens = markdown.parse(readFileSync(file, "utf8"), {});
  tokens.forEach((token, index) => {
    if (token.type !== "heading_open") return;
    const text = (tokens[index + 1]?.children ?? [])
      .filter((child) => child.type === "text" || child.type === "code_inline")
      .map((child) => child.content)
      .join("");
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  });
  return anchors;
}

/** Every link and image target in a Markdown file (code spans and blocks are not links). */
function targetsOf(file: string): string[] {
  const targets: string[] = [];
  const walk = (tokens: ReturnType<typeof markdown.parse>): void => {
    for (const token of tokens) {
      if (token.type === "link_open") targets.push(String(token.attrGet("href") ?? ""));
      if (token.type === "image") targets.push(String(token.attrGet("src") ?? ""));
      if (token.children) walk(token.children);
    }
  };
  walk(markdown.parse(readFileSync(file, "utf8"), {}));
  return targets;
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe("links in README.md and docs/", () => {
  test("the pages are found", () => {
    expect(pages).toContain("README.md");
    expect(pages.length).toBeGreaterThan(10);
  });

  for (const page of pages) {
    test(`${page}: every relative link names an existing file and heading`, () => {
      const broken: string[] = [];
      for (const target of targetsOf(page).filter((target) => !isExternal(target))) {
        const [pathPart = "", fragment] = target.split("#", 2);
        const file = pathPart === "" ? page : resolve(dirname(page), decodeURIComponent(pathPart));
        const shown = pathPart === "" ? page : relative(process.cwd(), file);
        if (!existsSync(file)) {
          broken.push(`${target}: ${shown} does not exist`);
          continue;
        }
        if (fragment !== undefined && !(statSync(file).isFile() && file.endsWith(".md") && anchorsOf(file).has(fragment))) {
          broken.push(`${target}: no heading #${fragment} in ${shown}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});

describe("the README's quick start", () => {
  test("keeps the two commands a newcomer copies", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain("npm install && npx panelist compare fixtures/tools/claw-code.md fixtures/tools/smolvlm2-turbo.md\n");
    expect(readme).toContain("npm install && npm test\n");
  });
});
