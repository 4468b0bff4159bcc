import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { OTHER_MODEL, startWorkbenchFixture, type WorkbenchFixture } from "./workbench-fixture.js";

/** Debian's Chromium: .ci/run installs it; no browser is ever downloaded. */
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = resolve("test-results/screenshots");
/** The README's picture of the workbench, rewritten only when the page looks different. */
const DOCS_PICTURE = resolve("docs/workbench.png");
// Outside CI a machine without Chromium skips this; in CI a missing browser must fail loudly.
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);

const ORIGINAL_QUOTE = "skeptic says skip to Claw Code.";
/** What the fake server answers the skeptic's first call with the other model. */
const RERUN_QUOTE = `skeptic answer 1 from ${OTHER_MODEL.replace(/^openai:/, "")} on Claw Code.`;

describe.runIf(runBrowser)("the workbench in a real browser", () => {
  let fixture: WorkbenchFixture;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let runPath: string;
  const dialogs: string[] = [];

  /** A tool's card on the run page. */
  const card = (name: string): Locator => tab.locator("article.card", { has: tab.locator("h2", { hasText: name }) });
  /** The skeptic's review of Claw Code (whichever review is current). */
  const skeptic = (): Locator => card("Claw Code").locator("li.review", { has: tab.locator(".persona", { hasText: "The Skeptic" }) });
  const quote = (): Promise<string> => skeptic().locator("blockquote").innerText();

  beforeAll(async () => {
    fixture = await startWorkbenchFixture();
    runPath = `/runs/${encodeURIComponent(fixture.runId)}`;
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    tab = await context.newPage();
    // Any alert, confirm or prompt, on any page of the session, is hostile markup that ran.
    tab.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  test("the printed address signs in and leaves the token out of the address; the runs list opens the run", async () => {
    await tab.goto(fixture.workbench.signInUrl);
    expect(tab.url()).toBe(fixture.workbench.url);
    expect(await tab.locator("h1").innerText()).toBe("Runs");
    expect(await tab.locator("table.runs tbody tr").count()).toBe(1);
    await tab.locator("table.runs").getByRole("link", { name: fixture.runId }).click();
    await tab.waitForURL(`**${runPath}`);
    expect(await tab.locator("article.card").count()).toBe(3);
    expect(await tab.locator("article.card h2").allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining("Claw Code"), expect.stringContaining("SmolVLM2 Turbo")]));
    expect(await quote()).toBe(ORIGINAL_QUOTE);
  });

  test("an edited pull quote is kept after a reload with an edited mark and its history; undo brings the model's answer back", async () => {
    await skeptic().locator("details.edit > summary").click();
    const form = skeptic().locator("form.edit-form");
    await form.locator('textarea[name="quote"]').fill("Claw Code is a promising start, not a finished tool.");
    await form.locator('input[name="reason"]').fill("Sharper wording");
    await form.getByRole("button", { name: "Save edit" }).click();
    await expect.poll(quote).toBe("Claw Code is a promising start, not a finished tool.");

    await tab.reload();
    expect(await quote()).toBe("Claw Code is a promising start, not a finished tool.");
    expect(await skeptic().locator(".edited-tag").innerText()).toMatch(/edited/i);
    const note = await skeptic().locator(".edit-note").innerText();
    expect(note).toContain("ada");
    expect(note).toContain("Sharper wording");
    expect(note).toContain(ORIGINAL_QUOTE);

    await skeptic().getByRole("link", { name: "History" }).click();
    await tab.waitForURL(/\/reviews\/\d+\/history$/);
    const edits = tab.locator("ol.edits li");
    expect(await edits.count()).toBe(1);
    expect(await edits.first().innerText()).toContain("Sharper wording");
    await tab.getByRole("link", { name: "← Back to the run" }).click();
    await tab.waitForURL(new RegExp(`${runPath}#review-\\d+$`));

    await skeptic().locator("form.undo-form").getByRole("button", { name: "Undo edit" }).click();
    await expect.poll(quote).toBe(ORIGINAL_QUOTE);
    await tab.reload();
    expect(await quote()).toBe(ORIGINAL_QUOTE);
    expect(await skeptic().locator(".edited-tag").count()).toBe(0);
    await skeptic().getByRole("link", { name: "History" }).click();
    expect(await tab.locator("ol.edits li").count()).toBe(2);
    await tab.goto(new URL(runPath, fixture.base).toString());
  });

  test("a human verdict with a note is shown after a reload", async () => {
    const form = card("SmolVLM2 Turbo").locator("form.label-form");
    await form.getByLabel("Skip").check();
    await form.locator('input[name="note"]').fill("Too early for our readers");
    await form.getByRole("button", { name: "Record verdict" }).click();
    await expect.poll(() => card("SmolVLM2 Turbo").locator(".human-verdict").count()).toBe(1);

    await tab.reload();
    const shown = await card("SmolVLM2 Turbo").locator(".human-verdict").innerText();
    expect(shown).toContain("Editor's verdict: Skip by ada");
    expect(shown).toContain("Too early for our readers");
    expect(await card("SmolVLM2 Turbo").locator('form.label-form input[value="skip"]').isChecked()).toBe(true);
    expect(await card("Claw Code").locator(".human-verdict").count()).toBe(0);
  });

  test("accepting every tool's page marks the run accepted; withdrawing one makes it a draft again", async () => {
    const eyebrow = (): Promise<string> => tab.locator("header.page-head .eyebrow").innerText();
    expect(await eyebrow()).toMatch(/· draft ·/i);
    for (const name of ["Claw Code", "SmolVLM2 Turbo", "onerror"]) {
      await card(name).getByRole("button", { name: "Accept this page" }).click();
      await expect.poll(() => card(name).locator(".accepted-tag").count()).toBe(1);
    }
    await tab.reload();
    expect(await eyebrow()).toMatch(/· accepted ·/i);
    expect(await card("SmolVLM2 Turbo").locator(".accepted-note").innerText()).toContain("Accepted by ada");

    await card("onerror").getByRole("button", { name: "Withdraw acceptance" }).click();
    await expect.poll(() => card("onerror").locator(".accepted-tag").count()).toBe(0);
    await tab.reload();
    expect(await eyebrow()).toMatch(/· draft ·/i);
    expect(await tab.locator("article.card .accepted-tag").count()).toBe(2);
  });

  test("re-running the skeptic of Claw Code with the other model replaces the review on the page", async () => {
    const oldId = await skeptic().getAttribute("data-review-id");
    const form = skeptic().locator("form.rerun-form");
    await form.locator('select[name="model"]').selectOption(OTHER_MODEL);
    await form.getByRole("button", { name: "Re-run" }).click();
    // The job page follows the job's events, then opens the run at the new review.
    await tab.waitForURL(new RegExp(`${runPath}#review-\\d+$`), { timeout: 20_000 });
    expect(await skeptic().count()).toBe(1);
    expect(await quote()).toBe(RERUN_QUOTE);
    const newId = await skeptic().getAttribute("data-review-id");
    expect(newId).not.toBe(oldId);
    expect(tab.url()).toMatch(new RegExp(`#review-${newId}$`));
    expect(await skeptic().locator(".rerun-tag").count()).toBe(1);
    expect(await skeptic().locator(".model").textContent()).toContain(OTHER_MODEL);
    // The other reviews of the tool are the model's first answers still.
    expect(await card("Claw Code").locator("li.review").count()).toBe(4);

    await skeptic().getByRole("link", { name: "History" }).click();
    const replaced = tab.locator("ol.replaced li");
    expect(await replaced.count()).toBe(1);
    expect(await replaced.first().innerText()).toContain(ORIGINAL_QUOTE);
    await tab.goto(new URL(runPath, fixture.base).toString());
  }, 30_000);

  test("the HTML export carries an edit that stays", async () => {
    await skeptic().locator("details.edit > summary").click();
    const form = skeptic().locator("form.edit-form");
    await form.locator('textarea[name="quote"]').fill("Worth a look once the docs catch up.");
    await form.locator('input[name="reason"]').fill("Kept for the export");
    await form.getByRole("button", { name: "Save edit" }).click();
    await expect.poll(quote).toBe("Worth a look once the docs catch up.");

    const href = await tab.locator(".exports").getByRole("link", { name: "HTML" }).getAttribute("href");
    // The page's own cookie signs the download in, as following the link would.
    const exported = await tab.request.get(new URL(href!, fixture.base).toString());
    expect(exported.status()).toBe(200);
    expect(exported.headers()["content-disposition"]).toContain(`panelist-${fixture.runId}.html`);
    const html = await exported.text();
    expect(html).toContain("Worth a look once the docs catch up.");
    expect(html).toContain("Kept for the export");
  });

  test("the hostile tool's markup is text on the page and runs nothing", async () => {
    await tab.reload();
    const text = await card("onerror").innerText();
    expect(text).toContain("<img src=x onerror=alert(1)>");
    expect(text).toContain("</style><script>window.__pwned = 1; alert('quote')</script>");
    expect(await tab.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await tab.locator("main img, main script").count()).toBe(0);
    // The hostile review's history page shows the same quote, as text too.
    await card("onerror").locator("li.review").first().getByRole("link", { name: "History" }).click();
    expect(await tab.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await tab.goto(new URL(runPath, fixture.base).toString());
    expect(dialogs).toEqual([]);
  });

  test("phone and desktop screenshots; nothing overflows a phone's width", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    small.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await small.goto(fixture.workbench.signInUrl);
    await small.goto(new URL(runPath, fixture.base).toString());
    expect(await small.locator("article.card").count()).toBe(3);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await small.screenshot({ path: join(SCREENSHOTS, "workbench-phone.png"), fullPage: true });
    await phone.close();

    await tab.evaluate(() => window.scrollTo(0, 0));
    const desktop = await tab.screenshot();
    await writeFile(join(SCREENSHOTS, "workbench-desktop.png"), desktop);
    await tab.screenshot({ path: join(SCREENSHOTS, "workbench-desktop-full.png"), fullPage: true });
    // Run ids and dates differ on every run: only a page that looks different replaces the picture.
    const previous = existsSync(DOCS_PICTURE) ? await readFile(DOCS_PICTURE) : undefined;
    if (!previous || (await differingShare(browser, previous, desktop)) > 0.02) await writeFile(DOCS_PICTURE, desktop);
    expect(dialogs).toEqual([]);
  }, 30_000);
});

/**
 * The share of pixels (0–1) that differ noticeably between two PNGs, measured on a canvas in the
 * browser (1 when their sizes differ), so that no image library is needed.
 */
async function differingShare(browser: Browser, first: Buffer, second: Buffer): Promise<number> {
  const scratch = await browser.newPage();
  try {
    return await scratch.evaluate(async ([a, b]) => {
      const load = async (base64: string): Promise<ImageData> => {
        const image = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
        const canvas = new OffscreenCanvas(image.width, image.height);
        const context2d = canvas.getContext("2d")!;
        context2d.drawImage(image, 0, 0);
        return context2d.getImageData(0, 0, image.width, image.height);
      };
      const [left, right] = [await load(a), await load(b)];
      if (left.width !== right.width || left.height !== right.height) return 1;
      let differing = 0;
      for (let index = 0; index < left.data.length; index += 4) {
        const delta = Math.abs(left.data[index]! - right.data[index]!) + Math.abs(left.data[index + 1]! - right.data[index + 1]!) + Math.abs(left.data[index + 2]! - right.data[index + 2]!);
        if (delta > 48) differing += 1;
      }
      return differing / (left.width * left.height);
    }, [first.toString("base64"), second.toString("base64")] as const);
  } finally {
    await scratch.close();
  }
}
