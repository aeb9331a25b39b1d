// Links this package's own `liveq` command into node_modules/.bin, so that `npx liveq ...` works in
// a fresh clone right after `npm ci` (npm links the bins of dependencies, not the project's own).
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from "node:fs";
import { join } from "node:path";

const target = "dist/src/cli/main.js";
if (!existsSync(target)) throw new Error(`link-bin: ${target} is missing; run npm run build first`);
chmodSync(target, 0o755);
mkdirSync("node_modules/.bin", { recursive: true });
const link = join("node_modules", ".bin", "liveq");
try {
  if (lstatSync(link)) unlinkSync(link);
} catch {
  // no link yet
}
symlinkSync(join("..", "..", target), link);
console.log(`link-bin: ${link} -> ${target}`);
