import { existsSync, linkSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { userError } from "../errors/witnessError.ts";
import { manifestPath, moveManifest } from "./replayManifest.ts";

export const previousPath = (livePath: string): string => `${livePath}.previous`;

/** Refuses what cannot be renamed atomically over the live file. */
export const checkReplaceable = (rebuiltPath: string, livePath: string): void => {
  if (resolve(rebuiltPath) === resolve(livePath)) throw userError("swap.same_file", `${rebuiltPath} is the live file itself.`);
  if (!existsSync(rebuiltPath)) throw userError("swap.missing", `${rebuiltPath} does not exist.`);
  if (existsSync(`${rebuiltPath}.wal`)) {
    throw userError("swap.open", `${rebuiltPath} has a write-ahead log: it is still open or was not closed cleanly. Let the replay finish, then swap.`);
  }
  if (statSync(dirname(resolve(rebuiltPath))).dev !== statSync(dirname(resolve(livePath))).dev) {
    throw userError("swap.filesystem", `${rebuiltPath} is on another filesystem than ${livePath}; a rename is atomic only within one. Rebuild with --out in ${dirname(livePath)}.`);
  }
};

/**
 * Puts the rebuilt file at the live path with one atomic rename; the old file
 * stays as `<live>.previous` (hard-linked first, so the live path never
 * disappears). Both files must be closed. Returns how to put the old one back.
 */
export const replaceLiveFile = (rebuiltPath: string, livePath: string): { undo: () => void } => {
  checkReplaceable(rebuiltPath, livePath);
  const previous = previousPath(livePath);
  const hadLive = existsSync(livePath);
  if (hadLive) {
    rmSync(previous, { force: true });
    rmSync(`${previous}.wal`, { force: true });
    rmSync(manifestPath(previous), { force: true });
    linkSync(livePath, previous);
    if (existsSync(`${livePath}.wal`)) renameSync(`${livePath}.wal`, `${previous}.wal`);
    moveManifest(livePath, previous);
  }
  renameSync(rebuiltPath, livePath);
  moveManifest(rebuiltPath, livePath);
  return {
    undo: () => {
      rmSync(rebuiltPath, { force: true });
      linkSync(livePath, rebuiltPath);
      moveManifest(livePath, rebuiltPath);
      if (!hadLive) return rmSync(livePath, { force: true });
      renameSync(previous, livePath);
      if (existsSync(`${previous}.wal`)) renameSync(`${previous}.wal`, `${livePath}.wal`);
      moveManifest(previous, livePath);
    },
  };
};
