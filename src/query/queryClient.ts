import { externalError, userError } from "../errors/witnessError.ts";
import { openDuckdbStore, type QueryResult } from "../projection/duckdbStore.ts";
import { readRuntimeFile } from "./runtimeFile.ts";
import { runReadOnlyQuery } from "./sqlSandbox.ts";

export type SqlAnswer = QueryResult & { isTruncated: boolean; answeredBy: "running-witness" | "file" };

/** Asks the running Witness that owns the file; opens the file read-only itself only when none runs. */
export const querySql = async (duckdbPath: string, sql: string): Promise<SqlAnswer> => {
  const running = readRuntimeFile(duckdbPath);
  if (running) {
    let response: Response;
    try {
      response = await fetch(`${running.url}/v1/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sql }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (cause) {
      throw externalError("query.unreachable", `Witness (pid ${running.pid}) owns ${duckdbPath} but its API at ${running.url} does not answer: ${(cause as Error).message}`, cause);
    }
    const body = (await response.json()) as QueryResult & { isTruncated: boolean; error?: { code: string; message: string } };
    if (!response.ok) throw userError(body.error?.code ?? "query.failed", body.error?.message ?? `HTTP ${response.status}`);
    return { ...body, answeredBy: "running-witness" };
  }
  const store = await openDuckdbStore(duckdbPath, { isReadOnly: true });
  try {
    const connection = await store.connect();
    return { ...(await runReadOnlyQuery(connection, sql)), answeredBy: "file" };
  } finally {
    await store.close();
  }
};
