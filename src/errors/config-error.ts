import { PanelistError } from "./panelist-error.js";

/** A flag, environment variable or setting that is missing or wrong. `setting` names it. */
export class ConfigError extends PanelistError {
  readonly setting: string;

  constructor(setting: string, problem: string) {
    super(`${setting}: ${problem}`);
    this.setting = setting;
  }
}
