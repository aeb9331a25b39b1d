/**
 * Most viewed now: every user is shown the live streams with the most viewers at this moment (ties
 * by followers, then by catalogue index). The popularity baseline of live platforms; it sends
 * everyone to the same few streams, so it also shows what crowding costs.
 */
import type { Platform } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";

export class MostViewedNowPolicy implements SimPolicy {
  readonly name = "most-viewed-now";
  private top = new Int32Array(0);

  act(platform: Platform, actions: Int32Array): void {
    const live = platform.liveStreams, K = platform.slateSize, n = platform.nDeciding;
    const viewers = platform.streamers.viewers, followers = platform.streamers.followers;
    const k = Math.min(K, live.length);
    if (this.top.length < K) this.top = new Int32Array(K);
    const top = this.top;
    // Top k by (viewers, followers, -index), by insertion into a short sorted list.
    let m = 0;
    for (let j = 0; j < live.length; j++) {
      const s = live[j];
      let pos = m;
      while (pos > 0 && better(s, top[pos - 1], viewers, followers)) pos--;
      if (pos >= k) continue;
      for (let q = Math.min(m, k - 1); q > pos; q--) top[q] = top[q - 1];
      top[pos] = s;
      if (m < k) m++;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) actions[i * K + j] = j < m ? top[j] : -1;
    }
  }
}

function better(a: number, b: number, viewers: Int32Array, followers: Int32Array): boolean {
  if (viewers[a] !== viewers[b]) return viewers[a] > viewers[b];
  if (followers[a] !== followers[b]) return followers[a] > followers[b];
  return a < b;
}
