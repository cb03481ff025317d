import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { externalError, userError } from "../errors/witnessError.ts";
import { openDuckdbStore } from "../projection/duckdbStore.ts";
import { readRuntimeFile } from "../query/runtimeFile.ts";
import { checkSwappable, type SwapReport } from "./swapProjection.ts";
import { previousPath, replaceLiveFile } from "./swapFiles.ts";

export type SwapOutcome = { swappedBy: "running-witness"; report: SwapReport } | { swappedBy: "rename"; livePath: string; previousPath: string | null };

/**
 * Swaps a rebuilt file in: asks the Witness that owns `livePath` to do it
 * (pause, rename, resume), or, when none runs, renames it into place itself
 * after making sure no process holds the live file.
 */
export const requestSwap = async (livePath: string, rebuiltPath: string, projection: string, timeoutMs = 300_000): Promise<SwapOutcome> => {
  const running = readRuntimeFile(livePath);
  if (running) {
    let response: Response;
    try {
      response = await fetch(`${running.url}/v1/admin/swap`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ path: resolve(rebuiltPath) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw externalError("swap.unreachable", `Witness (pid ${running.pid}) owns ${livePath} but its API at ${running.url} does not answer: ${(cause as Error).message}`, cause);
    }
    const body = (await response.json()) as SwapReport & { error?: { code: string; message: string } };
    if (!response.ok) {
      const message = `The running Witness refused the swap: ${body.error?.message ?? `HTTP ${response.status}`}`;
      throw response.status < 500 ? userError(body.error?.code ?? "swap.refused", message) : externalError(body.error?.code ?? "swap.failed", message);
    }
    return { swappedBy: "running-witness", report: body };
  }
  checkSwappable(rebuiltPath, livePath, projection);
  const hadLive = existsSync(livePath);
  if (hadLive) {
    // DuckDB refuses to open a file another process writes: this fails while a Witness still holds it.
    const probe = await openDuckdbStore(livePath, { isReadOnly: true });
    await probe.close();
  }
  replaceLiveFile(rebuiltPath, livePath);
  return { swappedBy: "rename", livePath, previousPath: hadLive ? previousPath(livePath) : null };
};
