import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../errors/config-error.js";

/**
 * Makes sure `folder` is (or can become) a writable folder, before the first paid call: a path
 * that is a file, lies under a file, or cannot be written is a ConfigError naming `setting`. A
 * missing folder is created, as writing the reports would.
 */
export function checkOutputFolder(folder: string, setting = "--out"): void {
  const existing = statOf(folder);
  if (existing && !existing.isDirectory()) throw new ConfigError(setting, `${folder} is a file, not a folder`);
  if (!existing) {
    const blocker = firstFileAbove(folder);
    if (blocker) throw new ConfigError(setting, `${folder} cannot be created: ${blocker} is a file`);
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw new ConfigError(setting, `${folder} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new ConfigError(setting, `${folder} is not writable`);
  }
}

/**
 * Makes sure a file can be written at `path` (export --output): not a folder, its folder
 * writable (created if missing).
 */
export function checkOutputFile(path: string, setting = "--output"): void {
  const existing = statOf(path);
  if (existing?.isDirectory()) throw new ConfigError(setting, `${path} is a folder, not a file`);
  checkOutputFolder(dirname(resolve(path)), setting);
  if (existing) {
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw new ConfigError(setting, `${path} is not writable`);
    }
  }
}

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The nearest existing ancestor of `path` when it is a file (which blocks creating the folder). */
function firstFileAbove(path: string): string | undefined {
  for (let current = dirname(resolve(path)); ; current = dirname(current)) {
    const found = statOf(current);
    if (found) return found.isDirectory() ? undefined : current;
    if (dirname(current) === current) return undefined;
  }
}
