import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../errors/config-error.js";

/**
 * Makes sure `folder` is, or can become, a writable folder, before the first paid call: a path
 * that is a file, lies under a file, or cannot be written is a ConfigError naming `setting`.
 * Nothing is created here: a run that fails before its first answer leaves no empty folder.
 */
export function checkOutputFolder(folder: string, setting = "--out"): void {
  const existing = statOf(folder);
  if (existing && !existing.isDirectory()) throw new ConfigError(setting, `${folder} is a file, not a folder`);
  const nearest = existing ? resolve(folder) : nearestExisting(folder);
  if (!statOf(nearest)!.isDirectory()) throw new ConfigError(setting, `${folder} cannot be created: ${nearest} is a file`);
  try {
    accessSync(nearest, constants.W_OK);
  } catch {
    throw new ConfigError(setting, existing ? `${folder} is not writable` : `${folder} cannot be created: ${nearest} is not writable`);
  }
}

/** Creates an output folder that {@link checkOutputFolder} passed, as writing into it begins. */
export function createOutputFolder(folder: string, setting = "--out"): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new ConfigError(setting, `${folder} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Makes sure a file can be written at `path` (export --output): not a folder, not under a file,
 * in a folder that can be written. A missing folder is left for the writer to create.
 */
export function checkOutputFile(path: string, setting = "--output"): void {
  const existing = statOf(path);
  if (existing?.isDirectory()) throw new ConfigError(setting, `${path} is a folder, not a file`);
  const folder = existing ? dirname(resolve(path)) : nearestExisting(path);
  if (!statOf(folder)!.isDirectory()) throw new ConfigError(setting, `${path} cannot be created: ${folder} is a file`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new ConfigError(setting, `${path} cannot be created: ${folder} is not writable`);
  }
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

/** The nearest existing ancestor of `path` (a file there blocks creating the folder). */
function nearestExisting(path: string): string {
  for (let current = dirname(resolve(path)); ; current = dirname(current)) {
    if (statOf(current) || dirname(current) === current) return current;
  }
}
