/**
 * A WebAssembly module embedded as base64 (scripts/build-wasm.mjs writes them from assembly/):
 * compiled once per process on first use, instantiated as often as wanted, each instance with a
 * linear memory of its own that grows on request. The neural-network kernels (one instance per
 * network: its arena) and BPR-MF's steps (one per model) are loaded through it.
 */

// Node's global WebAssembly object is in neither the ES lib nor @types/node 20: declare the part
// used here (module-scoped, so it cannot clash with a global declaration elsewhere).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly __brand: "WebAssembly.Module";
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
};

const PAGE_BYTES = 65536;

/** What every module built by scripts/build-wasm.mjs exports (AssemblyScript, stub runtime). */
export interface BaseExports {
  readonly memory: WasmMemory;
  readonly _initialize: () => void;
  /** First byte after the module's static data. */
  readonly heapBase: () => number;
}

export class EmbeddedModule<E extends BaseExports> {
  private compiled: WasmModule | null = null;
  private failure: Error | null = null;

  /** @param what names the module in errors ("the SIMD kernels"). */
  constructor(private readonly base64: string, private readonly what: string) {}

  /** Whether this runtime compiles it (WebAssembly SIMD, for liveq's modules). */
  available(): boolean {
    try {
      this.module();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A new instance, initialised; `imports` are the functions it imports from "env" besides abort.
   * Throws naming the module when this runtime cannot compile it.
   */
  instantiate(imports: Record<string, unknown> = {}): E {
    const instance = new WebAssembly.Instance(this.module(), {
      env: {
        abort: () => {
          throw new Error(`${this.what}: kernel aborted`);
        },
        ...imports,
      },
    });
    const ex = instance.exports as E;
    ex._initialize();
    return ex;
  }

  private module(): WasmModule {
    if (this.compiled === null) {
      if (this.failure !== null) throw this.failure;
      try {
        this.compiled = new WebAssembly.Module(Buffer.from(this.base64, "base64"));
      } catch (e) {
        this.failure = new Error(`${this.what}: cannot compile (does this runtime support WebAssembly SIMD?): ${(e as Error).message}`);
        throw this.failure;
      }
    }
    return this.compiled;
  }
}

/** Grows an instance's memory to at least `bytes` (by half its size at least, so repeated growth stays cheap). */
export function growMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  const want = Math.max(bytes, Math.floor(have * 1.5));
  memory.grow(Math.ceil((want - have) / PAGE_BYTES));
}
