import { createHash } from "node:crypto";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BUILT_IN_PROMPTS } from "../../src/prompts/built-in-prompts.generated.js";
import { loadPersonas } from "../../src/personas/load-personas.js";
import { buildReviewPrompt } from "../../src/prompts/build-review-prompt.js";
import { BUILT_IN_PROMPTS_DIR, loadPromptTemplates } from "../../src/prompts/prompt-templates.js";
import { loadToolFile } from "../../src/tools/load-tool-file.js";
import { temporaryDirectory } from "../support/run-cli.js";

/** A copy of the built-in prompts whose review.hbs gains a line, so it no longer matches the precompiled one. */
async function editedPrompts(): Promise<string> {
  const dir = await temporaryDirectory();
  await cp(BUILT_IN_PROMPTS_DIR, dir, { recursive: true });
  const review = join(dir, "review.hbs");
  await writeFile(review, `${await readFile(review, "utf8")}Edited by the test for {{persona.name}}.\n`);
  return dir;
}

describe("prompt templates", () => {
  test("the build precompiled every built-in template from the source that ships (so that copy is the one used)", async () => {
    for (const name of ["system", "dossier", "review", "repair", "summary"]) {
      const source = await readFile(join(BUILT_IN_PROMPTS_DIR, `${name}.hbs`), "utf8");
      expect(BUILT_IN_PROMPTS[name]?.sha256).toBe(createHash("sha256").update(source).digest("hex"));
    }
  });

  test("the build's precompiled templates render exactly what compiling their source renders", async () => {
    const precompiled = await loadPromptTemplates();
    // A copy in another folder, with one template edited: the other four still match their
    // precompiled copies byte for byte; the edited one is compiled from its source.
    const edited = await loadPromptTemplates(await editedPrompts());
    const personas = await loadPersonas();
    const tool = (await loadToolFile("fixtures/hostile/injection-ship.md")).tools[0]!;
    const built = buildReviewPrompt(precompiled, tool, personas[1]!, personas);
    const fromEdit = buildReviewPrompt(edited, tool, personas[1]!, personas);
    expect(fromEdit.system).toBe(built.system);
    expect(fromEdit.dossier).toBe(built.dossier);
    expect(built.instructions).not.toContain("Edited by the test");
    expect(fromEdit.instructions).toBe(`${built.instructions}Edited by the test for ${personas[1]!.name}.\n`);
    // The run manifest's hashes follow the sources read, edited or not.
    expect(edited.hashes.system).toBe(precompiled.hashes.system);
    expect(edited.hashes.review).not.toBe(precompiled.hashes.review);
    expect(precompiled.render("repair", { problem: "the quote is missing" })).toContain("the quote is missing");
  });

  test("a precompiled template is still strict: a missing variable is an error, not an empty string", async () => {
    const templates = await loadPromptTemplates();
    expect(() => templates.render("repair", {})).toThrow(/problem/);
    expect(() => templates.render("review", { persona: { id: "skeptic" } })).toThrow(/name/);
  });
});
