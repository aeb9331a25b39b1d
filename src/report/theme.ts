/**
 * The report's look, shared by the page's CSS and the charts' Vega-Lite config so both agree:
 * one font stack, one colour per policy kind, a quiet palette for everything else.
 */
import type { Config } from "vega-lite";
import type { PolicyKind } from "./types.js";

/**
 * Fonts every target has: Arial on desktops, Liberation Sans (metric-compatible with Arial) and
 * DejaVu Sans on Debian, where headless Chromium renders the page.
 */
export const FONT_STACK = 'Arial, "Liberation Sans", "Helvetica Neue", Helvetica, "DejaVu Sans", sans-serif';

export const KIND_ORDER: readonly PolicyKind[] = ["learned", "baseline", "oracle", "reference"];

/** Learned policies stand out in a warm orange; baselines recede in slate; the oracle is violet. */
export const KIND_COLOURS: Record<PolicyKind, string> = {
  learned: "#e8590c",
  baseline: "#7b8fa6",
  oracle: "#7048e8",
  reference: "#b8c0c8",
};

export const INK = { strong: "#1f2933", body: "#3e4c59", muted: "#7b8794", faint: "#e4e7eb", grid: "#eef1f4" };

/** Colours for learning-curve runs, in order (colour-blind friendly first, then the rest). */
export const RUN_COLOURS = ["#e8590c", "#1c7ed6", "#2b8a3e", "#ae3ec9", "#f59f00", "#0c8599", "#d6336c", "#5c940d", "#5f3dc4", "#868e96"];

export const VEGA_CONFIG: Config = {
  font: FONT_STACK,
  background: "white",
  padding: 10,
  view: { stroke: null },
  axis: {
    labelColor: INK.body,
    titleColor: INK.body,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: "normal",
    domainColor: "#9aa5b1",
    tickColor: "#9aa5b1",
    gridColor: INK.grid,
    labelPadding: 4,
  },
  title: {
    anchor: "start",
    color: INK.strong,
    fontSize: 14,
    fontWeight: "bold",
    subtitleColor: INK.muted,
    subtitleFontSize: 11,
    subtitlePadding: 4,
    offset: 10,
  },
  legend: { orient: "bottom", labelColor: INK.body, labelFontSize: 11, titleFontSize: 11, symbolSize: 90, columnPadding: 14 },
};
