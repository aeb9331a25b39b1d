/**
 * Text widths for vega's layout in Node. Without a canvas, vega guesses every character to be
 * 0.8 em wide, which leaves charts with wide empty margins (about 60% too much for Arial). No
 * small library measures text without a native canvas, so this carries the widths of Arial's
 * printable ASCII (identical to Helvetica's and to Liberation Sans', which Debian's Chromium
 * uses for Arial), in thousandths of an em, and plugs them in through vega's documented hook
 * for user-defined text metrics (`textMetrics.width`, as vl-convert does).
 */
import * as vega from "vega";

// Widths of ' ' (32) to '~' (126), regular weight.
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' ' .. '/'
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // '0' .. '?'
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // '@' .. 'O'
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 'P' .. '_'
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // '`' .. 'o'
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, //      'p' .. '~'
];
/** Anything else (±, ×, ↑, ε, —): about a digit's width. */
const OTHER = 600;
/** Bold Arial is on average this much wider than regular. */
const BOLD_FACTOR = 1.08;

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
}

export function arialTextWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const s = text == null ? "" : String(text).trim();
  let units = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    units += c >= 32 && c <= 126 ? REGULAR[c - 32]! : OTHER;
  }
  const bold = item.fontWeight === "bold" || (typeof item.fontWeight === "number" && item.fontWeight >= 600);
  return (units / 1000) * size * (bold ? BOLD_FACTOR : 1);
}

/** Makes vega measure text with arialTextWidth (idempotent; affects this process's vega). */
export function useArialTextMetrics(): void {
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = arialTextWidth;
}
