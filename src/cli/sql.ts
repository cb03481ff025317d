import { parseArgs } from "node:util";
import { querySql } from "../query/queryClient.ts";
import type { Command } from "./command.ts";
import { formatRows } from "./format.ts";

export const sqlCommand: Command = {
  name: "sql",
  summary: "run a read-only SQL query over the DuckDB projection (asks the running Witness if there is one)",
  usage: 'witness sql "SELECT * FROM operation_windows_5m ORDER BY window_start DESC LIMIT 20" [--json]',
  run: async (args, { config, stdout, stderr }) => {
    const { values, positionals } = parseArgs({ args, options: { json: { type: "boolean", default: false } }, allowPositionals: true });
    const sql = positionals.join(" ").trim();
    if (!sql) {
      stderr.write(`${sqlCommand.usage}\n`);
      return 2;
    }
    const answer = await querySql(config.duckdb.path, sql);
    if (values.json) {
      stdout.write(`${JSON.stringify(answer.rows, null, 2)}\n`);
    } else {
      stdout.write(formatRows(answer));
    }
    return 0;
  },
};
