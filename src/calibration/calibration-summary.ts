import type { Calibration } from "./calibrate.js";
import { decimal, percent, withInterval } from "./calibration-view.js";

/** The few lines `panelist calibrate` prints: what matched, the headline figures, the outliers. */
export function formatCalibrationSummary(calibration: Calibration): string {
  const { panel, labels, votes } = calibration;
  const lines = [
    `Labels: ${labels.matched} of ${labels.total} matched a reviewed tool (${labels.unmatched.length} left out) · humans ship ${percent(labels.baseRate)}`,
    `Panel vs humans over ${panel.n - panel.abstained} tools (${panel.abstained} abstained): accuracy ${withInterval(panel.agreement.accuracy, percent)} · balanced ${withInterval(panel.agreement.balancedAccuracy, percent)} · κ ${withInterval(panel.agreement.kappa)} · AC1 ${withInterval(panel.agreement.ac1)}`,
    `Ship % as a score: AUC ${decimal(panel.auc)} · Brier ${decimal(panel.brier)} · ECE ${decimal(panel.ece)}`,
    `Persona votes: n ${votes.n}, effective n ${votes.nEff === null ? "—" : votes.nEff.toFixed(2)} (mean pairwise φ ${decimal(votes.meanCorrelation)})`,
  ];
  if (calibration.extremes) {
    const name = (id: string): string => calibration.personas.find((persona) => persona.persona === id)!.name;
    lines.push(`Closest to the humans: ${name(calibration.extremes.most)}; furthest: ${name(calibration.extremes.least)}`);
  }
  return `${lines.join("\n")}\n`;
}
