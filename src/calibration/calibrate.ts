import type { Report, ToolReport } from "../report/report-schema.js";
import { binaryAgreement, cohenKappa, type BinaryAgreement, type BinaryPair } from "../stats/binary-agreement.js";
import { effectiveVotes, type EffectiveVotes } from "../stats/effective-votes.js";
import { brierScore, expectedCalibrationError, reliabilityBins, rocAuc, rocCurve, type ReliabilityBin, type ScoredOutcome } from "../stats/score-calibration.js";
import { toolIdentity } from "../tools/tool-identity.js";
import type { Label } from "./load-labels.js";

/** Where the human verdicts came from. */
export type LabelSource =
  | { kind: "file"; file: string }
  | { kind: "community"; minVotes: number }
  /** The editors' own verdicts, recorded in the workbench (`--labels store`). */
  | { kind: "store"; store: string };

/** A human label, or why a tool has none. */
type HumanVerdict = { verdict: "ship" | "skip"; labels: number } | { verdict: null; reason: string };

/** A panel, persona or model set against the humans. */
export interface AgreementWithHumans {
  /** Tools with both a call and a human verdict. */
  n: number;
  /** Tools where the call was exactly even (ship % 50, a tie): counted, left out of the figures. */
  abstained: number;
  agreement: BinaryAgreement;
}

/** calibration.json: how far a run's panel agrees with people. */
export interface Calibration {
  schemaVersion: 1;
  generatedAt: string;
  title: string;
  run: { title: string; models: string[]; personas: { id: string; name: string }[]; runId?: string };
  labels: {
    source: string;
    /** Labels read (or tools with a community vote). */
    total: number;
    /** Reviewed tools with a human verdict. */
    matched: number;
    /** Labels or tools left out, with why. */
    unmatched: { tool: string; reason: string }[];
    /** Share of matched tools the humans would ship. */
    baseRate: number | null;
  };
  panel: AgreementWithHumans & {
    /** ROC AUC of ship % as a score of human ship (ties count half). */
    auc: number | null;
    /** Brier score of ship % ÷ 100 as the probability the humans ship. */
    brier: number | null;
    /** Expected calibration error of that probability, 10 equal bins. */
    ece: number | null;
    bins: ReliabilityBin[];
    roc: { fpr: number; tpr: number; threshold: number }[];
  };
  personas: (AgreementWithHumans & { persona: string; name: string; confidenceEce: number | null; confidenceBins: ReliabilityBin[] })[];
  models: (AgreementWithHumans & { model: string })[];
  /** How many independent votes the panel carries, from the persona votes over every tool of the run. */
  votes: EffectiveVotes & { personas: string[] };
  /** The panel's κ with the humans without each persona. */
  leaveOneOut: { persona: string; name: string; kappa: number | null; change: number | null }[];
  tools: { name: string; shipPct: number | null; panel: "ship" | "skip" | "abstain" | "none"; human: "ship" | "skip" | null }[];
  /** Which persona agrees with the humans most and least (by κ), when two or more have a κ. */
  extremes: { most: string; least: string } | null;
}

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /** Bootstrap resamples and seed for the intervals. */
  resamples?: number;
  seed?: number;
  generatedAt?: string;
  runId?: string;
}

/**
 * Sets a run's panel against human verdicts: the panel says ship above 50%, skip below, and
 * abstains at exactly 50; each persona's vote and each model's likewise. Labels are matched to the
 * run's tools by identity (URL without tracking parameters, else the normalised name), several
 * labels of one tool by majority (a tie leaves the tool out).
 */
export function calibrate(report: Report, source: LabelSource, labels: readonly Label[], options: CalibrateOptions = {}): Calibration {
  const bootstrap = { ...(options.resamples === undefined ? {} : { resamples: options.resamples }), ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const names = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  const { humans, unmatched, total } = source.kind === "community" ? communityVerdicts(report, source.minVotes) : matchLabels(report, labels);
  const matchedTools = report.tools.filter((tool) => humans.get(tool)?.verdict);
  const humanOf = (tool: ToolReport): boolean => humans.get(tool)!.verdict === "ship";
  const ships = matchedTools.filter(humanOf).length;

  const panelCall = (tool: ToolReport): boolean | null | undefined => (tool.panel.shipPct === null ? undefined : tool.panel.shipPct === 50 ? null : tool.panel.shipPct > 50);
  const withPanel = matchedTools.filter((tool) => panelCall(tool) !== undefined);
  const scored: ScoredOutcome[] = withPanel.map((tool) => ({ score: tool.panel.shipPct! / 100, positive: humanOf(tool) }));

  const personaIds = report.personas.map((persona) => persona.id);
  const personaVote = (tool: ToolReport, persona: string): boolean | null | undefined => {
    const vote = tool.personaVotes.find((entry) => entry.persona === persona);
    return vote === undefined ? undefined : vote.verdict === "tie" ? null : vote.verdict === "ship";
  };
  const personas = personaIds.map((persona) => {
    const items = matchedTools.flatMap((tool) =>
      tool.reviews.filter((review) => review.persona === persona).map((review): ScoredOutcome => ({ score: review.confidence, positive: (review.verdict === "ship") === humanOf(tool) })),
    );
    return {
      persona,
      name: names.get(persona) ?? persona,
      ...against(matchedTools, (tool) => personaVote(tool, persona), humanOf, bootstrap),
      confidenceEce: expectedCalibrationError(items),
      confidenceBins: reliabilityBins(items),
    };
  });
  const models = report.models.map((model) => ({
    model,
    ...against(matchedTools, (tool) => {
      const reviews = tool.reviews.filter((review) => review.model === model);
      if (reviews.length === 0) return undefined;
      const share = reviews.filter((review) => review.verdict === "ship").length / reviews.length;
      return share === 0.5 ? null : share > 0.5;
    }, humanOf, bootstrap),
  }));

  const panelPairs = pairsOf(withPanel, panelCall, humanOf);
  const panelKappa = cohenKappa(panelPairs);
  const leaveOneOut = personaIds.map((left) => {
    const call = (tool: ToolReport): boolean | null | undefined => {
      const votes = personaIds.filter((persona) => persona !== left).map((persona) => personaVote(tool, persona)).filter((vote): vote is boolean => typeof vote === "boolean");
      if (votes.length === 0) return undefined;
      const share = votes.filter(Boolean).length / votes.length;
      return share === 0.5 ? null : share > 0.5;
    };
    const kappa = cohenKappa(pairsOf(matchedTools, call, humanOf));
    return { persona: left, name: names.get(left) ?? left, kappa, change: kappa === null || panelKappa === null ? null : round(kappa - panelKappa) };
  });
  const ranked = personas.filter((persona) => persona.agreement.kappa.value !== null).sort((a, b) => b.agreement.kappa.value! - a.agreement.kappa.value!);

  return {
    schemaVersion: 1,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    // A batch's title lists every tool; past a few, the count says more.
    title: report.tools.length <= 3 ? `Calibration: ${report.title}` : `Calibration: ${report.tools.length} tools${options.runId ? `, run ${options.runId}` : ""}`,
    run: { title: report.title, models: [...report.models], personas: report.personas.map((persona) => ({ ...persona })), ...(options.runId ? { runId: options.runId } : {}) },
    labels: {
      source: source.kind === "file" ? source.file : source.kind === "store" ? `editors' verdicts in ${source.store}` : `community votes (at least ${source.minVotes})`,
      total,
      matched: matchedTools.length,
      unmatched,
      baseRate: matchedTools.length === 0 ? null : round(ships / matchedTools.length),
    },
    panel: {
      ...against(withPanel, panelCall, humanOf, bootstrap),
      auc: rocAuc(scored),
      brier: brierScore(scored),
      ece: expectedCalibrationError(scored),
      bins: reliabilityBins(scored),
      roc: rocCurve(scored),
    },
    personas,
    models,
    votes: { ...effectiveVotes(personaIds.map((persona) => report.tools.map((tool) => personaVote(tool, persona) ?? null))), personas: personaIds },
    leaveOneOut,
    tools: report.tools.map((tool) => {
      const call = panelCall(tool);
      const human = humans.get(tool);
      return { name: tool.name, shipPct: tool.panel.shipPct, panel: call === undefined ? "none" : call === null ? "abstain" : call ? "ship" : "skip", human: human?.verdict ?? null };
    }),
    extremes: ranked.length >= 2 ? { most: ranked[0]!.persona, least: ranked.at(-1)!.persona } : null,
  };
}

function against(tools: readonly ToolReport[], call: (tool: ToolReport) => boolean | null | undefined, human: (tool: ToolReport) => boolean, bootstrap: { resamples?: number; seed?: number }): AgreementWithHumans {
  const called = tools.filter((tool) => call(tool) !== undefined);
  const pairs = pairsOf(called, call, human);
  return { n: called.length, abstained: called.length - pairs.length, agreement: binaryAgreement(pairs, bootstrap) };
}

function pairsOf(tools: readonly ToolReport[], call: (tool: ToolReport) => boolean | null | undefined, human: (tool: ToolReport) => boolean): BinaryPair[] {
  return tools.flatMap((tool) => {
    const predicted = call(tool);
    return typeof predicted === "boolean" ? [{ predicted, actual: human(tool) }] : [];
  });
}

/** The identities a tool answers to: its URL's, and its name's (a label may name a tool that has a URL). */
function identitiesOf(tool: { name: string; url: string | null }): string[] {
  const byName = toolIdentity({ name: tool.name, description: "", community: null, source: { file: "" } });
  return tool.url ? [toolIdentity({ name: tool.name, url: tool.url, description: "", community: null, source: { file: "" } }), byName] : [byName];
}

function matchLabels(report: Report, labels: readonly Label[]): { humans: Map<ToolReport, HumanVerdict>; unmatched: { tool: string; reason: string }[]; total: number } {
  const byIdentity = new Map<string, ToolReport>();
  for (const tool of report.tools) for (const identity of identitiesOf(tool)) if (!byIdentity.has(identity)) byIdentity.set(identity, tool);
  const votes = new Map<ToolReport, { ship: number; skip: number }>();
  const unmatched: { tool: string; reason: string }[] = [];
  for (const label of labels) {
    const isUrl = /^https?:\/\//i.test(label.tool);
    const identity = toolIdentity({ name: label.tool, ...(isUrl ? { url: label.tool } : {}), description: "", community: null, source: { file: "" } });
    const tool = byIdentity.get(identity);
    const where = label.source.line === undefined ? label.source.file : `${label.source.file}:${label.source.line}`;
    if (!tool) {
      unmatched.push({ tool: label.tool, reason: `${where}: no reviewed tool in this run has this ${isUrl ? "URL" : "name"}` });
      continue;
    }
    const tally = votes.get(tool) ?? { ship: 0, skip: 0 };
    tally[label.verdict] += 1;
    votes.set(tool, tally);
  }
  const humans = new Map<ToolReport, HumanVerdict>();
  for (const [tool, tally] of votes) {
    if (tally.ship === tally.skip) {
      humans.set(tool, { verdict: null, reason: "labellers disagree" });
      unmatched.push({ tool: tool.name, reason: `its labellers disagree (${tally.ship} ship, ${tally.skip} skip)` });
    } else humans.set(tool, { verdict: tally.ship > tally.skip ? "ship" : "skip", labels: tally.ship + tally.skip });
  }
  for (const tool of report.tools) if (humans.get(tool)?.verdict && tool.panel.shipPct === null) unmatched.push({ tool: tool.name, reason: "the panel gave no verdict (every review failed)" });
  return { humans, unmatched, total: labels.length };
}

/** Launch-day community votes as weak labels: ship when the ship share is at least 50%. */
function communityVerdicts(report: Report, minVotes: number): { humans: Map<ToolReport, HumanVerdict>; unmatched: { tool: string; reason: string }[]; total: number } {
  const humans = new Map<ToolReport, HumanVerdict>();
  const unmatched: { tool: string; reason: string }[] = [];
  let total = 0;
  for (const tool of report.tools) {
    if (!tool.community) {
      unmatched.push({ tool: tool.name, reason: "no community vote" });
      continue;
    }
    total += 1;
    const count = tool.community.ship + tool.community.skip;
    if (count < minVotes) {
      unmatched.push({ tool: tool.name, reason: `${count} community ${count === 1 ? "vote" : "votes"}, fewer than --min-votes ${minVotes}` });
      continue;
    }
    humans.set(tool, { verdict: tool.community.ship / count >= 0.5 ? "ship" : "skip", labels: count });
    if (tool.panel.shipPct === null) unmatched.push({ tool: tool.name, reason: "the panel gave no verdict (every review failed)" });
  }
  return { humans, unmatched, total };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
