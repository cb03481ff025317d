import { StatementType, type DuckDBConnection } from "@duckdb/node-api";
import { userError } from "../errors/witnessError.ts";
import { runQuery, type QueryResult } from "../projection/duckdbStore.ts";

/** Table functions a read-only query may use; everything else (read_csv, glob, httpfs scans…) reads outside the database. */
const allowedTableFunctions = new Set(["range", "generate_series", "unnest", "duckdb_tables", "duckdb_columns", "duckdb_views", "duckdb_types", "duckdb_functions"]);
const deniedScalarFunctions = new Set(["read_text", "read_blob", "getenv", "current_setting"]);

export type SandboxLimits = { maxRows: number; timeoutMs: number };
export const defaultSandboxLimits: SandboxLimits = { maxRows: 10_000, timeoutMs: 30_000 };

const collectFunctionNames = (node: unknown, tableFunctions: string[], scalarFunctions: string[]): void => {
  if (Array.isArray(node)) return node.forEach((n) => collectFunctionNames(n, tableFunctions, scalarFunctions));
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === "TABLE_FUNCTION") {
    const fn = record.function as { function_name?: string } | undefined;
    if (fn?.function_name) tableFunctions.push(fn.function_name.toLowerCase());
  }
  // `FROM 'file.csv'` is a replacement scan of a file: a table name with a path or extension.
  if (record.type === "BASE_TABLE" && typeof record.table_name === "string" && /[./\\]/.test(record.table_name)) tableFunctions.push(`'${record.table_name}'`);
  if (record.class === "FUNCTION" && typeof record.function_name === "string") scalarFunctions.push(record.function_name.toLowerCase());
  for (const value of Object.values(record)) collectFunctionNames(value, tableFunctions, scalarFunctions);
};

/**
 * Checks that `sql` is one read-only statement over the database: parsed by
 * DuckDB itself (statement type, then the syntax tree), never by regex.
 */
export const assertReadOnlySql = async (connection: DuckDBConnection, sql: string): Promise<void> => {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (cause) {
    throw userError("sql.syntax", `The query does not parse: ${(cause as Error).message}`, cause);
  }
  if (extracted.count !== 1) throw userError("sql.statements", `Send exactly one statement (got ${extracted.count}).`);
  let statementType: StatementType;
  try {
    statementType = (await extracted.prepare(0)).statementType;
  } catch (cause) {
    throw userError("sql.invalid", (cause as Error).message, cause);
  }
  if (statementType !== StatementType.SELECT && statementType !== StatementType.EXPLAIN) {
    throw userError("sql.read_only", "Only SELECT (or EXPLAIN) queries are allowed: the projection is written by the projector alone; rebuild it with `witness replay`.");
  }
  if (statementType === StatementType.SELECT) {
    const { rows } = await runQuery(connection, "SELECT json_serialize_sql($1::VARCHAR) AS ast", [sql]);
    const ast = JSON.parse(String(rows[0]?.ast)) as { error?: boolean; error_message?: string };
    if (ast.error) throw userError("sql.invalid", ast.error_message ?? "invalid query");
    const tableFunctions: string[] = [];
    const scalarFunctions: string[] = [];
    collectFunctionNames(ast, tableFunctions, scalarFunctions);
    const deniedTable = tableFunctions.find((f) => !allowedTableFunctions.has(f));
    if (deniedTable) throw userError("sql.sandbox", `The table function ${deniedTable}() reads outside the projection and is not allowed here.`);
    const deniedScalar = scalarFunctions.find((f) => deniedScalarFunctions.has(f));
    if (deniedScalar) throw userError("sql.sandbox", `The function ${deniedScalar}() is not allowed here.`);
  }
};

/** Runs a sandboxed read-only query with a row cap and a timeout. */
export const runReadOnlyQuery = async (connection: DuckDBConnection, sql: string, limits: SandboxLimits = defaultSandboxLimits): Promise<QueryResult & { isTruncated: boolean }> => {
  await assertReadOnlySql(connection, sql);
  const timer = setTimeout(() => connection.interrupt(), limits.timeoutMs);
  try {
    const result = await runQuery(connection, sql);
    const isTruncated = result.rows.length > limits.maxRows;
    return { columns: result.columns, rows: isTruncated ? result.rows.slice(0, limits.maxRows) : result.rows, isTruncated };
  } catch (cause) {
    throw userError("sql.failed", `The query failed: ${(cause as Error).message}`, cause);
  } finally {
    clearTimeout(timer);
  }
};
