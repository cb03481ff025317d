import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { z } from "zod";
import { userError } from "../errors/witnessError.ts";
import { evaluationKinds } from "../events/derived/evaluation.ts";
import { instinctDomains } from "../events/derived/instinct.ts";
import {
  defaultListLimit,
  diagnosesFilterSchema,
  diagnosesSql,
  evaluationsFilterSchema,
  evaluationsSql,
  instinctsFilterSchema,
  instinctsSql,
  parseListFilter,
  playbooksFilterSchema,
  playbooksSql,
} from "../query/derivedQueries.ts";
import { querySql } from "../query/queryClient.ts";
import type { Command } from "./command.ts";
import { formatRows } from "./format.ts";

type ListSpec<S extends z.ZodType> = {
  name: string;
  summary: string;
  usage: string;
  /** The command's filter flags (besides --json); their values are validated by `schema`. */
  options: ParseArgsOptionsConfig;
  schema: S;
  toSql: (filter: z.output<S>) => string;
};

const commonUsage = `[--since <RFC3339>] [--limit N (default ${defaultListLimit})] [--json]`;
const commonOptions = { since: { type: "string" }, limit: { type: "string" } } as const satisfies ParseArgsOptionsConfig;

/** Parses the arguments of a list command into its SQL; throws a user error naming the bad flag. */
export const listSqlOf = <S extends z.ZodType>(spec: ListSpec<S>, args: string[]): { sql: string; isJson: boolean } => {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { ...spec.options, json: { type: "boolean", default: false } }, allowPositionals: true }));
  } catch (cause) {
    throw userError("cli.args", `${(cause as Error).message}. Usage: ${spec.usage}`, cause);
  }
  if (positionals.length > 0) throw userError("cli.args", `Unexpected argument ${JSON.stringify(positionals[0])}. Usage: ${spec.usage}`);
  const { json, ...filterValues } = values;
  return { sql: spec.toSql(parseListFilter(spec.schema, { ...filterValues })), isJson: json === true };
};

/** A thin list command: validate the flags, build the SQL, ask the running Witness (or the file), print. */
const listCommand = <S extends z.ZodType>(spec: ListSpec<S>): Command => ({
  name: spec.name,
  summary: spec.summary,
  usage: spec.usage,
  run: async (args, { config, stdout }) => {
    const { sql, isJson } = listSqlOf(spec, args);
    const answer = await querySql(config.duckdb.path, sql);
    if (isJson) {
      stdout.write(`${JSON.stringify(answer.rows, null, 2)}\n`);
    } else {
      stdout.write(formatRows(answer));
    }
    return 0;
  },
});

export const diagnosesSpec = {
  name: "diagnoses",
  summary: "list failure diagnoses: the latest per error signature, most recently seen first",
  usage: `witness diagnoses [--avoid] [--endpoint "POST /v1/search"] ${commonUsage}   (--since: last failure at or after)`,
  options: { ...commonOptions, avoid: { type: "boolean", default: false }, endpoint: { type: "string" } },
  schema: diagnosesFilterSchema,
  toSql: diagnosesSql,
} satisfies ListSpec<typeof diagnosesFilterSchema>;

export const playbooksSpec = {
  name: "playbooks",
  summary: "list playbooks: the latest per operation, most successes first",
  usage: `witness playbooks [--operation "POST /v1/search"] ${commonUsage}   (--since: last success at or after)`,
  options: { ...commonOptions, operation: { type: "string" } },
  schema: playbooksFilterSchema,
  toSql: playbooksSql,
} satisfies ListSpec<typeof playbooksFilterSchema>;

export const instinctsSpec = {
  name: "instincts",
  summary: "list learned instincts: the latest state of each, most confident first",
  usage: `witness instincts [--domain ${instinctDomains.join("|")}] [--scope project|global] [--min-confidence 0.7] ${commonUsage}   (--since: last observed at or after)`,
  options: { ...commonOptions, domain: { type: "string" }, scope: { type: "string" }, "min-confidence": { type: "string" } },
  schema: instinctsFilterSchema,
  toSql: instinctsSql,
} satisfies ListSpec<typeof instinctsFilterSchema>;

export const evaluationsSpec = {
  name: "evaluations",
  summary: "list evaluations: meta syntheses, daily reports, weekly plans and audit findings, newest first",
  usage: `witness evaluations [--user U] [--kind ${evaluationKinds.join("|")}] ${commonUsage}   (--since: window ending at or after)`,
  options: { ...commonOptions, user: { type: "string" }, kind: { type: "string" } },
  schema: evaluationsFilterSchema,
  toSql: evaluationsSql,
} satisfies ListSpec<typeof evaluationsFilterSchema>;

export const diagnosesCommand: Command = listCommand(diagnosesSpec);
export const playbooksCommand: Command = listCommand(playbooksSpec);
export const instinctsCommand: Command = listCommand(instinctsSpec);
export const evaluationsCommand: Command = listCommand(evaluationsSpec);
