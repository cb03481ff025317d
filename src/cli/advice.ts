import { parseArgs } from "node:util";
import { userError } from "../errors/witnessError.ts";
import { adviceRequestSchema, adviseOn } from "../query/advice.ts";
import { querySql } from "../query/queryClient.ts";
import type { Command } from "./command.ts";
import { formatTable } from "./format.ts";

export const adviceCommand: Command = {
  name: "advice",
  summary: "what Witness learned about an operation before you call it: failures to avoid, playbooks, instincts",
  usage: 'witness advice --operation "POST /v1/search" [--project shop] [--limit 5] [--json]',
  run: async (args, { config, stdout }) => {
    const { values } = parseArgs({ args, options: { operation: { type: "string" }, project: { type: "string" }, limit: { type: "string" }, json: { type: "boolean", default: false } } });
    const parsed = adviceRequestSchema.safeParse({ operation: values.operation, project: values.project, limit: values.limit });
    if (!parsed.success) throw userError("cli.args", `${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}\nUsage: ${adviceCommand.usage}`);
    const advice = await adviseOn((sql) => querySql(config.duckdb.path, sql), parsed.data);
    if (values.json) {
      stdout.write(`${JSON.stringify(advice, null, 2)}\n`);
      return 0;
    }
    const section = (title: string, rows: Record<string, unknown>[], columns: string[]) =>
      stdout.write(`\n${title}\n${rows.length === 0 ? "(nothing yet)" : formatTable(columns, rows)}\n`);
    stdout.write(`Advice for ${advice.operation}${parsed.data.project ? ` in ${parsed.data.project}` : ""}:\n`);
    section("Avoid:", advice.avoid, ["cause", "failure_count", "last_seen", "advice"]);
    section("Playbooks:", advice.playbooks, ["input_pattern", "success_count", "success_rate", "p95_duration_ms"]);
    section("Instincts:", advice.instincts, ["trigger", "action", "confidence", "scope"]);
    return 0;
  },
};
