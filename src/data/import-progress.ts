/**
 * A progress bar for reading a large file: bytes read, rate and time left, drawn on stderr so that
 * stdout stays clean for JSON output.
 */
import cliProgress from "cli-progress";

export interface ByteProgress {
  update(bytesRead: number): void;
  stop(): void;
}

/** A bar over `totalBytes`; drawn only when stderr is a terminal (cli-progress skips it otherwise). */
export function byteProgressBar(totalBytes: number, label: string): ByteProgress {
  const mib = (b: number) => (b / 1048576).toFixed(1);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {readMiB}/{totalMiB} MiB | {rate} MiB/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(totalBytes, 0, { readMiB: "0.0", totalMiB: mib(totalBytes), rate: "0.0" });
  return {
    update(bytesRead: number) {
      const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
      bar.update(bytesRead, { readMiB: mib(bytesRead), rate: (bytesRead / 1048576 / seconds).toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}
