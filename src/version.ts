/**
 * The version of liveq running: package.json's, read once. What `liveq --version` prints, and
 * what a comparison's work directory records (src/io/compare-work-dir.ts) so that results of two
 * versions are never mixed.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * package.json's version, found above this module: the repository's from source (src/), the
 * package's when built (dist/src/) or installed.
 */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "liveq" && typeof pkg.version === "string") return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`liveq: no package.json of liveq above ${fileURLToPath(import.meta.url)}`);
  }
}

export const LIVEQ_VERSION: string = packageVersion();
