import { z } from "zod";
import type { QueryResult } from "../projection/duckdbStore.ts";
import { sqlStringLiteral } from "./derivedQueries.ts";

/**
 * Advice: before an agent acts, it asks for what Witness learned about the
 * operation it is about to call — failures to avoid, the playbook that works,
 * and the instincts that apply in its project. Read-only named queries over the
 * derived projection, shared by GET /v1/advice and `witness advice`.
 */
export const adviceRequestSchema = z.strictObject({
  operation: z.string().min(1, "name the operation (endpoint or tool) you are about to call").max(300),
  project: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});
export type AdviceRequest = z.output<typeof adviceRequestSchema>;

export type Advice = {
  operation: string;
  avoid: Record<string, unknown>[];
  playbooks: Record<string, unknown>[];
  instincts: Record<string, unknown>[];
};

/** The word an instinct would mention: `tool:web_fetch` → `web_fetch`, `POST /v1/search` → `/v1/search`. */
export const operationKeyword = (operation: string): string => operation.replace(/^(tool|llm|job):/, "").replace(/^[A-Z]+\s+/, "");

export const adviceSql = ({ operation, project, limit }: AdviceRequest) => {
  const op = sqlStringLiteral(operation);
  const keyword = sqlStringLiteral(`%${operationKeyword(operation).replaceAll("%", "").replaceAll("_", "\\_")}%`);
  const inProject = project ? `OR list_contains(CAST(projects AS VARCHAR[]), ${sqlStringLiteral(project)})` : "";
  return {
    avoid: `SELECT id, signature, cause, failure_count, last_seen, advice, avoid_reason FROM (
        SELECT *, json_extract_string(data, '$.avoid_reason') AS avoid_reason FROM diagnoses_latest)
      WHERE avoid AND list_contains(CAST(affected_endpoints AS VARCHAR[]), ${op})
      ORDER BY last_seen DESC LIMIT ${limit}`,
    playbooks: `SELECT id, operation, input_pattern, success_count, success_rate, mean_duration_ms, p95_duration_ms,
        json_extract(data, '$.avoid_notes') AS avoid_notes
      FROM playbooks_latest WHERE operation = ${op} ORDER BY last_success DESC LIMIT ${limit}`,
    instincts: `SELECT id, "trigger", action, confidence, domain, scope FROM instincts_latest
      WHERE (scope = 'global' ${inProject})
        AND ("trigger" ILIKE ${keyword} ESCAPE '\\' OR action ILIKE ${keyword} ESCAPE '\\')
      ORDER BY confidence DESC, id LIMIT ${limit}`,
  };
};

/** Runs the advice queries with `run` (the running Witness's read connection or a read-only file). */
export const adviseOn = async (run: (sql: string) => Promise<QueryResult>, request: AdviceRequest): Promise<Advice> => {
  const sql = adviceSql(request);
  const [avoid, playbooks, instincts] = [await run(sql.avoid), await run(sql.playbooks), await run(sql.instincts)];
  return { operation: request.operation, avoid: avoid.rows, playbooks: playbooks.rows, instincts: instincts.rows };
};
