#!/usr/bin/env node
import { loadConfig, type GlobalFlags } from "../config/config.ts";
import { describeError, isWitnessError } from "../errors/witnessError.ts";
import { createLogger } from "../observability/logger.ts";
import type { Command } from "./command.ts";
import { demoCommand } from "./demo.ts";
import { produceCommand } from "./produce.ts";
import { runCommand } from "./run.ts";
import { sqlCommand } from "./sql.ts";
import { stackCommand } from "./stack.ts";
import { topicsCommand } from "./topics.ts";

const commands: Command[] = [runCommand, demoCommand, sqlCommand, produceCommand, topicsCommand, stackCommand];

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
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stdout.write(`${usage()}\n`);
    return name === undefined || name === "help" || name === "--help" ? 0 : 2;
  }
  if (args.includes("--help")) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const { flags, rest } = splitGlobalFlags(args);
  const config = loadConfig(process.env, flags);
  // A service logs its progress; interactive commands print results and log only problems.
  const level = flags.logLevel ?? process.env.WITNESS_LOG_LEVEL ?? (command.name === "run" ? config.logLevel : "warn");
  const logger = createLogger({ level });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return command.run(rest, { config, logger, stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
};

if (import.meta.main) {
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
