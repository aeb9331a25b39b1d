/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node, with vega's headless view
 * (no browser, no canvas), with the report's theme. Any warning from either library fails the render: a spec that makes
 * vega warn draws something other than what was meant.
 */
import { logger, parse, View, Warn } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { VEGA_CONFIG } from "../theme.js";
import { useArialTextMetrics } from "./textWidth.js";

export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  useArialTextMetrics();
  const warnings: string[] = [];
  const log = logger(Warn, undefined, (_method, level, args) => {
    warnings.push(`${level} ${args.map(String).join(" ")}`);
  });
  const compiled = compile(spec, { logger: log, config: VEGA_CONFIG }).spec;
  const view = new View(parse(compiled), { renderer: "none", logger: log });
  try {
    const svg = await view.toSVG();
    if (warnings.length > 0) throw new Error(`chart '${spec.description ?? "?"}': vega reported: ${warnings.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}
