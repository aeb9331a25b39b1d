// Copies the files tsc does not emit (the dashboard's HTML, JS and CSS) next to the compiled code.
import { cpSync, existsSync } from "node:fs";

const assets = [["src/serve/dashboard", "dist/src/serve/dashboard"]];
for (const [from, to] of assets) {
  if (!existsSync(from)) throw new Error(`copy-assets: ${from} is missing`);
  cpSync(from, to, { recursive: true });
}
console.log(`copy-assets: ${assets.map(([, to]) => to).join(", ")}`);
