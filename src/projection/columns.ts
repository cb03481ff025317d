import type { DuckDBAppender } from "@duckdb/node-api";
import { timestampTZValue } from "@duckdb/node-api";

export type SqlType = "VARCHAR" | "BOOLEAN" | "DOUBLE" | "BIGINT" | "INTEGER" | "TIMESTAMPTZ" | "JSON" | "BLOB";
export type CellValue = string | number | boolean | bigint | Uint8Array | null;

/** Where a projected row came from in Kafka; every table keeps it so rows trace back to their record. */
export type KafkaPosition = { topic: string; partition: number; offset: string };

/** A projected column: its DuckDB type and how to read it from an event. */
export type Column<E> = { name: string; sqlType: SqlType; value: (event: E, position: KafkaPosition) => CellValue };

export const column = <E>(name: string, sqlType: SqlType, value: Column<E>["value"]): Column<E> => ({ name, sqlType, value });

export const positionColumns = <E>(): Column<E>[] => [
  column("kafka_topic", "VARCHAR", (_e, p) => p.topic),
  column("kafka_partition", "INTEGER", (_e, p) => p.partition),
  column("kafka_offset", "BIGINT", (_e, p) => BigInt(p.offset)),
];

export const createTableSql = <E>(table: string, columns: readonly Column<E>[]): string =>
  `CREATE TABLE IF NOT EXISTS ${table} (${columns.map((c) => `"${c.name}" ${c.sqlType}`).join(", ")})`;

export const rfc3339ToMicros = (time: string): bigint => BigInt(Date.parse(time)) * 1000n;

/** Appends one value with the appender call its column type needs. */
export const appendCell = (appender: DuckDBAppender, sqlType: SqlType, value: CellValue): void => {
  if (value === null) return appender.appendNull();
  switch (sqlType) {
    case "VARCHAR":
    case "JSON":
      return appender.appendVarchar(String(value));
    case "BOOLEAN":
      return appender.appendBoolean(Boolean(value));
    case "DOUBLE":
      return appender.appendDouble(Number(value));
    case "BIGINT":
      return appender.appendBigInt(BigInt(value as number | bigint | string));
    case "INTEGER":
      return appender.appendInteger(Number(value));
    case "TIMESTAMPTZ":
      return appender.appendTimestampTZ(timestampTZValue(typeof value === "bigint" ? value : rfc3339ToMicros(String(value))));
    case "BLOB":
      return appender.appendBlob(value as Uint8Array);
  }
};
