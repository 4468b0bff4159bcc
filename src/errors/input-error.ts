import { PanelistError } from "./panelist-error.js";

/** Where in an input file a problem sits. */
export interface InputLocation {
  /** Path of the file as the user gave it. */
  file: string;
  /** 1-based line number, when known. */
  line?: number;
  /** The field (key) at fault, when known. */
  field?: string;
}

/**
 * A tool file, persona file or feed that cannot be used. Its message is one line:
 * `file:line: field: what is wrong`.
 */
export class InputError extends PanelistError {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(location: InputLocation, problem: string) {
    const where = location.line === undefined ? location.file : `${location.file}:${location.line}`;
    const what = location.field === undefined ? problem : `${location.field}: ${problem}`;
    super(`${where}: ${what}`);
    this.file = location.file;
    this.line = location.line;
    this.field = location.field;
  }
}
