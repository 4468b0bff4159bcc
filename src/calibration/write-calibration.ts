import { join } from "node:path";
import { markdownInline } from "../report/markdown-text.js";
import { renderPage } from "../report/render-html.js";
import { writeTextFile } from "../report/write-text-file.js";
import type { Calibration } from "./calibrate.js";
import { buildCalibrationView, decimal, percent, withInterval } from "./calibration-view.js";

/** calibration.md: the same figures as the HTML page, as text; every value from a file is escaped. */
export function renderCalibrationMarkdown(calibration: Calibration): string {
  const { panel, labels } = calibration;
  const text = markdownInline;
  const lines = [
    `# ${text(calibration.title)}`,
    "",
    `_Labels: ${text(labels.source)} · ${labels.matched} of ${labels.total} matched a reviewed tool · humans ship ${percent(labels.baseRate)} of them._`,
    "",
    "## The panel against the humans",
    "",
    "| Figure | Value |",
    "| --- | --- |",
    `| Tools compared | ${panel.n - panel.abstained} (${panel.abstained} abstained at exactly 50%) |`,
    `| Accuracy | ${withInterval(panel.agreement.accuracy, percent)} |`,
    `| Balanced accuracy | ${withInterval(panel.agreement.balancedAccuracy, percent)} |`,
    `| Cohen's κ | ${withInterval(panel.agreement.kappa)} |`,
    `| Gwet's AC1 | ${withInterval(panel.agreement.ac1)} |`,
    `| ROC AUC of ship % | ${decimal(panel.auc)} |`,
    `| Brier score | ${decimal(panel.brier)} |`,
    `| Expected calibration error (10 bins) | ${decimal(panel.ece)} |`,
    `| Persona votes: n / effective n | ${calibration.votes.n} / ${calibration.votes.nEff === null ? "—" : calibration.votes.nEff.toFixed(2)} (mean pairwise φ ${decimal(calibration.votes.meanCorrelation)}) |`,
    "",
    "## Reliability",
    "",
    "| Panel ship % | Tools | Humans ship |",
    "| --- | --- | --- |",
    ...panel.bins.map((bin) => `| ${Math.round(bin.low * 100)}–${Math.round(bin.high * 100)}% | ${bin.count} | ${percent(bin.observedRate)} |`),
    "",
    "## Per persona",
    "",
    "| Persona | Tools | Tied | Accuracy | κ | AC1 | Confidence ECE | Panel κ without it |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...calibration.personas.map((persona) => {
      const left = calibration.leaveOneOut.find((entry) => entry.persona === persona.persona);
      return `| ${text(persona.name)} | ${persona.n - persona.abstained} | ${persona.abstained} | ${withInterval(persona.agreement.accuracy, percent)} | ${withInterval(persona.agreement.kappa)} | ${withInterval(persona.agreement.ac1)} | ${decimal(persona.confidenceEce)} | ${decimal(left?.kappa)} |`;
    }),
    "",
    "## Per model",
    "",
    "| Model | Tools | Accuracy | κ |",
    "| --- | --- | --- | --- |",
    ...calibration.models.map((model) => `| ${text(model.model)} | ${model.n - model.abstained} | ${withInterval(model.agreement.accuracy, percent)} | ${withInterval(model.agreement.kappa)} |`),
    "",
  ];
  if (calibration.extremes) {
    const name = (id: string): string => calibration.personas.find((persona) => persona.persona === id)!.name;
    lines.push(`Closest to the humans: **${text(name(calibration.extremes.most))}**; furthest: **${text(name(calibration.extremes.least))}**.`, "");
  }
  if (labels.unmatched.length > 0) {
    lines.push("## Left out", "", ...labels.unmatched.map((entry) => `- **${text(entry.tool)}**: ${text(entry.reason)}`), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** calibration.html: self-contained like report.html (inline CSS and SVG, no script). */
export function renderCalibrationHtml(calibration: Calibration): string {
  return renderPage("calibration", buildCalibrationView(calibration));
}

/** Writes calibration.json, .md and .html into `directory` (each through a temporary name) and returns the paths. */
export function writeCalibrationFiles(calibration: Calibration, directory: string, secrets: readonly string[] = []): string[] {
  const files: [string, string][] = [
    ["calibration.json", `${JSON.stringify(calibration, null, 2)}\n`],
    ["calibration.md", renderCalibrationMarkdown(calibration)],
    ["calibration.html", renderCalibrationHtml(calibration)],
  ];
  return files.map(([name, text]) => {
    const path = join(directory, name);
    writeTextFile(path, text, secrets);
    return path;
  });
}
