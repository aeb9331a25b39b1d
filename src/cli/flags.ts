/**
 * Parsers for command-line values and config files, shared by every command: each refuses a bad
 * value with a message naming the flag (or file) and what is allowed.
 */
import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "commander";

/** An integer flag in [min, max]. */
export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?[0-9]+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `${name} must be an integer >= ${min}, got "${value}"` : `${name} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

/** A positive finite number flag. */
export function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const x = Number(value);
    if (value.trim() === "" || !Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return x;
  };
}

/** A flag whose value is one of `allowed`. */
export function oneOf<T extends string>(name: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
    return value as T;
  };
}

/** A JSON file's content; errors name the file and whether it could not be read or parsed. */
export function readJsonFile(path: string, what = "config"): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`${path}: cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}
