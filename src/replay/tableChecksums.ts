import type { QueryResult } from "../projection/duckdbStore.ts";

export type RunSql = (sql: string, values?: (string | number)[]) => Promise<QueryResult>;

export type TableChecksum = { table: string; rows: number; checksum: string };

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Every base table of the database (views are functions of them), by name. */
export const listTables = async (run: RunSql): Promise<string[]> =>
  (await run(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal AND NOT temporary ORDER BY table_name`)).rows.map((r) =>
    String(r.table_name),
  );

/**
 * A checksum per table that ignores row order but not duplicates: the sum,
 * modulo 2^64, of DuckDB's hash of every row (all columns, Kafka positions
 * included — a full replay reads the same records at the same offsets), shown
 * as 16 hex digits next to the row count. XOR would cancel duplicate rows;
 * a sum does not.
 */
export const tableChecksums = async (run: RunSql, tables?: readonly string[]): Promise<TableChecksum[]> => {
  const checksums: TableChecksum[] = [];
  for (const table of tables ?? (await listTables(run))) {
    const { rows } = await run(
      `SELECT count(*) AS n, lpad(hex((coalesce(sum(hash(*COLUMNS(*))), 0) % 18446744073709551616)::UBIGINT), 16, '0') AS h FROM ${quoted(table)}`,
    );
    checksums.push({ table, rows: Number(rows[0]!.n), checksum: String(rows[0]!.h).toLowerCase() });
  }
  return checksums;
};

/** Tables whose rows name the Kafka record they came from (every projected table; not the bookkeeping ones). */
export const positionedTables = async (run: RunSql): Promise<string[]> =>
  (
    await run(`
      SELECT c.table_name FROM duckdb_columns() c
      JOIN duckdb_tables() t ON t.schema_name = c.schema_name AND t.table_name = c.table_name
      WHERE c.schema_name = 'main' AND NOT t.internal AND c.table_name <> 'dead_letters'
        AND c.column_name IN ('kafka_topic', 'kafka_partition', 'kafka_offset')
      GROUP BY c.table_name HAVING count(*) = 3 ORDER BY c.table_name`)
  ).rows.map((r) => String(r.table_name));

/**
 * Per topic, how many distinct Kafka records left at least one row (a derived
 * record leaves a history row and maybe the current-state row: counted once).
 */
export const recordsWithRows = async (run: RunSql): Promise<Map<string, number>> => {
  const tables = await positionedTables(run);
  if (tables.length === 0) return new Map();
  const union = tables.map((t) => `SELECT kafka_topic, kafka_partition, kafka_offset FROM ${quoted(t)}`).join(" UNION ");
  const { rows } = await run(`SELECT kafka_topic AS topic, count(*) AS n FROM (${union}) GROUP BY ALL`);
  return new Map(rows.map((r) => [String(r.topic), Number(r.n)]));
};

export const deadLettersPerTopic = async (run: RunSql, projection: string): Promise<Map<string, number>> => {
  const { rows } = await run(`SELECT kafka_topic AS topic, count(*) AS n FROM dead_letters WHERE projection = $1 GROUP BY ALL`, [projection]);
  return new Map(rows.map((r) => [String(r.topic), Number(r.n)]));
};

export const storedOffsets = async (run: RunSql, projection: string): Promise<Map<string, bigint>> => {
  const { rows } = await run(`SELECT topic, "partition", next_offset::VARCHAR AS next_offset FROM projection_offsets WHERE projection = $1`, [projection]);
  return new Map(rows.map((r) => [`${String(r.topic)}:${Number(r.partition)}`, BigInt(String(r.next_offset))]));
};
