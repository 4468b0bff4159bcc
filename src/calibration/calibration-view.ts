import type { Calibration } from "./calibrate.js";
import type { Estimate } from "../stats/binary-agreement.js";

/** Chart geometry: every number the SVG needs is computed here, so the template only places it. */
const WIDTH = 320;
const HEIGHT = 240;
const PAD = 36;
const PLOT = { x: PAD, y: 12, w: WIDTH - PAD - 12, h: HEIGHT - PAD - 12 };

/** A 0..1 value as a percent with one decimal, or an em dash. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(Math.round(value * 1000) / 10).toString()}%`;
}

/** A statistic with three decimals, or an em dash. */
export function decimal(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toFixed(3);
}

/** An estimate as "0.412 (0.210–0.600)". */
export function withInterval(estimate: Estimate, format: (value: number | null) => string = decimal): string {
  if (estimate.value === null) return "—";
  return estimate.low === null || estimate.high === null ? format(estimate.value) : `${format(estimate.value)} (${format(estimate.low)}–${format(estimate.high)})`;
}

const sx = (value: number): number => round(PLOT.x + value * PLOT.w);
const sy = (value: number): number => round(PLOT.y + (1 - value) * PLOT.h);

/** What calibration.html shows: tables as text, charts as numbers for inline SVG. */
export function buildCalibrationView(calibration: Calibration): object {
  const { panel } = calibration;
  const binWidth = PLOT.w / Math.max(1, panel.bins.length);
  return {
    title: calibration.title,
    generatedAt: calibration.generatedAt.slice(0, 16).replace("T", " "),
    runTitle: calibration.run.title,
    labels: {
      source: calibration.labels.source,
      total: calibration.labels.total,
      matched: calibration.labels.matched,
      baseRate: percent(calibration.labels.baseRate),
      unmatched: calibration.labels.unmatched,
    },
    summary: [
      { name: "Tools compared", value: String(panel.n - panel.abstained) },
      { name: "Panel abstained (exactly 50%)", value: String(panel.abstained) },
      { name: "Accuracy", value: withInterval(panel.agreement.accuracy, percent) },
      { name: "Balanced accuracy", value: withInterval(panel.agreement.balancedAccuracy, percent) },
      { name: "Cohen's κ", value: withInterval(panel.agreement.kappa) },
      { name: "Gwet's AC1", value: withInterval(panel.agreement.ac1) },
      { name: "ROC AUC of ship %", value: decimal(panel.auc) },
      { name: "Brier score", value: decimal(panel.brier) },
      { name: "Expected calibration error", value: decimal(panel.ece) },
      { name: "Votes: n / effective n", value: `${calibration.votes.n} / ${calibration.votes.nEff === null ? "—" : calibration.votes.nEff.toFixed(2)}` },
    ],
    axes: { x0: PLOT.x, x1: PLOT.x + PLOT.w, y0: PLOT.y, y1: PLOT.y + PLOT.h, width: WIDTH, height: HEIGHT, midX: round(PLOT.x + PLOT.w / 2), labelY: HEIGHT - 6 },
    diagonal: { x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(1) },
    bins: panel.bins.map((bin, index) => {
      const rate = bin.observedRate ?? 0;
      return {
        x: round(PLOT.x + index * binWidth + 1),
        width: round(binWidth - 2),
        y: sy(rate),
        height: round(rate * PLOT.h),
        count: bin.count,
        countX: round(PLOT.x + index * binWidth + binWidth / 2),
        countY: round(sy(rate) - 3),
        label: `${Math.round(bin.low * 100)}–${Math.round(bin.high * 100)}%: ${bin.count} ${bin.count === 1 ? "tool" : "tools"}, humans ship ${percent(bin.observedRate)}`,
        empty: bin.count === 0,
      };
    }),
    roc: {
      points: panel.roc.map((point) => `${sx(point.fpr)},${sy(point.tpr)}`).join(" "),
      dots: panel.roc.map((point) => ({ cx: sx(point.fpr), cy: sy(point.tpr), label: `threshold ${percent(point.threshold)}: ${percent(point.tpr)} of human ships found, ${percent(point.fpr)} of human skips passed` })),
    },
    personaBars: calibration.personas.map((persona, index) => {
      const accuracy = persona.agreement.accuracy.value;
      return {
        name: persona.name,
        y: 8 + index * 28,
        textY: 8 + index * 28 + 14,
        width: round((accuracy ?? 0) * 200),
        value: `${percent(accuracy)} · κ ${decimal(persona.agreement.kappa.value)}`,
      };
    }),
    personaBarsHeight: 16 + calibration.personas.length * 28,
    personas: calibration.personas.map((persona) => ({
      name: persona.name,
      n: persona.n - persona.abstained,
      abstained: persona.abstained,
      accuracy: withInterval(persona.agreement.accuracy, percent),
      kappa: withInterval(persona.agreement.kappa),
      ac1: withInterval(persona.agreement.ac1),
      confidenceEce: decimal(persona.confidenceEce),
      leftOut: decimal(calibration.leaveOneOut.find((entry) => entry.persona === persona.persona)?.kappa),
    })),
    models: calibration.models.map((model) => ({ model: model.model, n: model.n - model.abstained, accuracy: withInterval(model.agreement.accuracy, percent), kappa: withInterval(model.agreement.kappa) })),
    extremes: calibration.extremes && {
      most: calibration.personas.find((persona) => persona.persona === calibration.extremes!.most)!.name,
      least: calibration.personas.find((persona) => persona.persona === calibration.extremes!.least)!.name,
    },
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
