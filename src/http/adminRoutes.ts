import { userError } from "../errors/witnessError.ts";
import type { SwapReport } from "../replay/swapProjection.ts";
import type { Routes } from "./httpServer.ts";

export type AdminRouteDeps = { swap: (rebuiltPath: string) => Promise<SwapReport> };

/** Operations on the running Witness: `witness replay --swap` asks here to swap a rebuilt projection in. */
export const createAdminRoutes = ({ swap }: AdminRouteDeps): Routes => ({
  "POST /v1/admin/swap": async ({ body }) => {
    const path = (body as { path?: unknown } | undefined)?.path;
    if (typeof path !== "string" || path.trim() === "") throw userError("swap.body", 'Send {"path": "<rebuilt DuckDB file next to the live one>"}.');
    return { status: 200, body: await swap(path) };
  },
});
