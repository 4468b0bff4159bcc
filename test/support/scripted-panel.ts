import type { Persona } from "../../src/personas/persona.js";
import type { FakeCall, FakeHandler, FakeReply } from "./fake-llm-server.js";

/** Verdicts to script: tool name → persona id → verdict (default ship). */
export type VerdictScript = Record<string, Record<string, "ship" | "skip">>;

/** Which tool and persona a review call is about, read from the prompt text. */
export function identifyCall(call: FakeCall, personas: readonly Persona[]): { tool: string; persona: string } {
  // Tool text is data-marked by default (spaces become ˆ); read the name back as written.
  const tool = (/^Name: (.*)$/m.exec(call.text)?.[1] ?? "?").replaceAll("\u02C6", " ");
  const persona = personas.find((candidate) => call.text.includes(`You are ${candidate.name}, reviewing`));
  return { tool, persona: persona?.id ?? "?" };
}

/** A verdict answer in the persona's name, recognisable in reports. */
export function scriptedVerdict(tool: string, persona: string, verdict: "ship" | "skip", confidence = 0.8): FakeReply {
  return {
    kind: "json",
    value: {
      verdict,
      confidence,
      quote: `${persona} says ${verdict} to ${tool}.`,
      rationale: `Scripted rationale from ${persona}.`,
      strengths: [`${tool} strength`],
      risks: verdict === "skip" ? [`${tool} risk seen by ${persona}`] : [],
      pricingRead: null,
    },
  };
}

/** Whether a call is the moderator's editor-summary call rather than a review. */
export function isModeratorCall(call: FakeCall): boolean {
  return call.text.includes("You are the panel's moderator.");
}

/** The moderator's answer: a summary that names the first tool it was shown. */
export function moderatorReply(call: FakeCall): FakeReply {
  const first = /^Tool: (.*?)(?: — | \(panel)/m.exec(call.text)?.[1] ?? "the tools";
  return { kind: "json", value: { summary: `The panel backs ${first} with one dissent. The skeptic split from the others.` } };
}

/** A handler that answers each review call with the scripted verdict for its tool and persona. */
export function panelHandler(script: VerdictScript, personas: readonly Persona[], confidence = 0.8): FakeHandler {
  return (call) => {
    if (isModeratorCall(call)) return moderatorReply(call);
    const { tool, persona } = identifyCall(call, personas);
    return scriptedVerdict(tool, persona, script[tool]?.[persona] ?? "ship", confidence);
  };
}
