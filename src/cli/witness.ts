#!/usr/bin/env node
import { loadConfig, type GlobalFlags } from "../config/config.ts";
import { describeError, isWitnessError } from "../errors/witnessError.ts";
import { createLogger } from "../observability/logger.ts";
import type { Command } from "./command.ts";

type CommandEntry = { name: string; summary: string; load: () => Promise<Command> };

/** Commands load on demand: `witness sql` never pays for the Kafka or stack code. */
const commands: CommandEntry[] = [
  { name: "run", summary: "run Witness: topics, schemas, projector into DuckDB, HTTP API", load: async () => (await import("./run.ts")).runCommand },
  { name: "demo", summary: "start everything, stream demo observations, print a windowed summary", load: async () => (await import("./demo.ts")).demoCommand },
  { name: "sql", summary: "read-only SQL over the projection (asks the running Witness if there is one)", load: async () => (await import("./sql.ts")).sqlCommand },
  { name: "produce", summary: "validate, encode and produce events from a JSON Lines file", load: async () => (await import("./produce.ts")).produceCommand },
  { name: "topics", summary: "apply topics/topics.json: create what is missing, report drift", load: async () => (await import("./topics.ts")).topicsCommand },
  { name: "replay", summary: "rebuild the projection from the topics into a fresh file, verify it, swap it in; --as-of; analyzer replay", load: async () => (await import("./replay.ts")).replayCommand },
  { name: "advice", summary: "before calling an operation: failures to avoid, its playbook, instincts that apply", load: async () => (await import("./advice.ts")).adviceCommand },
  { name: "diagnoses", summary: "list error diagnoses (latest per signature): --avoid --endpoint --since --json", load: async () => (await import("./derivedLists.ts")).diagnosesCommand },
  { name: "playbooks", summary: "list playbooks (latest per operation): --operation --since --json", load: async () => (await import("./derivedLists.ts")).playbooksCommand },
  { name: "instincts", summary: "list instincts: --domain --scope --min-confidence --json", load: async () => (await import("./derivedLists.ts")).instinctsCommand },
  { name: "evaluations", summary: "list tiered evaluations and audit findings: --user --kind --json", load: async () => (await import("./derivedLists.ts")).evaluationsCommand },
  { name: "stack", summary: "the Docker-free local Kafka + registry: up | down | status", load: async () => (await import("./stack.ts")).stackCommand },
];

const globalFlagNames: Record<string, keyof GlobalFlags> = {
  "--config": "config",
  "--duckdb": "duckdb",
  "--brokers": "brokers",
  "--registry": "registry",
  "--log-level": "logLevel",
};

/** Takes the global flags out of argv, wherever they stand, and leaves the command's own. */
export const splitGlobalFlags = (argv: readonly string[]): { flags: GlobalFlags; rest: string[] } => {
  const flags: GlobalFlags = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = globalFlagNames[name];
    if (!key) {
      rest.push(arg);
      continue;
    }
    flags[key] = inline ?? argv[++i];
  }
  return { flags, rest };
};

const usage = (): string =>
  [
    "witness <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
    "Global options: --duckdb <file>  --brokers <host:port,…>  --registry <url>  --config <file.json>  --log-level <level>",
    "Run `witness <command> --help` for a command's options.",
  ].join("\n");

const main = async (argv: string[]): Promise<number> => {
  const [name, ...args] = argv;
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stdout.write(`${usage()}\n`);
    return name === undefined || name === "help" || name === "--help" ? 0 : 2;
  }
  const command = await entry.load();
  if (args.includes("--help")) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const { flags, rest } = splitGlobalFlags(args);
  const config = loadConfig(process.env, flags);
  // A service logs its progress; interactive commands print results and log only problems.
  // The demo shows dead-lettering on purpose, so it logs only errors.
  const quietLevel = command.name === "demo" ? "error" : "warn";
  const level = flags.logLevel ?? process.env.WITNESS_LOG_LEVEL ?? (command.name === "run" ? config.logLevel : quietLevel);
  const logger = createLogger({ level });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return command.run(rest, { config, logger, stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
};

/**
 * kafkajs 2.2.4's request queue schedules `throttledUntil - Date.now()` with
 * throttledUntil = -1 when it is not throttled: a negative delay that Node ≥ 23
 * reports as TimeoutNegativeWarning and clamps to 1 ms, which is harmless.
 * Every other warning is still printed.
 */
const printWarningsExceptKafkajsTimer = () => {
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name !== "TimeoutNegativeWarning") process.stderr.write(`${warning.name}: ${warning.message}\n`);
  });
};

if (import.meta.main) {
  printWarningsExceptKafkajsTimer();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const where = isWitnessError(error) ? ` [${error.code}]` : "";
      process.stderr.write(`witness: ${describeError(error)}${where}\n`);
      if (!isWitnessError(error) || error.domain === "internal") process.stderr.write(`${(error as Error)?.stack ?? ""}\n`);
      process.exit(isWitnessError(error) && error.domain === "user" ? 2 : 1);
    },
  );
}
