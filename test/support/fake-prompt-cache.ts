import { createHash } from "node:crypto";

// The fake server's token counts and prompt cache, as the services bill them.

/**
 * The prompt tokens of one answered call, split as the services bill them: Anthropic bills cache
 * writes at 125% and reads at 10% of the input price; OpenAI bills cached tokens at a model's
 * cached-input price and writes nothing extra.
 */
export interface PromptCacheUsage {
  /** All prompt tokens, cached ones included. */
  promptTokens: number;
  /** Tokens read from the prompt cache. */
  cacheReadTokens: number;
  /** Tokens written to the prompt cache (Anthropic only). */
  cacheWriteTokens: number;
}

/** The token estimate the fake server bills with: about four characters a token. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The text of a content field: a string, or an array of text blocks. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((block) => (block && typeof block === "object" && typeof (block as { text?: unknown }).text === "string" ? (block as { text: string }).text : ""))
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

/** The prompt's text as the services see it: the system prompt (Anthropic's field) and every message. */
export function promptText(protocol: "openai" | "anthropic", body: any): string {
  const parts: string[] = [];
  if (protocol === "anthropic" && body.system !== undefined) parts.push(contentText(body.system));
  for (const message of Array.isArray(body.messages) ? body.messages : []) parts.push(contentText(message?.content));
  return parts.filter(Boolean).join("\n");
}

/** Characters per cache block: 128 tokens at the server's four characters a token. */
const BLOCK_CHARS = 512;

/** What a request reads from and writes to the cache, written once it is answered (`commit`). */
export interface CacheLookup {
  usage: PromptCacheUsage;
  commit(): void;
}

/**
 * The minimum cacheable prompt length of an Anthropic model, as Anthropic documents it: a
 * breakpoint whose prefix is shorter is neither written nor read (the request still succeeds).
 */
export function anthropicMinCacheTokens(model: string): number {
  if (/haiku-4-5|opus-4-[56]/.test(model)) return 4096;
  // Sonnet 4.6 is documented at 1,024 but observed (and listed by gateways) at 2,048: the stricter one.
  if (/sonnet-4-6|3-5-haiku|3-haiku/.test(model)) return 2048;
  return 1024;
}

/**
 * Prompt-cache accounting that behaves like the real services closely enough to measure caching,
 * and never more generously:
 * - Anthropic writes an entry at every `cache_control` mark (tools, system, messages in that order)
 *   whose prefix reaches the model's minimum cacheable length, and reads the longest entry already
 *   written for that model (the service also looks back up to 20 blocks before a mark; this does not);
 * - OpenAI caches the longest prefix shared with an earlier prompt to the same model, in steps of
 *   128 tokens, from 1,024 tokens (the prompt text only: the response-format schema is not counted).
 * Entries become readable only when the request that wrote them is answered.
 */
export class PromptCache {
  private readonly anthropicPrefixes = new Set<string>();
  private readonly openaiPrefixes = new Map<string, Set<string>>();

  constructor(
    private readonly enabled: boolean,
    private readonly openaiMinTokens: number,
  ) {}

  lookup(protocol: "openai" | "anthropic", body: any): CacheLookup {
    return protocol === "openai" ? this.openai(String(body.model ?? ""), promptText(protocol, body)) : this.anthropic(body);
  }

  private openai(model: string, prompt: string): CacheLookup {
    const promptTokens = countTokens(prompt);
    if (!this.enabled) return { usage: { promptTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }, commit: () => {} };
    // The prompt is cached in blocks of 128 tokens (512 characters here); a block counts when the
    // whole prefix up to its end was seen before. One hash pass per request keeps a long benchmark linear.
    const seen = this.openaiPrefixes.get(model) ?? new Set<string>();
    this.openaiPrefixes.set(model, seen);
    const hash = createHash("sha256");
    const keys: string[] = [];
    let cachedBlocks = 0;
    let stillCached = true;
    for (let end = BLOCK_CHARS; end <= prompt.length; end += BLOCK_CHARS) {
      hash.update(prompt.slice(end - BLOCK_CHARS, end));
      const key = hash.copy().digest("base64");
      if (stillCached && seen.has(key)) cachedBlocks += 1;
      else stillCached = false;
      keys.push(key);
    }
    const tokens = cachedBlocks * 128;
    return {
      usage: { promptTokens, cacheReadTokens: tokens >= this.openaiMinTokens ? tokens : 0, cacheWriteTokens: 0 },
      commit: () => {
        // Prompts shorter than the minimum are not cached at all.
        if (keys.length * 128 >= this.openaiMinTokens) for (const key of keys) seen.add(key);
      },
    };
  }

  private anthropic(body: any): CacheLookup {
    const model = String(body.model ?? "");
    const segments: { text: string; marked: boolean }[] = [];
    for (const tool of Array.isArray(body.tools) ? body.tools : []) segments.push({ text: JSON.stringify(tool), marked: Boolean(tool.cache_control) });
    const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : Array.isArray(body.system) ? body.system : [];
    for (const block of system) segments.push({ text: String(block.text ?? ""), marked: Boolean(block.cache_control) });
    for (const message of Array.isArray(body.messages) ? body.messages : []) {
      const blocks = typeof message.content === "string" ? [{ text: message.content }] : Array.isArray(message.content) ? message.content : [];
      for (const block of blocks) segments.push({ text: String(block.text ?? JSON.stringify(block)), marked: Boolean(block.cache_control) });
    }
    const promptTokens = countTokens(segments.map((segment) => segment.text).join(""));
    // Every breakpoint long enough to cache writes an entry for the prefix up to it; a request
    // reads the longest entry already written and writes the rest up to its last such breakpoint.
    const minTokens = anthropicMinCacheTokens(model);
    const breakpoints: { key: string; tokens: number }[] = [];
    let prefix = "";
    for (const segment of segments) {
      prefix += segment.text;
      const tokens = countTokens(prefix);
      if (segment.marked && tokens >= minTokens) breakpoints.push({ key: `${model}\u0000${prefix}`, tokens });
    }
    if (!this.enabled || breakpoints.length === 0) return { usage: { promptTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }, commit: () => {} };
    const hit = [...breakpoints].reverse().find((candidate) => this.anthropicPrefixes.has(candidate.key));
    const readTokens = hit?.tokens ?? 0;
    return {
      usage: { promptTokens, cacheReadTokens: readTokens, cacheWriteTokens: breakpoints.at(-1)!.tokens - readTokens },
      commit: () => {
        for (const candidate of breakpoints) this.anthropicPrefixes.add(candidate.key);
      },
    };
  }
}
