import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { externalError } from "../errors/witnessError.ts";
import { isProcessAlive } from "./processes.ts";

export type StackLockOptions = {
  timeoutMs: number;
  /** Called once when another live process holds the lock, with its pid. */
  onWait?: (holderPid: number) => void;
  signal?: AbortSignal;
};

const holderOf = async (lockPath: string): Promise<number | undefined> => {
  try {
    const pid = Number((await readFile(lockPath, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Released between our attempt and this read.
    return undefined;
  }
};

/**
 * Runs `work` while holding an exclusive lock file (created with O_EXCL and
 * holding our pid). Two commands starting the stack at once — `npm start`
 * and a test run, or parallel test files — would otherwise start it twice.
 * A lock left by a dead process is taken over.
 */
export const withStackLock = async <T>(lockPath: string, { timeoutMs, onWait, signal }: StackLockOptions, work: () => Promise<T>): Promise<T> => {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let hasReportedWait = false;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await holderOf(lockPath);
    if (holder !== undefined && !isProcessAlive(holder)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (holder === undefined) {
      // Being written right now, or left empty by a process that died at that moment.
      const ageMs = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (ageMs > 2_000) await rm(lockPath, { force: true });
      else await sleep(100);
      continue;
    }
    if (!hasReportedWait) {
      hasReportedWait = true;
      onWait?.(holder);
    }
    if (signal?.aborted) throw externalError("stack.lock-aborted", "Interrupted while waiting for another process to finish starting the local stack.", signal.reason, false);
    if (Date.now() >= deadline) {
      throw externalError("stack.lock-timeout", `Process ${holder} has held ${lockPath} for more than ${Math.round(timeoutMs / 1000)} s. If it is stuck, stop it (or delete the lock file) and try again.`);
    }
    await sleep(250);
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
};
