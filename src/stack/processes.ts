import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { externalError } from "../errors/witnessError.ts";

export type DetachedProcess = {
  pid: number;
  /** Settles when the process exits while we are still running: its exit code, or the signal name. */
  exited: Promise<string>;
};

export type SpawnDetachedOptions = {
  command: string;
  args: string[];
  cwd: string;
  /** stdout and stderr are appended here (JVM crash output lands in it). */
  outputFile: string;
};

/**
 * Starts a process in its own process group that outlives us: Ctrl-C on the
 * command that started the stack does not stop the stack.
 */
export const spawnDetached = ({ command, args, cwd, outputFile }: SpawnDetachedOptions): Promise<DetachedProcess> =>
  new Promise((resolve, reject) => {
    const output = openSync(outputFile, "a");
    const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", output, output] });
    closeSync(output);
    const exited = new Promise<string>((settle) => child.once("exit", (code, signal) => settle(signal ?? `exit code ${code}`)));
    child.once("error", (error) => reject(externalError("stack.spawn-failed", `Could not start ${command}: ${error.message}.`, error, false)));
    child.once("spawn", () => {
      child.unref();
      resolve({ pid: child.pid!, exited });
    });
  });

/** Linux keeps a dead child as a zombie until reaped; it answers signal 0 but is not running. */
const isZombie = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    // No /proc (macOS) or the process is gone: not a zombie we can see.
    return false;
  }
};

export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
};

/**
 * True when `pid` is alive and, where /proc lets us check, its command line
 * contains `marker`. Guards against signalling an unrelated process that
 * reused a pid we recorded long ago.
 */
export const isMarkedProcess = (pid: number, marker: string): boolean => {
  if (!isProcessAlive(pid)) return false;
  const cmdlinePath = `/proc/${pid}/cmdline`;
  if (!existsSync("/proc/self/cmdline")) return true;
  try {
    return readFileSync(cmdlinePath, "utf8").split("\0").includes(marker);
  } catch {
    // It exited between the two checks.
    return false;
  }
};

/**
 * Every live process whose command line carries `marker` (Linux /proc only;
 * elsewhere none are found). Finds stack processes nobody recorded — e.g.
 * when the command that started them was killed before it wrote the state
 * file — which would otherwise hold the data directories' locks.
 */
export const findMarkedProcesses = (marker: string): number[] => {
  if (!existsSync("/proc/self/cmdline")) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid && isMarkedProcess(pid, marker));
};

export type StopOutcome = "not-running" | "terminated" | "killed";

/** SIGTERM, then SIGKILL if it is still alive after `graceMs`. Only signals a process carrying `marker`. */
export const stopProcess = async (pid: number, marker: string, graceMs = 30_000): Promise<StopOutcome> => {
  if (!isMarkedProcess(pid, marker)) return "not-running";
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(200);
    if (!isProcessAlive(pid)) return "terminated";
  }
  if (!isProcessAlive(pid)) return "terminated";
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 50 && isProcessAlive(pid); i++) await sleep(100);
  return "killed";
};
