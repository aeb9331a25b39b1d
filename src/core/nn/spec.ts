/**
 * Checking a QNetworkSpec and deriving the shapes of its dense layers.
 */
import type { QNetworkSpec } from "./types.js";

/** One dense layer of a network: its shape and where its W and b sit in the flat parameter vector. */
export interface LayerShape {
  readonly nIn: number;
  readonly nOut: number;
  /** Whether ReLU follows (all hidden layers; not the head). */
  readonly relu: boolean;
  /** Offset of W (nOut * nIn floats) in the parameter vector, in floats. */
  readonly wOffset: number;
  /** Offset of b (nOut floats) in the parameter vector, in floats. */
  readonly bOffset: number;
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1;
}

/** Throws a RangeError naming the offending field when `spec` is not a valid network spec. */
export function validateSpec(spec: QNetworkSpec): void {
  if (spec === null || typeof spec !== "object") throw new TypeError("QNetworkSpec: expected an object");
  if (!isPositiveInt(spec.inputSize)) throw new RangeError(`QNetworkSpec.inputSize must be a positive integer, got ${spec.inputSize}`);
  if (!Array.isArray(spec.hidden)) throw new RangeError("QNetworkSpec.hidden must be an array of positive integers");
  spec.hidden.forEach((h, i) => {
    if (!isPositiveInt(h)) throw new RangeError(`QNetworkSpec.hidden[${i}] must be a positive integer, got ${h}`);
  });
  if (!isPositiveInt(spec.actions)) throw new RangeError(`QNetworkSpec.actions must be a positive integer, got ${spec.actions}`);
  if (spec.head !== "linear" && spec.head !== "dueling") {
    throw new RangeError(`QNetworkSpec.head must be "linear" or "dueling", got ${String(spec.head)}`);
  }
}

/** The dense layers of a spec, trunk then head, with their parameter offsets. */
export function layerShapes(spec: QNetworkSpec): LayerShape[] {
  const widths = [spec.inputSize, ...spec.hidden, spec.head === "dueling" ? spec.actions + 1 : spec.actions];
  const layers: LayerShape[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const nIn = widths[l], nOut = widths[l + 1];
    layers.push({ nIn, nOut, relu: l + 2 < widths.length, wOffset: offset, bOffset: offset + nIn * nOut });
    offset += nIn * nOut + nOut;
  }
  return layers;
}

/** Total number of trainable parameters of a spec. */
export function paramCountOf(spec: QNetworkSpec): number {
  return layerShapes(spec).reduce((n, l) => n + l.nIn * l.nOut + l.nOut, 0);
}

/** Whether two specs describe the same architecture. */
export function sameSpec(a: QNetworkSpec, b: QNetworkSpec): boolean {
  return (
    a.inputSize === b.inputSize &&
    a.actions === b.actions &&
    a.head === b.head &&
    a.hidden.length === b.hidden.length &&
    a.hidden.every((h, i) => h === b.hidden[i])
  );
}

export function describeSpec(s: QNetworkSpec): string {
  return `${[s.inputSize, ...s.hidden, s.actions].join("->")} (${s.head})`;
}
