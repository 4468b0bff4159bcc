/**
 * The key of one review within a run: the job identity (tool, persona, model, sample). Every
 * command plans, resumes and stores by it.
 */
export function reviewKey(toolId: number, persona: string, model: string, sample = 0): string {
  return `${toolId}\u0000${persona}\u0000${model}\u0000${sample}`;
}
