import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { externalError, userError } from "../errors/witnessError.ts";

export type MavenDownload = { url: string; sizeBytes: number };

const unitBytes: Record<string, number> = { B: 1, kB: 1_000, KB: 1_000, MB: 1_000_000, GB: 1_000_000_000 };

/** Reads one line of `mvn -B` output; returns the download it reports, if any. */
export const parseMavenDownloadLine = (line: string): MavenDownload | undefined => {
  const match = /Downloaded from [^:]+: (\S+) \((\d+(?:\.\d+)?) (B|kB|KB|MB|GB)\b/.exec(line);
  if (!match) return undefined;
  const [, url, amount, unit] = match as unknown as [string, string, string, string];
  return { url, sizeBytes: Math.round(Number(amount) * (unitBytes[unit] ?? 1)) };
};

export type MavenRunOptions = {
  args: string[];
  cwd: string;
  /** `mvn` unless told otherwise (e.g. `mvnw` or an absolute path). */
  mavenCommand?: string;
  onDownload?: (download: MavenDownload) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
};

const outputTailLines = 40;

/**
 * Runs Maven in batch mode and resolves when it succeeds. Output is parsed for
 * downloads (so callers can show progress) and its tail kept for the error
 * message when it fails.
 */
export const runMaven = ({ args, cwd, mavenCommand = "mvn", onDownload, timeoutMs = 30 * 60_000, signal }: MavenRunOptions): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(mavenCommand, ["-B", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], signal });
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > outputTailLines) tail.shift();
      const download = parseMavenDownloadLine(line);
      if (download) onDownload?.(download);
    };
    createInterface({ input: child.stdout }).on("line", remember);
    createInterface({ input: child.stderr }).on("line", remember);
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === "ENOENT") {
        reject(userError("stack.maven-missing", `Maven (\`${mavenCommand}\`) is not installed or not on PATH. Install Maven 3.8+ (e.g. \`apt-get install maven\`) so the local stack can fetch Kafka and Apicurio Registry from Maven Central, or point Witness at an existing cluster with KAFKA_BROKERS and SCHEMA_REGISTRY_URL.`, error));
      } else if (error.name === "AbortError") {
        reject(userError("stack.aborted", "Fetching the local stack was interrupted; run the command again to resume (finished downloads are kept).", error));
      } else {
        reject(externalError("stack.maven-failed", `Could not run Maven (\`${mavenCommand}\`): ${error.message}.`, error));
      }
    });
    child.on("exit", (code, exitSignal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = exitSignal ? `was stopped by ${exitSignal}${exitSignal === "SIGTERM" ? ` (timeout ${Math.round(timeoutMs / 1000)} s?)` : ""}` : `exited with code ${code}`;
      reject(externalError(
        "stack.maven-failed",
        `mvn ${args.join(" ")} ${why}. Last output:\n${tail.join("\n")}\nCheck network access to Maven Central (or the mirror in ~/.m2/settings.xml) and run again; finished downloads are kept.`,
      ));
    });
  });

/**
 * Counts downloads and bytes and reports them at most every `intervalMs`, so
 * a long fetch shows it is alive. Maven in batch mode reports a file only
 * once it is complete, so during one large download a heartbeat every
 * `heartbeatMs` says it is still working.
 */
export const downloadProgress = (report: (line: string) => void, label: string, intervalMs = 3_000, heartbeatMs = 15_000) => {
  const startedAt = Date.now();
  let files = 0;
  let bytes = 0;
  let lastReportAt = 0;
  let lastReportedFiles = 0;
  const describe = () => `${label}: ${files} file${files === 1 ? "" : "s"} downloaded (${(bytes / 1_000_000).toFixed(1)} MB)`;
  const heartbeat = setInterval(() => {
    if (Date.now() - lastReportAt < heartbeatMs) return;
    lastReportAt = Date.now();
    report(`${describe()}, still fetching after ${Math.round((Date.now() - startedAt) / 1000)} s…`);
  }, heartbeatMs);
  heartbeat.unref();
  return {
    onDownload: (download: MavenDownload) => {
      files += 1;
      bytes += download.sizeBytes;
      const now = Date.now();
      if (now - lastReportAt >= intervalMs) {
        lastReportAt = now;
        lastReportedFiles = files;
        report(`${describe()}…`);
      }
    },
    /** Stops the heartbeat and reports the totals; call it whether Maven succeeded or not. */
    finish: (isSuccess = true) => {
      clearInterval(heartbeat);
      // The totals, unless the last progress line already said exactly that.
      if (isSuccess && files > 0 && files !== lastReportedFiles) report(describe());
    },
  };
};

/** Runs Maven and reports its downloads as progress lines under `label`, closing the report whether it succeeds or fails. */
export const runMavenWithProgress = async (options: Omit<MavenRunOptions, "onDownload"> & { label: string; onProgress: (line: string) => void }): Promise<void> => {
  const progress = downloadProgress(options.onProgress, options.label);
  try {
    await runMaven({ ...options, onDownload: progress.onDownload });
  } catch (error) {
    progress.finish(false);
    throw error;
  }
  progress.finish();
};
