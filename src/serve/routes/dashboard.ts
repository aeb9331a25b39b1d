/**
 * The dashboard: GET / (the page), its script and style, and uPlot (the chart library) served
 * from this service's node_modules, so the page loads nothing from elsewhere.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ServiceRouteDeps } from "./deps.js";

/** The dashboard's files: beside this code when run from source, under the package's src/ when built. */
function dashboardDir(): string {
  for (const rel of ["../dashboard/", "../../../../src/serve/dashboard/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new Error("the dashboard's files (src/serve/dashboard) are missing from this installation");
}

interface Asset {
  url: string;
  file: string;
  type: string;
  summary: string;
}

export function register(deps: ServiceRouteDeps): void {
  const dir = dashboardDir();
  const require = createRequire(import.meta.url);
  const assets: Asset[] = [
    { url: "/", file: `${dir}index.html`, type: "text/html; charset=utf-8", summary: "The dashboard" },
    { url: "/dashboard/app.js", file: `${dir}app.js`, type: "text/javascript; charset=utf-8", summary: "The dashboard's script" },
    { url: "/dashboard/style.css", file: `${dir}style.css`, type: "text/css; charset=utf-8", summary: "The dashboard's style" },
    { url: "/vendor/uPlot.iife.min.js", file: require.resolve("uplot/dist/uPlot.iife.min.js"), type: "text/javascript; charset=utf-8", summary: "uPlot, the chart library" },
    { url: "/vendor/uPlot.min.css", file: require.resolve("uplot/dist/uPlot.min.css"), type: "text/css; charset=utf-8", summary: "uPlot's style" },
  ];
  for (const asset of assets) {
    const content = readFileSync(asset.file);
    deps.catalog.add(
      deps,
      { method: "GET", url: asset.url, summary: asset.summary, tags: ["dashboard"], responses: { 200: { description: asset.summary, contentType: asset.type } } },
      async (_request, reply) => reply.type(asset.type).header("cache-control", "no-cache").send(content),
    );
  }
}
