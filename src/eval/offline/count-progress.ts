/**
 * A progress bar over a count of work items (validation checks, training epochs), with rate and
 * ETA, drawn on stderr only when stderr is a terminal.
 */
import cliProgress from "cli-progress";

export interface CountProgress {
  update(done: number, total?: number): void;
  stop(): void;
}

export function countProgressBar(label: string): CountProgress {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted}`, hideCursor: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total ?? 0, 0);
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
