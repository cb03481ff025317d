import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { externalError } from "../errors/witnessError.ts";
import { appendCell, createTableSql, type CellValue, type Column, type KafkaPosition } from "./columns.ts";
import { rawTables } from "./rawTables.ts";
import { windowViewsSql } from "./windowViews.ts";
import { createDerivedTablesSql } from "./derivedTables.ts";

export type Checkpoint = { topic: string; partition: number; nextOffset: bigint };
export type DeadLetterRecord = KafkaPosition & { reason: string; detail: string };

/** Work done inside one DuckDB transaction: rows, dead letters and the next offsets commit together or not at all. */
export type ProjectionTransaction = {
  append: <E>(table: string, columns: readonly Column<E>[], rows: readonly { event: E; position: KafkaPosition }[]) => Promise<void>;
  run: (sql: string, values?: CellValue[]) => Promise<void>;
  recordDeadLetters: (letters: readonly DeadLetterRecord[]) => Promise<void>;
  saveCheckpoint: (checkpoint: Checkpoint & { maxEventTime: string | null }) => Promise<void>;
};

export type QueryResult = { columns: string[]; rows: Record<string, unknown>[] };

export type ProjectionStore = {
  path: string;
  readCheckpoints: (projection: string) => Promise<Map<string, bigint>>;
  withTransaction: <T>(projection: string, work: (tx: ProjectionTransaction) => Promise<T>) => Promise<T>;
  /** A fresh connection on the same instance: one per consumer group or reader. */
  connect: () => Promise<DuckDBConnection>;
  /** Runs `work` on the store's connection for user queries (made on first use); unlike `connect()`, it survives a swap of the file. */
  withQueryConnection: <T>(work: (connection: DuckDBConnection) => Promise<T>) => Promise<T>;
  query: (sql: string, values?: CellValue[]) => Promise<QueryResult>;
  close: () => Promise<void>;
};

export const checkpointKey = (topic: string, partition: number): string => `${topic}:${partition}`;

const bookkeepingSql = [
  `CREATE TABLE IF NOT EXISTS projection_offsets (
     projection VARCHAR NOT NULL, topic VARCHAR NOT NULL, "partition" INTEGER NOT NULL,
     next_offset BIGINT NOT NULL, max_event_time TIMESTAMPTZ,
     PRIMARY KEY (projection, topic, "partition"))`,
  `CREATE TABLE IF NOT EXISTS dead_letters (
     projection VARCHAR NOT NULL, kafka_topic VARCHAR NOT NULL, kafka_partition INTEGER NOT NULL,
     kafka_offset BIGINT NOT NULL, reason VARCHAR NOT NULL, detail VARCHAR)`,
];

/** JSON-safe values: BIGINT becomes a number when it fits, DuckDB values their string form. */
export const toJsonValue = (value: unknown): unknown => {
  if (typeof value === "bigint") return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return String(value);
};

export const runQuery = async (connection: DuckDBConnection, sql: string, values?: CellValue[]): Promise<QueryResult> => {
  const reader = await connection.runAndReadAll(sql, values as never);
  const columns = reader.columnNames();
  const rows = reader.getRowObjects().map((row) => Object.fromEntries(columns.map((name) => [name, toJsonValue(row[name])])));
  return { columns, rows };
};

/**
 * The DuckDB projection store. One process owns the file; consumer groups share
 * the instance with a connection each.
 */
export const openDuckdbStore = async (path: string, options: { isReadOnly?: boolean } = {}): Promise<ProjectionStore> => {
  if (path !== ":memory:" && !options.isReadOnly) mkdirSync(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, options.isReadOnly ? { access_mode: "READ_ONLY" } : {});
  } catch (cause) {
    throw externalError(
      "duckdb.open",
      `Cannot open the DuckDB file ${path}: ${(cause as Error).message}. If another Witness process holds it, query that process (witness sql talks to it) or stop it first.`,
      cause,
      false,
    );
  }
  const connections: DuckDBConnection[] = [];
  const connect = async () => {
    const connection = await instance.connect();
    connections.push(connection);
    await connection.run("SET TimeZone = 'UTC'");
    return connection;
  };
  const writer = await connect();
  if (!options.isReadOnly) {
    for (const sql of bookkeepingSql) await writer.run(sql);
    for (const { table, columns } of Object.values(rawTables)) await writer.run(createTableSql(table, columns as Column<unknown>[]));
    for (const sql of windowViewsSql()) await writer.run(sql);
    for (const sql of createDerivedTablesSql()) await writer.run(sql);
  }
  const reader = await connect();
  let queryConnection: Promise<DuckDBConnection> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const withTransaction: ProjectionStore["withTransaction"] = (projection, work) => {
    // One writer connection: transactions are serialised so consumer groups never interleave statements.
    const next = queue.then(async () => {
      await writer.run("BEGIN TRANSACTION");
      try {
        const tx: ProjectionTransaction = {
          append: async (table, columns, rows) => {
            if (rows.length === 0) return;
            const appender = await writer.createAppender(table);
            try {
              for (const { event, position } of rows) {
                for (const c of columns) appendCell(appender, c.sqlType, c.value(event, position));
                appender.endRow();
              }
              appender.flushSync();
            } finally {
              appender.closeSync();
            }
          },
          run: async (sql, values) => {
            await writer.run(sql, values as never);
          },
          recordDeadLetters: async (letters) => {
            for (const l of letters) {
              await writer.run("INSERT INTO dead_letters VALUES ($1, $2, $3, $4, $5, $6)", [projection, l.topic, l.partition, BigInt(l.offset), l.reason, l.detail]);
            }
          },
          saveCheckpoint: async ({ topic, partition, nextOffset, maxEventTime }) => {
            await writer.run(
              `INSERT INTO projection_offsets VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ)
               ON CONFLICT (projection, topic, "partition") DO UPDATE SET next_offset = excluded.next_offset,
               max_event_time = greatest(projection_offsets.max_event_time, excluded.max_event_time)`,
              [projection, topic, partition, nextOffset, maxEventTime],
            );
          },
        };
        const result = await work(tx);
        await writer.run("COMMIT");
        return result;
      } catch (error) {
        await writer.run("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    path,
    readCheckpoints: async (projection) => {
      const { rows } = await runQuery(reader, `SELECT topic, "partition", next_offset::VARCHAR AS next_offset FROM projection_offsets WHERE projection = $1`, [projection]);
      return new Map(rows.map((r) => [checkpointKey(String(r.topic), Number(r.partition)), BigInt(String(r.next_offset))]));
    },
    withTransaction,
    connect,
    withQueryConnection: async (work) => work(await (queryConnection ??= connect())),
    query: (sql, values) => runQuery(reader, sql, values),
    close: async () => {
      await queue;
      // Every connection must close before the instance releases the file lock.
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
    },
  };
};
