import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { z } from "zod";

/**
 * DuckDB lets one process hold a file. The running Witness writes where its API
 * listens next to the file, so `witness sql` asks it instead of opening the file.
 */
const runtimeSchema = z.object({ pid: z.number().int(), url: z.string(), duckdbPath: z.string() });
export type RuntimeInfo = z.infer<typeof runtimeSchema>;

export const runtimeFilePath = (duckdbPath: string): string => `${duckdbPath}.runtime.json`;

export const writeRuntimeFile = (info: RuntimeInfo): void => writeFileSync(runtimeFilePath(info.duckdbPath), JSON.stringify(info));

export const removeRuntimeFile = (duckdbPath: string): void => rmSync(runtimeFilePath(duckdbPath), { force: true });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The running owner of `duckdbPath`, if there is one. */
export const readRuntimeFile = (duckdbPath: string): RuntimeInfo | undefined => {
  try {
    const info = runtimeSchema.parse(JSON.parse(readFileSync(runtimeFilePath(duckdbPath), "utf8")));
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
};
