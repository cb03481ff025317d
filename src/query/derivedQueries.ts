import { z } from "zod";
import { userError } from "../errors/witnessError.ts";
import { evaluationKinds } from "../events/derived/evaluation.ts";
import { instinctDomains, instinctScopes } from "../events/derived/instinct.ts";
import { defaultSandboxLimits } from "./sqlSandbox.ts";

/**
 * Named queries over the derived projection, for `witness diagnoses|playbooks|
 * instincts|evaluations` (and any route that lists them). The query path takes
 * SQL text only, so filters are validated here and interpolated as quoted
 * literals or checked numbers, never as raw text.
 */

export const defaultListLimit = 50;

/** A DuckDB string literal: quotes doubled (DuckDB strings have no backslash escapes). */
export const sqlStringLiteral = (text: string): string => {
  if (text.includes("\u0000")) throw userError("query.filter", "A filter value cannot contain a NUL character.");
  return `'${text.replaceAll("'", "''")}'`;
};

const rfc3339 = z.iso.datetime({ offset: true, message: "expected an RFC 3339 time with offset, e.g. 2025-03-30T00:00:00Z" });
const text = (max: number) => z.string().min(1, "cannot be empty").max(max);
const limit = z
  .string()
  .regex(/^[1-9][0-9]*$/, "expected a whole number of rows, at least 1")
  .transform(Number)
  .pipe(z.number().max(defaultSandboxLimits.maxRows, `at most ${defaultSandboxLimits.maxRows} rows`))
  .default(defaultListLimit);
const fraction = z
  .string()
  .regex(/^(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+)$/, "expected a number from 0 to 1, e.g. 0.7")
  .transform(Number);

export const diagnosesFilterSchema = z.strictObject({
  avoid: z.boolean().default(false),
  endpoint: text(300).optional(),
  since: rfc3339.optional(),
  limit,
});
export type DiagnosesFilter = z.output<typeof diagnosesFilterSchema>;

export const playbooksFilterSchema = z.strictObject({
  operation: text(300).optional(),
  since: rfc3339.optional(),
  limit,
});
export type PlaybooksFilter = z.output<typeof playbooksFilterSchema>;

export const instinctsFilterSchema = z.strictObject({
  domain: z.enum(instinctDomains).optional(),
  scope: z.enum(instinctScopes).optional(),
  "min-confidence": fraction.optional(),
  since: rfc3339.optional(),
  limit,
});
export type InstinctsFilter = z.output<typeof instinctsFilterSchema>;

export const evaluationsFilterSchema = z.strictObject({
  user: text(300).optional(),
  kind: z.enum(evaluationKinds).optional(),
  since: rfc3339.optional(),
  limit,
});
export type EvaluationsFilter = z.output<typeof evaluationsFilterSchema>;

/** Validates filter values as given on the command line; the error names each bad flag and what it expects. */
export const parseListFilter = <S extends z.ZodType>(schema: S, values: unknown): z.output<S> => {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => (i.path.length > 0 ? `--${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
    throw userError("cli.filter", `Invalid filter: ${problems}.`);
  }
  return parsed.data;
};

const timestampLiteral = (time: string): string => `${sqlStringLiteral(time)}::TIMESTAMPTZ`;

const selectSql = (parts: { columns: string[]; from: string; conditions: (string | false)[]; orderBy: string; limit: number }): string => {
  const conditions = parts.conditions.filter((c): c is string => c !== false);
  return [
    `SELECT ${parts.columns.join(", ")}`,
    `FROM ${parts.from}`,
    ...(conditions.length > 0 ? [`WHERE ${conditions.join(" AND ")}`] : []),
    `ORDER BY ${parts.orderBy}`,
    `LIMIT ${parts.limit}`,
  ].join("\n");
};

const endpointsOf = `CAST(affected_endpoints AS VARCHAR[])`;

/** The latest standing diagnosis per signature, most recently seen first. `since` compares with the last failure seen. */
export const diagnosesSql = (filter: DiagnosesFilter): string =>
  selectSql({
    columns: ["last_seen", "cause", "failure_count", "avoid", `array_to_string(${endpointsOf}, ', ') AS endpoints`, "signature", "advice", "id"],
    from: "diagnoses_latest",
    conditions: [
      filter.avoid && "avoid",
      filter.endpoint !== undefined && `list_contains(${endpointsOf}, ${sqlStringLiteral(filter.endpoint)})`,
      filter.since !== undefined && `last_seen >= ${timestampLiteral(filter.since)}`,
    ],
    orderBy: "last_seen DESC, failure_count DESC, id",
    limit: filter.limit,
  });

/** The latest playbook per operation, most successes first. `since` compares with the last success. */
export const playbooksSql = (filter: PlaybooksFilter): string =>
  selectSql({
    columns: ["operation", "success_count", "attempt_count", "success_rate", "p95_duration_ms", "input_pattern", "last_success", "id"],
    from: "playbooks_latest",
    conditions: [
      filter.operation !== undefined && `operation = ${sqlStringLiteral(filter.operation)}`,
      filter.since !== undefined && `last_success >= ${timestampLiteral(filter.since)}`,
    ],
    orderBy: "success_count DESC, operation, id",
    limit: filter.limit,
  });

/** The latest state of every instinct, most confident first. `since` compares with the last observation. */
export const instinctsSql = (filter: InstinctsFilter): string => {
  const minConfidence = filter["min-confidence"];
  return selectSql({
    columns: ["confidence", "domain", "scope", `"trigger"`, "action", "observation_count", "last_seen", "id"],
    from: "instincts_latest",
    conditions: [
      filter.domain !== undefined && `domain = ${sqlStringLiteral(filter.domain)}`,
      filter.scope !== undefined && `scope = ${sqlStringLiteral(filter.scope)}`,
      minConfidence !== undefined && Number.isFinite(minConfidence) && `confidence >= ${minConfidence}`,
      filter.since !== undefined && `last_seen >= ${timestampLiteral(filter.since)}`,
    ],
    orderBy: "confidence DESC, last_seen DESC, id",
    limit: filter.limit,
  });
};

/** Every standing evaluation (each window is its own report or finding), newest window first. `since` compares with the window end. */
export const evaluationsSql = (filter: EvaluationsFilter): string =>
  selectSql({
    columns: ["window_start", "window_end", "kind", "user_id", "session_id", "audit_rule", "severity", "trajectory", "summary", "id"],
    from: "evaluations",
    conditions: [
      "NOT retracted",
      filter.user !== undefined && `user_id = ${sqlStringLiteral(filter.user)}`,
      filter.kind !== undefined && `kind = ${sqlStringLiteral(filter.kind)}`,
      filter.since !== undefined && `window_end >= ${timestampLiteral(filter.since)}`,
    ],
    orderBy: "window_end DESC, kind, id",
    limit: filter.limit,
  });
