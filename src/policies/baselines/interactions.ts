/**
 * A log of viewings in a platform's own index space: row r says user[r] watched streamer[r] at
 * tick[r]. The platform's ViewingLog (Platform.recordViewings) has this shape, so a run of the same
 * world can warm-start POP and BPR-MF. Indices mean nothing across worlds: a platform built with
 * another seed has other users and streamers under the same numbers.
 */
export interface Interactions {
  readonly n: number;
  readonly user: Int32Array;
  readonly streamer: Int32Array;
  readonly tick: Int32Array;
}

/** Checks that every row of `log` names a user and a streamer of the platform's index space. */
export function checkInteractions(log: Interactions, userCapacity: number, catalogueSize: number, who: string): void {
  if (!(Number.isInteger(log.n) && log.n >= 0) || log.user.length < log.n || log.streamer.length < log.n || log.tick.length < log.n) {
    throw new RangeError(`${who}: the training log claims ${log.n} rows but its columns hold ${Math.min(log.user.length, log.streamer.length, log.tick.length)}`);
  }
  for (let r = 0; r < log.n; r++) {
    const u = log.user[r], s = log.streamer[r];
    if (!(u >= 0 && u < userCapacity)) throw new RangeError(`${who}: training log row ${r} names user ${u}, outside the platform's 0..${userCapacity - 1}`);
    if (!(s >= 0 && s < catalogueSize)) throw new RangeError(`${who}: training log row ${r} names streamer ${s}, outside the catalogue 0..${catalogueSize - 1}`);
  }
}
