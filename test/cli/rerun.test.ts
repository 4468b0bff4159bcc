import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { reportSchema } from "../../src/report/report-schema.js";
import { ReviewStore } from "../../src/store/review-store.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, moderatorReply, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const KEY = "sk-test-rerun-cli-0123456789";

/** A compare in a temp store where the skeptic skips Claw Code until it is asked again. */
async function compared() {
  let asked = 0;
  const server = await servers.start({
    handler: (call) => {
      if (isModeratorCall(call)) return moderatorReply(call);
      const { tool, persona } = identifyCall(call, personas);
      const again = tool === "Claw Code" && persona === "skeptic" && asked++ > 0;
      const reply = scriptedVerdict(tool, persona, tool === "Claw Code" && persona === "skeptic" && !again ? "skip" : "ship");
      if (again && reply.kind === "json") (reply.value as Record<string, unknown>).quote = `The skeptic, asked again by ${call.model}, ships it.`;
      return reply;
    },
  });
  const dir = await temporaryDirectory("panelist-rerun-cli-");
  const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseUrl };
  const store = join(dir, "p.db");
  const out = join(dir, "out");
  const made = await runCli(["compare", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", out], env);
  expect(made.code).toBe(0);
  const runId = /Run (\S+) \(store/.exec(made.stdout)![1]!;
  return { server, dir, env, store, out, runId };
}

async function reportIn(out: string) {
  return reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
}

describe("panelist rerun", () => {
  test("one persona with another model: the store keeps the old review as superseded, the run's report is rendered again", async () => {
    const { server, env, store, out, runId } = await compared();
    const before = await reportIn(out);
    expect(before.tools[0]).toMatchObject({ name: "Claw Code", panel: { split: "3–1" } });
    const oldId = before.tools[0]!.reviews.find((review) => review.persona === "skeptic")!.id!;
    const callsBefore = server.calls.length;

    const rerun = await runCli(["rerun", runId, "--tool", "Claw Code", "--persona", "skeptic", "--model", "openai:gpt-4.1", "--editor", "grace", "--store", store], env);
    // Two models in the run now: the bias checks of a study apply, and say what they see.
    expect(rerun.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("warning: bias check"))).toEqual([]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`Re-ran run ${runId} (Claw Code / skeptic / openai:gpt-4.1) for grace: 1 of 1 reviewed, 0 failed`);
    const newId = Number(/review (\d+) replaces (\d+)/.exec(rerun.stdout)![1]);
    expect(rerun.stdout).toContain(`review ${newId} replaces ${oldId} (kept as history)`);
    expect(rerun.stdout).toContain(`Wrote ${join(out, "report.md")}`);
    // The review, then the editor summary over the new verdicts.
    expect(server.calls.slice(callsBefore).map((call) => [call.model, isModeratorCall(call)])).toEqual([["gpt-4.1", false], ["gpt-4.1-mini", true]]);

    const after = await reportIn(out);
    expect(after.tools[0]!.panel).toMatchObject({ split: "4–0", shipPct: 100 });
    expect(after.tools[0]!.reviews.find((review) => review.persona === "skeptic")).toMatchObject({ id: newId, verdict: "ship", model: "openai:gpt-4.1", quote: "The skeptic, asked again by gpt-4.1, ships it." });
    expect(await readFile(join(out, "report.md"), "utf8")).toContain("The skeptic, asked again by gpt-4.1, ships it.");

    const db = ReviewStore.open(store, { create: false });
    try {
      expect(db.findReview(oldId)).toMatchObject({ runId, persona: "skeptic", model: "openai:gpt-4.1-mini", superseded: true });
      expect(db.findReview(newId)).toMatchObject({ runId, persona: "skeptic", model: "openai:gpt-4.1", superseded: false });
      expect(db.reviewLineage(newId).map((review) => review.verdict)).toEqual(["skip"]);
      expect(db.reruns.forRun(runId)).toMatchObject([{ persona: "skeptic", model: "openai:gpt-4.1", editor: "grace", status: "finished" }]);
    } finally {
      db.close();
    }
    const raw = await readFile(store);
    expect(raw.includes(Buffer.from(KEY))).toBe(false);
  });

  test("a run written to a relative --out (from the folder it ran in) is rendered again in that folder", async () => {
    const { env, dir, store } = await compared();
    const made = await runCli(["compare", resolve("fixtures/tools/claw-code.md"), resolve("fixtures/tools/smolvlm2-turbo.md"), "--model", "openai:gpt-4.1-mini", "--store", store, "--out", "drafts", "--no-cache"], env, dir);
    expect(made.code).toBe(0);
    const runId = /Run (\S+) \(store/.exec(made.stdout)![1]!;
    const rerun = await runCli(["rerun", runId, "--tool", "Claw Code", "--persona", "skeptic", "--store", store], env, dir);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain("1 of 1 reviewed, 0 failed");
    expect(rerun.stdout).toContain(`Wrote ${join(dir, "drafts", "report.md")}`);
    expect((await reportIn(join(dir, "drafts"))).tools[0]!.reviews.find((review) => review.persona === "skeptic")!.quote).toBe("The skeptic, asked again by gpt-4.1-mini, ships it.");
  });

  test("a bad run, tool, persona or --out is one line and exit 2, before any call", async () => {
    const { server, dir, env, store, runId } = await compared();
    const calls = server.calls.length;
    const file = join(dir, "a-file");
    await writeFile(file, "keep me\n");
    for (const [args, message] of [
      [["rerun"], "panelist: rerun: give the run id ('panelist runs' lists them)\n"],
      [["rerun", "nope"], `panelist: rerun: no run "nope" in ${store}; 'panelist runs' lists them\n`],
      [["rerun", runId, "--tool", "Nothing"], `panelist: --tool: run ${runId} has no tool "Nothing"; its tools: Claw Code, SmolVLM2 Turbo\n`],
      [["rerun", runId, "--persona", "poet"], `panelist: --persona: run ${runId} has no persona "poet"; its panel: developer-experience, skeptic, futurist, business\n`],
      [["rerun", runId, "--model", "openai:a,openai:b"], "panelist: --model: a re-run asks one model in place of the run's, got 2: openai:a, openai:b\n"],
      [["rerun", runId, "--out", file], `panelist: --out: ${file} is a file, not a folder\n`],
    ] as const) {
      const result = await runCli([...args, "--store", store], env);
      expect(result).toMatchObject({ code: 2, stderr: message });
    }
    expect(server.calls).toHaveLength(calls);
    expect(await readFile(file, "utf8")).toBe("keep me\n");
  });
});
