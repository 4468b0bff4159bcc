// Harmless variants of a verdict's values made canonical before the schema sees them; each
// pushes the name of its repair, which the review keeps.

/** `"Ship"`, `"SHIP it"`, `"ship."`, `"**Skip**"` and `"don't ship"` are clear; `"yes"`/`"no"` are not. */
export function normalizeVerdictWord(value: unknown, repairs: string[]): unknown {
  if (typeof value !== "string" || value.length > 40) return value;
  const words = value.toLowerCase().replace(/\u2019/g, "'").replace(/[^a-z' ]+/g, " ").replace(/\s+/g, " ").trim();
  let normalized: string | undefined;
  if (words === "ship" || words === "ship it") normalized = "ship";
  else if (words === "skip" || words === "skip it") normalized = "skip";
  else if (/^(?:don't|dont|do not|no|not|won't|wont|would not|wouldn't) ship(?: it)?$/.test(words)) normalized = "skip";
  if (normalized === undefined) return value;
  if (normalized !== value) repairs.push("verdict wording");
  return normalized;
}

/** 0.8 stays; 80, `"80%"` and `"8/10"` mean 0.8; `"0.8"` is a number. Over 100, or a word, stays invalid. */
export function normalizeConfidence(value: unknown, repairs: string[]): unknown {
  let number = value;
  if (typeof value === "string" && value.length <= 40) {
    const text = value.trim();
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(10|100)$/.exec(text);
    if (percent) number = Number(percent[1]) / 100;
    else if (fraction) number = Number(fraction[1]) / Number(fraction[2]);
    else if (/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text)) number = Number(text);
    else return value;
    repairs.push("confidence as text");
  }
  if (typeof number === "number" && number > 1 && number <= 100) {
    repairs.push("confidence as percentage");
    return number / 100;
  }
  return number;
}

/** Trims text; a text split into an array of strings is joined with spaces. */
export function normalizeText(value: unknown, repairs: string[]): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === "string")) {
    repairs.push("text as array");
    return value.map((part: string) => part.trim()).join(" ").trim();
  }
  return typeof value === "string" ? value.trim() : value;
}

/** A pull quote wrapped in its own quotation marks loses them: the page adds its own. */
export function stripQuoteMarks(value: unknown, repairs: string[]): unknown {
  if (typeof value !== "string" || value.length < 3) return value;
  const pair = `${value[0]}${value[value.length - 1]}`;
  if (pair !== '""' && pair !== "\u201C\u201D") return value;
  const inner = value.slice(1, -1);
  if (inner.includes(value[0]!)) return value;
  repairs.push("quote marks");
  return inner.trim();
}

/** A single string becomes a one-item list; null or absent becomes empty. */
export function normalizeList(value: unknown, repairs: string[]): unknown {
  if (value === null || value === undefined) return [];
  if (typeof value !== "string") return value;
  repairs.push("list as string");
  return value.trim() === "" ? [] : [value.trim()];
}
