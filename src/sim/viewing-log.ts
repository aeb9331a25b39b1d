/**
 * Every viewing of a run (who started watching whom, when), recorded when asked for: the simulated
 * counterpart of a real interaction log, which calibration compares with one.
 */
/** Growable columns of every viewing. */
export class ViewingLog {
  n = 0;
  user: Int32Array = new Int32Array(1024);
  streamer: Int32Array = new Int32Array(1024);
  tick: Int32Array = new Int32Array(1024);

  push(u: number, s: number, t: number): void {
    if (this.n === this.user.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.user = grow(this.user);
      this.streamer = grow(this.streamer);
      this.tick = grow(this.tick);
    }
    this.user[this.n] = u;
    this.streamer[this.n] = s;
    this.tick[this.n] = t;
    this.n++;
  }
}

