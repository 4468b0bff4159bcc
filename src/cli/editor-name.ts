import { userInfo } from "node:os";
import { ConfigError } from "../errors/config-error.js";

/**
 * The name an editor's edits, verdicts and re-runs are recorded under: `--editor`, else the OS
 * user, so the store always says who did what.
 */
export function editorName(given: string | undefined): string {
  const editor = (given ?? osUser()).trim();
  if (editor === "") throw new ConfigError("--editor", "give the name edits are recorded under");
  return editor;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A container user with no passwd entry has no name to give.
    return "editor";
  }
}
