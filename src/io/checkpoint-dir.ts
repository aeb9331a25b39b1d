/**
 * Checkpoints on disk: a directory holding `manifest.json` and one binary data file.
 *
 * Format (version 1): manifest.json = { format: "liveq-checkpoint", formatVersion: 1, kind, version,
 * meta, data: "data-<id>.bin", bytes, arrays: [{ name, dtype, length, offset, crc32 }] }; each
 * array is stored little-endian at an 8-byte-aligned offset of the data file.
 *
 * Atomicity: the data file is written under a fresh name and fsynced, then the manifest is written
 * to a temporary file, fsynced and renamed over manifest.json (the commit point), then older data
 * files are removed. A crash at any moment leaves either the old or the new checkpoint, whole.
 * Loading verifies every length and checksum before returning anything.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { allocate, CheckpointError, dtypeOf, type CheckpointBundle, type DType, type StoredArray } from "../core/checkpoint/bundle.js";

const FORMAT = "liveq-checkpoint";
const FORMAT_VERSION = 1;
const MANIFEST = "manifest.json";

interface ManifestArray {
  name: string;
  dtype: DType;
  length: number;
  offset: number;
  crc32: number;
}
interface Manifest {
  format: string;
  formatVersion: number;
  kind: string;
  version: number;
  meta: Record<string, unknown>;
  data: string;
  bytes: number;
  arrays: ManifestArray[];
}

const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4, u32: 4, u8: 1 };

export function saveCheckpoint(dir: string, bundle: CheckpointBundle): void {
  mkdirSync(dir, { recursive: true });
  const entries: ManifestArray[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(bundle.arrays)) {
    offset = align8(offset);
    entries.push({ name, dtype: dtypeOf(a), length: a.length, offset, crc32: crc32(bytesOf(a)) });
    offset += a.byteLength;
  }
  const dataName = `data-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}.bin`;
  const fd = openSync(join(dir, dataName), "w");
  try {
    const pad = new Uint8Array(8);
    let pos = 0;
    for (const e of entries) {
      if (e.offset > pos) writeSync(fd, pad, 0, e.offset - pos, pos);
      const b = bytesOf(bundle.arrays[e.name]);
      writeSync(fd, b, 0, b.length, e.offset);
      pos = e.offset + b.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const manifest: Manifest = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: bundle.kind,
    version: bundle.version,
    meta: bundle.meta,
    data: dataName,
    bytes: offset,
    arrays: entries,
  };
  writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 1));
  for (const f of readdirSync(dir)) {
    if (f.startsWith("data-") && f.endsWith(".bin") && f !== dataName) rmSync(join(dir, f), { force: true });
  }
}

/** Loads and verifies a checkpoint; throws CheckpointError naming what is wrong. */
export function loadCheckpoint(dir: string, expect?: { kind?: string; version?: number }): CheckpointBundle {
  const mpath = join(dir, MANIFEST);
  if (!existsSync(mpath)) throw new CheckpointError(`checkpoint ${dir}: ${MANIFEST} not found`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(mpath, "utf8")) as Manifest;
  } catch (err) {
    throw new CheckpointError(`checkpoint ${dir}: ${MANIFEST} is not valid JSON (${(err as Error).message})`);
  }
  if (manifest?.format !== FORMAT) throw new CheckpointError(`checkpoint ${dir}: not a liveq checkpoint (format is ${JSON.stringify(manifest?.format)})`);
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new CheckpointError(`checkpoint ${dir}: format version ${manifest.formatVersion} is not supported (this liveq reads ${FORMAT_VERSION})`);
  }
  if (expect?.kind !== undefined && manifest.kind !== expect.kind) {
    throw new CheckpointError(`checkpoint ${dir}: holds a "${manifest.kind}", expected a "${expect.kind}"`);
  }
  if (expect?.version !== undefined && manifest.version !== expect.version) {
    throw new CheckpointError(`checkpoint ${dir}: "${manifest.kind}" version ${manifest.version}, expected ${expect.version}`);
  }
  if (typeof manifest.data !== "string" || !/^data-[\w-]+\.bin$/.test(manifest.data) || !Array.isArray(manifest.arrays)) {
    throw new CheckpointError(`checkpoint ${dir}: ${MANIFEST} is malformed (data or arrays)`);
  }
  const dpath = join(dir, manifest.data);
  if (!existsSync(dpath)) throw new CheckpointError(`checkpoint ${dir}: data file ${manifest.data} is missing`);
  const size = statSync(dpath).size;
  if (size !== manifest.bytes) throw new CheckpointError(`checkpoint ${dir}: data file ${manifest.data} has ${size} bytes, expected ${manifest.bytes} (truncated?)`);
  const data = readFileSync(dpath);
  const arrays: Record<string, StoredArray> = {};
  for (const e of manifest.arrays) {
    const width = BYTES[e.dtype];
    if (width === undefined || !Number.isInteger(e.length) || e.length < 0 || !Number.isInteger(e.offset) || e.offset % 8 !== 0) {
      throw new CheckpointError(`checkpoint ${dir}: array "${e.name}" has a malformed entry`);
    }
    const end = e.offset + e.length * width;
    if (end > data.length) throw new CheckpointError(`checkpoint ${dir}: array "${e.name}" runs past the end of the data file`);
    const a = allocate(e.dtype, e.length);
    const dst = bytesOf(a);
    dst.set(data.subarray(e.offset, end));
    if (crc32(dst) !== e.crc32) throw new CheckpointError(`checkpoint ${dir}: array "${e.name}" fails its checksum (corrupt data)`);
    arrays[e.name] = a;
  }
  return { kind: manifest.kind, version: manifest.version, meta: manifest.meta ?? {}, arrays };
}

/** Writes a file atomically: a temporary file in the same directory, fsync, then rename. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  const fd = openSync(tmp, "w");
  try {
    const b = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    writeSync(fd, b, 0, b.length, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function bytesOf(a: StoredArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE), written here because node:zlib.crc32 only arrived in Node 22. */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
