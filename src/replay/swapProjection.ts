import { resolve } from "node:path";
import { userError } from "../errors/witnessError.ts";
import type { Logger } from "../observability/logger.ts";
import type { Projector } from "../projection/projector.ts";
import { readManifest } from "./replayManifest.ts";
import { checkReplaceable, previousPath, replaceLiveFile } from "./swapFiles.ts";
import type { SwappableStore } from "./swappableStore.ts";

export type SwapDeps = { store: SwappableStore; projector: Projector; projection: string; logger: Logger };

export type SwapReport = {
  livePath: string;
  previousPath: string;
  /** The live projector's offsets when it paused (old file) and where it resumed (new file). */
  pausedAt: Record<string, string>;
  resumedFrom: Record<string, string>;
  pausedMs: number;
};

const asJson = (offsets: ReadonlyMap<string, bigint>): Record<string, string> => Object.fromEntries([...offsets].sort().map(([k, v]) => [k, v.toString()]));

/** Only a verified full rebuild of the live projection may replace it. */
export const checkSwappable = (rebuiltPath: string, livePath: string, projection: string): void => {
  const manifest = readManifest(rebuiltPath);
  if (!manifest.isVerified) throw userError("swap.unverified", `${rebuiltPath} did not verify; rebuild it (witness replay) before swapping it in.`);
  if (manifest.asOf !== null) throw userError("swap.as_of", `${rebuiltPath} is the state as of ${manifest.asOf}: a snapshot to read, not a position to resume from.`);
  if (manifest.projection !== projection) throw userError("swap.projection", `${rebuiltPath} holds projection ${manifest.projection}, the live one is ${projection}.`);
  checkReplaceable(rebuiltPath, livePath);
};

/**
 * Swaps a rebuilt file in under the running projector: pause it (the batch in
 * flight commits first), close the store, rename the rebuilt file over the live
 * one (the old stays as `.previous`), reopen, and resume from the new file's
 * stored offsets. The rebuilt file stops at the end offsets captured when its
 * replay began, so the projector re-reads what came since into the new file:
 * nothing is lost, and nothing is in the file twice. Dead letters it already
 * published for those records are recorded again, not published again.
 */
export const createSwapper = (deps: SwapDeps): ((rebuiltPath: string) => Promise<SwapReport>) => {
  const log = deps.logger.child({ component: "swap" });
  let isSwapping = false;
  return async (rebuiltPath) => {
    const rebuilt = resolve(rebuiltPath);
    if (isSwapping) throw userError("swap.busy", "A swap is already under way; try again when it has finished.");
    checkSwappable(rebuilt, deps.store.path, deps.projection);
    isSwapping = true;
    const startedAt = Date.now();
    try {
      await deps.projector.pause();
      const pausedAt = deps.projector.checkpoints();
      try {
        await deps.store.swap(async () => {
          const { undo } = replaceLiveFile(rebuilt, deps.store.path);
          return { undo: async () => undo() };
        });
      } finally {
        // On failure the old file is back in place: resume on it.
        await deps.projector.resume({ deadLetteredBefore: pausedAt });
      }
      const report: SwapReport = {
        livePath: deps.store.path,
        previousPath: previousPath(deps.store.path),
        pausedAt: asJson(pausedAt),
        resumedFrom: asJson(deps.projector.checkpoints()),
        pausedMs: Date.now() - startedAt,
      };
      log.info(report, "swapped in a rebuilt projection");
      return report;
    } finally {
      isSwapping = false;
    }
  };
};
