import { effectiveVotes, type EffectiveVotes } from "./effective-votes.js";
import { fleissKappa, gwetAC1, krippendorffAlphaNominal, pairwiseAgreement, pearson, wilsonInterval, type Ratings } from "./agreement.js";

/** One review, as the statistics see it. */
export interface StatsReview {
  tool: string;
  /** Characters in the tool's description (for the verbosity check); null when unknown. */
  descriptionChars: number | null;
  persona: string;
  model: string;
  /** 0-based sample number (0 when each review was asked once). */
  sample: number;
  verdict: "ship" | "skip";
  confidence: number;
}

/** A ship rate with its 95% Wilson interval. */
export interface Rate {
  ship: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** Agreement among raters on the same subjects. */
export interface Agreement {
  /** Subjects rated by at least two raters. */
  subjects: number;
  kappa: number | null;
  alpha: number | null;
  ac1: number | null;
  /** True when the ship rate is above 80%: kappa misleads there; read AC1. */
  preferAC1: boolean;
}

/** A bias check that fired, with its numbers. */
export interface BiasWarning {
  kind: "positivity" | "verbosity" | "indistinct" | "position";
  message: string;
}

/** stats.json. */
export interface PanelStats {
  schemaVersion: 1;
  reviews: number;
  personas: string[];
  models: string[];
  samples: number;
  byPersona: (Rate & { persona: string; meanConfidenceShip: number | null; meanConfidenceSkip: number | null })[];
  byModel: (Rate & { model: string })[];
  /** Persona × model ship rates. */
  matrix: (Rate & { persona: string; model: string })[];
  /** Personas as raters of each tool (one vote per persona). */
  acrossPersonas: Agreement;
  /** For each persona, its models as raters of each tool (with two or more models). */
  acrossModels: (Agreement & { persona: string })[];
  /** Samples as raters of each (tool, persona, model) (with two or more samples). */
  acrossSamples: Agreement | null;
  /**
   * How many independent votes the personas carry: n_eff = n ÷ (1 + (n − 1) ρ̄), with ρ̄ the mean
   * pairwise φ of their votes over the tools (absent in stats.json written before it was added).
   */
  effectiveVotes?: EffectiveVotes;
  /** Share of tools on which two personas' votes agree; rows and columns follow `personas`. */
  pairwise: (number | null)[][];
  warnings: BiasWarning[];
}

/** Thresholds of the bias checks. */
const POSITIVITY = 0.9;
const VERBOSITY = 0.3;

/** Computes the panel statistics from individual reviews. Pure. */
export function panelStats(reviews: readonly StatsReview[], options: { positionDependent?: boolean } = {}): PanelStats {
  const personas = unique(reviews.map((review) => review.persona));
  const models = unique(reviews.map((review) => review.model));
  const tools = unique(reviews.map((review) => review.tool));
  const samples = Math.max(1, ...reviews.map((review) => review.sample + 1));
  const shipShare = reviews.length === 0 ? 0 : reviews.filter((review) => review.verdict === "ship").length / reviews.length;

  const byPersona = personas.map((persona) => {
    const own = reviews.filter((review) => review.persona === persona);
    return { persona, ...rate(own), meanConfidenceShip: meanConfidence(own, "ship"), meanConfidenceSkip: meanConfidence(own, "skip") };
  });
  const byModel = models.map((model) => ({ model, ...rate(reviews.filter((review) => review.model === model)) }));
  const matrix = personas.flatMap((persona) => models.map((model) => ({ persona, model, ...rate(reviews.filter((review) => review.persona === persona && review.model === model)) })));

  // A persona's vote on a tool: the majority of its models and samples; a tie is no vote.
  const personaVotes: Ratings = tools.map((tool) => personas.map((persona) => majority(reviews.filter((review) => review.tool === tool && review.persona === persona))));
  const acrossPersonas = agreement(personaVotes, shipShare);
  const acrossModels =
    models.length < 2
      ? []
      : personas.map((persona) => ({
          persona,
          ...agreement(
            tools.map((tool) => models.map((model) => majority(reviews.filter((review) => review.tool === tool && review.persona === persona && review.model === model)))),
            shipShare,
          ),
        }));
  const sampleRows = (persona?: string): Ratings =>
    tools.flatMap((tool) =>
      (persona ? [persona] : personas).flatMap((who) =>
        models.map((model) =>
          Array.from({ length: samples }, (_, sample) => reviews.find((review) => review.tool === tool && review.persona === who && review.model === model && review.sample === sample)?.verdict ?? null),
        ),
      ),
    );
  const acrossSamples = samples < 2 ? null : agreement(sampleRows(), shipShare);
  const pairwise = personas.map((_, a) => personas.map((__, b) => (a === b ? 1 : pairwiseAgreement(personaVotes, a, b))));

  const warnings: BiasWarning[] = [];
  for (const entry of [...byPersona.map((row) => ({ who: `persona ${row.persona}`, row })), ...byModel.map((row) => ({ who: `model ${row.model}`, row }))]) {
    if (entry.row.n >= 3 && entry.row.rate !== null && entry.row.rate > POSITIVITY) {
      warnings.push({ kind: "positivity", message: `${entry.who} ships ${pct(entry.row.rate)} of reviews (${entry.row.ship}/${entry.row.n}); above ${pct(POSITIVITY)}, it may not be judging` });
    }
  }
  const sized = reviews.filter((review) => review.descriptionChars !== null);
  const lengths = sized.map((review) => review.descriptionChars!);
  const shipCorrelation = pearson(lengths, sized.map((review) => (review.verdict === "ship" ? 1 : 0)));
  const confidenceCorrelation = pearson(lengths, sized.map((review) => review.confidence));
  for (const [label, r] of [["ship verdicts", shipCorrelation], ["confidence", confidenceCorrelation]] as const) {
    if (r !== null && Math.abs(r) > VERBOSITY) {
      warnings.push({ kind: "verbosity", message: `description length correlates with ${label} (r = ${r.toFixed(2)}, n = ${sized.length}); longer copy may be buying verdicts` });
    }
  }
  if (samples >= 2) {
    personas.forEach((persona, index) => {
      const within = observedDisagreement(sampleRows(persona));
      const others = pairwise[index]!.filter((value, other): value is number => other !== index && value !== null);
      if (within === null || others.length === 0) return;
      const between = 1 - others.reduce((sum, value) => sum + value, 0) / others.length;
      // A persona that never wavers is consistent, whatever the others say.
      if (within > 0 && within >= between) {
        warnings.push({ kind: "indistinct", message: `persona ${persona} disagrees with itself across samples (${pct(within)}) as much as with the other personas (${pct(between)}): not a distinct lens` });
      }
    });
  }
  if (options.positionDependent) warnings.push({ kind: "position", message: "the pick changed when the tools were reviewed in the other order: it is position-dependent" });

  const effective = effectiveVotes(personas.map((_, column) => personaVotes.map((row) => (row[column] === null || row[column] === undefined ? null : row[column] === "ship"))));
  return { schemaVersion: 1, reviews: reviews.length, personas, models, samples, byPersona, byModel, matrix, acrossPersonas, acrossModels, acrossSamples, effectiveVotes: effective, pairwise, warnings };
}

function agreement(ratings: Ratings, shipShare: number): Agreement {
  const subjects = ratings.filter((row) => row.filter((value) => value !== null).length >= 2).length;
  return { subjects, kappa: fleissKappa(ratings), alpha: krippendorffAlphaNominal(ratings), ac1: gwetAC1(ratings, ["ship", "skip"]), preferAC1: shipShare > 0.8 };
}

/** Share of disagreeing rater pairs over subjects rated at least twice; null when none. */
function observedDisagreement(ratings: Ratings): number | null {
  let pairs = 0;
  let agreeing = 0;
  for (const row of ratings) {
    const values = row.filter((value): value is string => value !== null);
    for (let i = 0; i < values.length; i += 1) {
      for (let j = i + 1; j < values.length; j += 1) {
        pairs += 1;
        if (values[i] === values[j]) agreeing += 1;
      }
    }
  }
  return pairs === 0 ? null : 1 - agreeing / pairs;
}

function rate(reviews: readonly StatsReview[]): Rate {
  const ship = reviews.filter((review) => review.verdict === "ship").length;
  return { ship, n: reviews.length, ...wilsonInterval(ship, reviews.length) };
}

function majority(reviews: readonly StatsReview[]): string | null {
  const ship = reviews.filter((review) => review.verdict === "ship").length;
  const skip = reviews.length - ship;
  return ship > skip ? "ship" : skip > ship ? "skip" : null;
}

function meanConfidence(reviews: readonly StatsReview[], verdict: "ship" | "skip"): number | null {
  const matching = reviews.filter((review) => review.verdict === verdict);
  return matching.length === 0 ? null : matching.reduce((sum, review) => sum + review.confidence, 0) / matching.length;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function pct(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}
