/** Running the CLI as a child process (through tsx), optionally sent Ctrl-C (SIGINT) once `interruptWhen` says so. */
import { spawn } from "node:child_process";

export function runChild(args: string[], interruptWhen?: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let poll: NodeJS.Timeout | undefined;
    if (interruptWhen) {
      poll = setInterval(() => {
        if (interruptWhen()) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 100);
    }
    child.on("close", (code) => {
      if (poll) clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}
