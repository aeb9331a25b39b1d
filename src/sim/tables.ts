/**
 * Lookup tables of functions of a small whole number, for the simulator's hot path.
 *
 * Several quantities of a decision are a transcendental function of an integer: social proof and
 * crowding of a viewer count, the familiarity of a number of past viewings, the recovery of
 * fatigue over a number of ticks. A table filled by calling the very same function gives the very
 * same double (a function of its argument alone), so reading it instead of calling Math.log or
 * Math.exp changes no result, bit for bit, and costs a load instead of some fifty instructions.
 *
 * A table covers 0 .. size-1, sized by its owner to every argument that can occur (viewers never
 * exceed the users, ticks and viewings never exceed the run's ticks). It keeps no reference to
 * the function: a call through a stored closure would differ from platform to platform and make
 * V8 recompile the code that inlines the lookup.
 */
export class IntFunctionTable {
  private readonly values: Float64Array;

  /** Tabulates f(0) .. f(size - 1). */
  constructor(f: (k: number) => number, size: number) {
    this.values = new Float64Array(size);
    for (let k = 0; k < size; k++) this.values[k] = f(k);
  }

  /** f(k) for a whole number 0 <= k < size, exactly as f computes it. */
  at(k: number): number {
    if (!(k < this.values.length)) throw new RangeError(`IntFunctionTable: ${k} is beyond the table (size ${this.values.length})`);
    return this.values[k];
  }

  byteSize(): number {
    return this.values.byteLength;
  }
}
