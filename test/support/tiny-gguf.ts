import { writeFile } from "node:fs/promises";

/**
 * A tiny LLaMA-architecture GGUF model, written at test time so that tests of the `local:` provider
 * can load a real model through node-llama-cpp without downloading one.
 *
 * The weights are random (deterministic for a seed) except for one designed part: every token's
 * embedding carries a one-hot "class" feature (quote, letter, digit, colon, bracket, ...), the
 * attention and feed-forward weights are small so the residual stream keeps that feature, and
 * `output.weight` turns it into a next-token preference table. The model is therefore close to a
 * bigram model over token classes: after an opening quote it writes a letter, after a letter it
 * closes the string, after `[` it opens one item, after `]`/`}` it ends. Under a JSON-schema grammar
 * that gives short, finite answers whose strings hold at least one character; without the table a
 * random model fills every string up to its `maxLength`.
 *
 * The 256 byte tokens (`<0x00>`..`<0xFF>`) exist so any input can be tokenized (SPM byte fallback),
 * but are typed UNUSED: they decode to nothing, so the grammar sampler never picks them and the
 * model cannot write a character twice (once as a byte, once as a character token).
 */

/** Options for {@link writeTinyGguf}. */
export interface TinyGgufOptions {
  /** Seed of the random weights; the same seed always writes the same bytes. Default 1. */
  seed?: number;
}

/** Hyperparameters of the written model (small enough for a ~0.5 MB F32 file). */
const EMBEDDING = 64;
const LAYERS = 2;
const HEADS = 4;
const HEADS_KV = 4;
const FEED_FORWARD = 128;
const CONTEXT = 2048;
const HEAD_DIMENSION = EMBEDDING / HEADS;

/** GGUF token types, as llama.cpp reads `tokenizer.ggml.token_type`. */
const TokenType = { normal: 1, unknown: 2, control: 3, unused: 5 } as const;

/**
 * The classes a token can belong to. A token's class is both a feature of its embedding (what the
 * model "sees" as the previous token) and a group in the preference table (what it may write next).
 */
const CLASSES = [
  "start", // special and byte tokens: what the answer follows
  "quote",
  "letter", // a-z: the preferred inside of a string
  "word", // uppercase and other punctuation: allowed, but less likely
  "space",
  "colon",
  "comma",
  "zero",
  "digit", // 1-9
  "dot",
  "openBracket",
  "close", // ] and }
  "openBrace",
  "newline",
] as const;
type TokenClass = (typeof CLASSES)[number];

/** Groups of next tokens the preference table scores separately (finer than the classes). */
type NextGroup =
  | "quote" | "letter" | "word" | "exponent" | "space" | "colon" | "comma" | "zero" | "digit" | "dot" | "minus"
  | "openBracket" | "closeBracket" | "openBrace" | "closeBrace" | "newline" | "end" | "never";

/**
 * Next-token logits by previous-token class (groups not listed get {@link UNLISTED}).
 * The orderings that matter, given what the JSON grammar allows at each point:
 * - after `"`: a letter beats `]`/`}` (so an opened string gets content), and `]` beats `,` (so an
 *   array holds one item after its first string closes);
 * - after a letter: `"` beats another letter by a margin greedy decoding never overturns, while
 *   sampling at temperature 1 still writes a few letters;
 * - a number is written `0.<digit>`: `0` after `:`, `.` after `0`, a digit after `.`, then `,`/`}`,
 *   with `e`/`E` scored low after digits so no exponent appears;
 * - after the closing `}` node-llama-cpp's JSON grammar requires four newlines, then allows the
 *   end-of-turn token: a newline follows `}`, and the end beats another newline after a newline.
 *   Everywhere else a newline (allowed as JSON whitespace) scores low.
 */
const PREFERENCES: Record<TokenClass, Partial<Record<NextGroup, number>>> = {
  start: { openBrace: 8, quote: 2, openBracket: 2 },
  openBrace: { quote: 8 },
  quote: { letter: 6, word: 2, closeBracket: 3.5, closeBrace: 3.5, comma: 1, end: 3, zero: 1, digit: 1, quote: -2, space: -6 },
  letter: { quote: 7, letter: 3.5, exponent: 3.5, word: 1, space: 2, comma: 0 },
  word: { quote: 7, letter: 3.5, exponent: 3.5, word: 1, space: 2 },
  space: { quote: 6, openBracket: 6, zero: 5, letter: 4, exponent: 4, word: 1, space: -8 },
  colon: { quote: 6, openBracket: 6, zero: 6, digit: 3, letter: 2, exponent: 2, space: -2, minus: -8 },
  comma: { quote: 7, letter: 2, exponent: 2, space: -4 },
  zero: { dot: 6, quote: 4, comma: 3, closeBrace: 3, closeBracket: 3, digit: -2, exponent: -10 },
  dot: { digit: 6, zero: 2, quote: 3, exponent: -10 },
  digit: { comma: 6, closeBrace: 6, closeBracket: 6, quote: 5, digit: 1, dot: 0, exponent: -10, space: -6 },
  openBracket: { quote: 6, closeBracket: 3, space: -6 },
  close: { newline: 9, end: 8, comma: 6, closeBrace: 6, quote: 4, space: -6 },
  newline: { end: 9, openBrace: 9, newline: 7 },
};
const UNLISTED = -6;

/** One vocabulary entry. */
interface VocabularyToken {
  text: string;
  type: number;
  /** The class the token belongs to when it is the previous token. */
  tokenClass: TokenClass;
  /** The group that scores it as a next token. */
  group: NextGroup;
}

const SPM_SPACE = "\u2581";

function characterToken(character: string): VocabularyToken {
  const normal = (tokenClass: TokenClass, group: NextGroup): VocabularyToken => ({
    text: character === " " ? SPM_SPACE : character,
    type: TokenType.normal,
    tokenClass,
    group,
  });
  if (character === "\n") return normal("newline", "newline");
  if (character === '"') return normal("quote", "quote");
  if (character === " ") return normal("space", "space");
  if (character === ":") return normal("colon", "colon");
  if (character === ",") return normal("comma", "comma");
  if (character === "0") return normal("zero", "zero");
  if (character >= "1" && character <= "9") return normal("digit", "digit");
  if (character === ".") return normal("dot", "dot");
  if (character === "-") return normal("word", "minus");
  if (character === "[") return normal("openBracket", "openBracket");
  if (character === "]") return normal("close", "closeBracket");
  if (character === "{") return normal("openBrace", "openBrace");
  if (character === "}") return normal("close", "closeBrace");
  // A backslash opens an escape the grammar then constrains; nothing needs one.
  if (character === "\\") return normal("word", "never");
  if (character === "e" || character === "E") return normal("letter", "exponent");
  if (character >= "a" && character <= "z") return normal("letter", "letter");
  return normal("word", "word");
}

/** The vocabulary: specials, ChatML control tokens, 256 unused byte tokens, printable ASCII. */
function buildVocabulary(): VocabularyToken[] {
  const special = (text: string, type: number, group: NextGroup): VocabularyToken => ({ text, type, tokenClass: "start", group });
  const tokens: VocabularyToken[] = [
    special("<unk>", TokenType.unknown, "never"),
    special("<s>", TokenType.control, "never"),
    special("</s>", TokenType.control, "never"),
    special("<|im_start|>", TokenType.control, "never"),
    special("<|im_end|>", TokenType.control, "end"),
  ];
  for (let byte = 0; byte < 256; byte++) {
    const hex = byte.toString(16).toUpperCase().padStart(2, "0");
    tokens.push(special(`<0x${hex}>`, TokenType.unused, "never"));
  }
  // A newline of its own (not only the byte fallback), because the grammar's ending needs one.
  tokens.push(characterToken("\n"));
  for (let code = 0x20; code < 0x7f; code++) tokens.push(characterToken(String.fromCharCode(code)));
  return tokens;
}

/** Token ids of the specials, in the order {@link buildVocabulary} lists them. */
const TOKEN_ID = { unknown: 0, bos: 1, eos: 2, imStart: 3, imEnd: 4 } as const;

/** A ChatML template, in the Jinja dialect `tokenizer.chat_template` holds. */
const CHATML_TEMPLATE =
  "{%- for message in messages -%}" +
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}" +
  "{%- endfor -%}" +
  "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

/** A small seeded generator (mulberry32) with a Box-Muller normal draw. */
function createRandom(seed: number): { normal(deviation: number): number } {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return {
    normal(deviation) {
      const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
      return deviation * radius * Math.cos(2 * Math.PI * uniform());
    },
  };
}

interface Tensor {
  name: string;
  /** ggml order: the first dimension is the contiguous one. */
  dimensions: number[];
  data: Float32Array;
}

function randomTensor(random: ReturnType<typeof createRandom>, name: string, dimensions: number[], deviation: number): Tensor {
  const data = new Float32Array(dimensions.reduce((product, size) => product * size, 1));
  for (let index = 0; index < data.length; index++) data[index] = random.normal(deviation);
  return { name, dimensions, data };
}

function onesTensor(name: string, size: number): Tensor {
  return { name, dimensions: [size], data: new Float32Array(size).fill(1) };
}

/** Standard deviation of the random (non-class) embedding dimensions. */
const EMBEDDING_NOISE = 0.1;
/** Standard deviation of the random part of `output.weight`: sets how much letters vary. */
const OUTPUT_NOISE = 0.1;
/**
 * Standard deviation of the attention and feed-forward weights: small, so the class feature survives
 * the residual stream (at 0.04 the two layers already drowned it and strings ran to their maxLength).
 */
const LAYER_WEIGHT = 0.01;

function buildTensors(vocabulary: VocabularyToken[], seed: number): Tensor[] {
  const random = createRandom(seed);
  const vocabularySize = vocabulary.length;
  const classIndex = new Map(CLASSES.map((name, index) => [name, index]));
  const noiseDimensions = EMBEDDING - CLASSES.length;

  const embedding = randomTensor(random, "token_embd.weight", [EMBEDDING, vocabularySize], EMBEDDING_NOISE);
  for (const [id, token] of vocabulary.entries()) {
    const row = embedding.data.subarray(id * EMBEDDING, (id + 1) * EMBEDDING);
    row.fill(0, 0, CLASSES.length);
    row[classIndex.get(token.tokenClass)!] = 1;
  }

  // After the final RMSNorm the class feature (1 against noise of EMBEDDING_NOISE per dimension)
  // is scaled to about this value, so a table entry divided by it becomes a logit of that size.
  const normalisedClass = Math.sqrt(EMBEDDING / (1 + noiseDimensions * EMBEDDING_NOISE ** 2));
  const output = randomTensor(random, "output.weight", [EMBEDDING, vocabularySize], OUTPUT_NOISE);
  for (const [id, token] of vocabulary.entries()) {
    const row = output.data.subarray(id * EMBEDDING, (id + 1) * EMBEDDING);
    for (const [index, previous] of CLASSES.entries()) {
      const logit = token.group === "never" ? -12 : (PREFERENCES[previous][token.group] ?? UNLISTED);
      row[index] = logit / normalisedClass;
    }
  }

  const tensors: Tensor[] = [embedding, onesTensor("output_norm.weight", EMBEDDING), output];
  const keyValueWidth = HEAD_DIMENSION * HEADS_KV;
  for (let layer = 0; layer < LAYERS; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      onesTensor(`${block}.attn_norm.weight`, EMBEDDING),
      randomTensor(random, `${block}.attn_q.weight`, [EMBEDDING, EMBEDDING], LAYER_WEIGHT),
      randomTensor(random, `${block}.attn_k.weight`, [EMBEDDING, keyValueWidth], LAYER_WEIGHT),
      randomTensor(random, `${block}.attn_v.weight`, [EMBEDDING, keyValueWidth], LAYER_WEIGHT),
      randomTensor(random, `${block}.attn_output.weight`, [EMBEDDING, EMBEDDING], LAYER_WEIGHT),
      onesTensor(`${block}.ffn_norm.weight`, EMBEDDING),
      randomTensor(random, `${block}.ffn_gate.weight`, [EMBEDDING, FEED_FORWARD], LAYER_WEIGHT),
      randomTensor(random, `${block}.ffn_up.weight`, [EMBEDDING, FEED_FORWARD], LAYER_WEIGHT),
      randomTensor(random, `${block}.ffn_down.weight`, [FEED_FORWARD, EMBEDDING], LAYER_WEIGHT),
    );
  }
  return tensors;
}

/** GGUF metadata value types (the subset this writer uses). */
const ValueType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;

type MetadataValue =
  | { type: "uint32" | "int32" | "float32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "strings"; value: string[] }
  | { type: "float32s" | "int32s"; value: number[] };

/** Appends little-endian GGUF primitives to a list of chunks. */
class GgufBuffer {
  readonly chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Appends a fixed-width value, written into a fresh chunk of `bytes` bytes. */
  private fixed(bytes: number, write: (chunk: Buffer) => void): void {
    const chunk = Buffer.alloc(bytes);
    write(chunk);
    this.push(chunk);
  }

  uint32(value: number): void {
    this.fixed(4, (chunk) => chunk.writeUInt32LE(value));
  }

  int32(value: number): void {
    this.fixed(4, (chunk) => chunk.writeInt32LE(value));
  }

  uint64(value: number): void {
    this.fixed(8, (chunk) => chunk.writeBigUInt64LE(BigInt(value)));
  }

  float32(value: number): void {
    this.fixed(4, (chunk) => chunk.writeFloatLE(value));
  }

  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.uint64(bytes.length);
    this.push(bytes);
  }

  metadata(key: string, entry: MetadataValue): void {
    this.string(key);
    switch (entry.type) {
      case "uint32":
        this.uint32(ValueType.uint32);
        this.uint32(entry.value);
        break;
      case "int32":
        this.uint32(ValueType.int32);
        this.int32(entry.value);
        break;
      case "float32":
        this.uint32(ValueType.float32);
        this.float32(entry.value);
        break;
      case "bool":
        this.uint32(ValueType.bool);
        this.push(Buffer.from([entry.value ? 1 : 0]));
        break;
      case "string":
        this.uint32(ValueType.string);
        this.string(entry.value);
        break;
      case "strings":
        this.arrayHeader(ValueType.string, entry.value.length);
        for (const item of entry.value) this.string(item);
        break;
      case "float32s":
        this.arrayHeader(ValueType.float32, entry.value.length);
        for (const item of entry.value) this.float32(item);
        break;
      case "int32s":
        this.arrayHeader(ValueType.int32, entry.value.length);
        for (const item of entry.value) this.int32(item);
        break;
    }
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding > 0) this.push(Buffer.alloc(padding));
  }

  private arrayHeader(elementType: number, count: number): void {
    this.uint32(ValueType.array);
    this.uint32(elementType);
    this.uint64(count);
  }
}

const ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

function buildMetadata(vocabulary: VocabularyToken[]): Array<[string, MetadataValue]> {
  return [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "panelist-tiny-test-model" }],
    ["general.file_type", { type: "uint32", value: 0 }], // all F32
    ["general.alignment", { type: "uint32", value: ALIGNMENT }],
    ["llama.context_length", { type: "uint32", value: CONTEXT }],
    ["llama.embedding_length", { type: "uint32", value: EMBEDDING }],
    ["llama.block_count", { type: "uint32", value: LAYERS }],
    ["llama.feed_forward_length", { type: "uint32", value: FEED_FORWARD }],
    ["llama.attention.head_count", { type: "uint32", value: HEADS }],
    ["llama.attention.head_count_kv", { type: "uint32", value: HEADS_KV }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["llama.rope.dimension_count", { type: "uint32", value: HEAD_DIMENSION }],
    ["llama.rope.freq_base", { type: "float32", value: 10000 }],
    ["llama.vocab_size", { type: "uint32", value: vocabulary.length }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "strings", value: vocabulary.map((token) => token.text) }],
    ["tokenizer.ggml.scores", { type: "float32s", value: vocabulary.map(() => 0) }],
    ["tokenizer.ggml.token_type", { type: "int32s", value: vocabulary.map((token) => token.type) }],
    ["tokenizer.ggml.bos_token_id", { type: "uint32", value: TOKEN_ID.bos }],
    ["tokenizer.ggml.eos_token_id", { type: "uint32", value: TOKEN_ID.imEnd }],
    ["tokenizer.ggml.eot_token_id", { type: "uint32", value: TOKEN_ID.imEnd }],
    ["tokenizer.ggml.unknown_token_id", { type: "uint32", value: TOKEN_ID.unknown }],
    ["tokenizer.ggml.padding_token_id", { type: "uint32", value: TOKEN_ID.eos }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: false }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
    ["tokenizer.chat_template", { type: "string", value: CHATML_TEMPLATE }],
  ];
}

/**
 * Writes a tiny (about 0.5 MB), randomly initialised LLaMA-architecture model in GGUF v3 format
 * to `path`: F32 weights, an SPM ("llama") tokenizer of 357 tokens (the printable ASCII characters
 * and a newline, 256 unused byte-fallback tokens, `<unk>`/`<s>`/`</s>` and the ChatML control tokens
 * `<|im_start|>`/`<|im_end|>`, the latter as end of turn) and a ChatML `tokenizer.chat_template`,
 * which node-llama-cpp 3.21 resolves to its `ChatML` chat wrapper.
 *
 * Under a JSON-schema grammar the model writes short, finite answers in which each string
 * holds at least one character (see the module comment for how). The file is the same for the
 * same seed.
 *
 * @param path Where to write the `.gguf` file (overwritten if present).
 * @param options See {@link TinyGgufOptions}.
 */
export async function writeTinyGguf(path: string, options: TinyGgufOptions = {}): Promise<void> {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`Expected \`seed\` to be an integer, got ${seed}`);
  const vocabulary = buildVocabulary();
  const tensors = buildTensors(vocabulary, seed);
  const metadata = buildMetadata(vocabulary);

  const file = new GgufBuffer();
  file.push(Buffer.from("GGUF", "ascii"));
  file.uint32(3);
  file.uint64(tensors.length);
  file.uint64(metadata.length);
  for (const [key, value] of metadata) file.metadata(key, value);

  // Offsets count from the start of the (aligned) data section; each tensor starts aligned.
  let offset = 0;
  for (const tensor of tensors) {
    file.string(tensor.name);
    file.uint32(tensor.dimensions.length);
    for (const size of tensor.dimensions) file.uint64(size);
    file.uint32(GGML_TYPE_F32);
    file.uint64(offset);
    offset += Math.ceil(tensor.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  file.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    file.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    file.padTo(ALIGNMENT);
  }
  await writeFile(path, Buffer.concat(file.chunks));
}
