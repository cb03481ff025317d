import { derivedTopics, type DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import type { DerivedEvent } from "../events/derived/derivedFamilies.ts";
import type { DiagnosisEvent } from "../events/derived/diagnosis.ts";
import type { EvaluationData, EvaluationEvent } from "../events/derived/evaluation.ts";
import type { InstinctEvent } from "../events/derived/instinct.ts";
import type { PlaybookEvent } from "../events/derived/playbook.ts";
import { column, positionColumns, type CellValue, type Column, type KafkaPosition } from "./columns.ts";

/**
 * Every derived family is projected twice:
 * - `<family>_history`: one row per (id, revision) ever seen — corrections and
 *   retractions included, redeliveries not (primary key, insert-or-ignore);
 * - `<family>`: the current state, one row per id holding its highest revision
 *   (a retraction stays as a row with `retracted` true and null data);
 * and a view `<family>_latest`: the latest standing (not retracted) result per
 * (analyzer, key), since hopping windows give one id per key and window.
 */
export type DerivedTable<E extends DerivedEvent> = {
  family: string;
  history: string;
  current: string;
  latest: string;
  columns: readonly Column<E>[];
};

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

const envelopeColumns = <E extends DerivedEvent>(): Column<E>[] => [
  column("id", "VARCHAR", (e) => e.id),
  column("revision", "INTEGER", (e) => e.revision),
  column("retracted", "BOOLEAN", (e) => e.retracted),
  column("analyzer", "VARCHAR", (e) => e.analyzer),
  column("analyzer_version", "VARCHAR", (e) => e.analyzer_version),
  column("key", "VARCHAR", (e) => e.key),
  column("window_start", "TIMESTAMPTZ", (e) => e.window_start),
  column("window_end", "TIMESTAMPTZ", (e) => e.window_end),
  column("time", "TIMESTAMPTZ", (e) => e.time),
  column("source", "VARCHAR", (e) => e.source),
  column("subject", "VARCHAR", (e) => e.subject),
  column("evidence_count", "INTEGER", (e) => e.evidence_count),
  column("evidence", "JSON", (e) => json(e.evidence)),
  column("data", "JSON", (e) => json(e.data)),
];

/** The envelope, the family's flattened columns (null when retracted), the full data as JSON, and the Kafka position. */
const derivedColumns = <E extends DerivedEvent>(flattened: Column<E>[]): Column<E>[] => [...envelopeColumns<E>(), ...flattened, ...positionColumns<E>()];

export const diagnosisColumns = derivedColumns<DiagnosisEvent>([
  column("signature", "VARCHAR", (e) => e.data?.signature ?? null),
  column("cause", "VARCHAR", (e) => e.data?.cause ?? null),
  column("avoid", "BOOLEAN", (e) => e.data?.avoid ?? null),
  column("failure_count", "INTEGER", (e) => e.data?.failure_count ?? null),
  column("success_count", "INTEGER", (e) => e.data?.success_count ?? null),
  column("affected_endpoints", "JSON", (e) => json(e.data?.affected_endpoints)),
  column("first_seen", "TIMESTAMPTZ", (e) => e.data?.first_seen ?? null),
  column("last_seen", "TIMESTAMPTZ", (e) => e.data?.last_seen ?? null),
  column("advice", "VARCHAR", (e) => e.data?.advice ?? null),
]);

export const playbookColumns = derivedColumns<PlaybookEvent>([
  column("operation", "VARCHAR", (e) => e.data?.operation ?? null),
  column("kind", "VARCHAR", (e) => e.data?.kind ?? null),
  column("input_pattern", "VARCHAR", (e) => e.data?.input_pattern ?? null),
  column("success_count", "INTEGER", (e) => e.data?.success_count ?? null),
  column("attempt_count", "INTEGER", (e) => e.data?.attempt_count ?? null),
  column("success_rate", "DOUBLE", (e) => e.data?.success_rate ?? null),
  column("mean_duration_ms", "DOUBLE", (e) => e.data?.mean_duration_ms ?? null),
  column("p95_duration_ms", "DOUBLE", (e) => e.data?.p95_duration_ms ?? null),
  column("last_success", "TIMESTAMPTZ", (e) => e.data?.last_success ?? null),
]);

export const instinctColumns = derivedColumns<InstinctEvent>([
  column("trigger", "VARCHAR", (e) => e.data?.trigger ?? null),
  column("action", "VARCHAR", (e) => e.data?.action ?? null),
  column("confidence", "DOUBLE", (e) => e.data?.confidence ?? null),
  column("domain", "VARCHAR", (e) => e.data?.domain ?? null),
  column("scope", "VARCHAR", (e) => e.data?.scope ?? null),
  column("pattern", "VARCHAR", (e) => e.data?.pattern ?? null),
  column("projects", "JSON", (e) => json(e.data?.projects)),
  column("observation_count", "INTEGER", (e) => e.data?.observation_count ?? null),
  column("last_seen", "TIMESTAMPTZ", (e) => e.data?.last_seen ?? null),
]);

/** One line per evaluation, whatever its kind: the meta's consensus, the day's summary, the week's objective or the finding. */
export const evaluationSummaryOf = (data: EvaluationData): string | null =>
  data.meta?.consensus ?? data.daily?.summary ?? data.weekly?.monthly_objective ?? data.audit_finding?.description ?? null;

export const evaluationColumns = derivedColumns<EvaluationEvent>([
  column("kind", "VARCHAR", (e) => e.data?.kind ?? null),
  column("user_id", "VARCHAR", (e) => e.data?.user_id ?? null),
  column("summary", "VARCHAR", (e) => (e.data ? evaluationSummaryOf(e.data) : null)),
  column("trajectory", "VARCHAR", (e) => e.data?.meta?.trajectory ?? e.data?.daily?.trajectory ?? e.data?.weekly?.trajectory ?? null),
  column("inactivity_flag", "BOOLEAN", (e) => e.data?.daily?.inactivity_flag ?? null),
  column("audit_rule", "VARCHAR", (e) => e.data?.audit_finding?.rule ?? null),
  column("session_id", "VARCHAR", (e) => e.data?.audit_finding?.session_id ?? null),
  column("severity", "VARCHAR", (e) => e.data?.audit_finding?.severity ?? null),
]);

const derivedTable = <E extends DerivedEvent>(family: string, columns: Column<E>[]): DerivedTable<E> => ({
  family,
  history: `${family}_history`,
  current: family,
  latest: `${family}_latest`,
  columns,
});

/** Logical derived topic → its tables. */
export const derivedTables = {
  [derivedTopics.diagnoses]: derivedTable("diagnoses", diagnosisColumns),
  [derivedTopics.playbooks]: derivedTable("playbooks", playbookColumns),
  [derivedTopics.instincts]: derivedTable("instincts", instinctColumns),
  [derivedTopics.evaluations]: derivedTable("evaluations", evaluationColumns),
} as const satisfies Record<DerivedTopic, DerivedTable<never>>;

const quoted = (name: string): string => `"${name}"`;
const columnList = (columns: readonly Column<never>[]): string => columns.map((c) => quoted(c.name)).join(", ");
const columnDefinitions = (columns: readonly Column<never>[]): string => columns.map((c) => `${quoted(c.name)} ${c.sqlType}`).join(", ");

/** DDL for the derived tables and views; idempotent, run when the store opens for writing. */
export const createDerivedTablesSql = (): string[] =>
  Object.values(derivedTables).flatMap((table) => {
    const columns = table.columns as readonly Column<never>[];
    return [
      `CREATE TABLE IF NOT EXISTS ${table.history} (${columnDefinitions(columns)}, PRIMARY KEY ("id", "revision"))`,
      `CREATE TABLE IF NOT EXISTS ${table.current} (${columnDefinitions(columns)}, PRIMARY KEY ("id"))`,
      `CREATE OR REPLACE VIEW ${table.latest} AS SELECT * FROM ${table.current} WHERE NOT "retracted"
       QUALIFY row_number() OVER (PARTITION BY "analyzer", "key" ORDER BY "window_end" DESC, "id") = 1`,
    ];
  });

/** `$1::TYPE, $2::TYPE, …` for `rowCount` rows: every value bound, cast to its column's type. */
const valuesPlaceholders = (columns: readonly Column<never>[], rowCount: number): string =>
  Array.from({ length: rowCount }, (_, row) => `(${columns.map((c, i) => `$${row * columns.length + i + 1}::${c.sqlType}`).join(", ")})`).join(", ");

/** Inserts rows into a history table; an (id, revision) already there is left as it is. */
export const insertHistorySql = (table: DerivedTable<never>, rowCount: number): string =>
  `INSERT INTO ${table.history} (${columnList(table.columns)}) VALUES ${valuesPlaceholders(table.columns, rowCount)} ON CONFLICT ("id", "revision") DO NOTHING`;

/**
 * Upserts rows into a current-state table: a row replaces the stored one only
 * with a strictly higher revision. The rows of one statement must have distinct ids.
 */
export const upsertCurrentSql = (table: DerivedTable<never>, rowCount: number): string => {
  const updates = table.columns.filter((c) => c.name !== "id").map((c) => `${quoted(c.name)} = excluded.${quoted(c.name)}`);
  return `INSERT INTO ${table.current} (${columnList(table.columns)}) VALUES ${valuesPlaceholders(table.columns, rowCount)}
    ON CONFLICT ("id") DO UPDATE SET ${updates.join(", ")} WHERE excluded."revision" > ${table.current}."revision"`;
};

/** The bound values of rows, in column order, row after row. */
export const rowValues = <E>(columns: readonly Column<E>[], rows: readonly { event: E; position: KafkaPosition }[]): CellValue[] =>
  rows.flatMap(({ event, position }) => columns.map((c) => c.value(event, position)));
