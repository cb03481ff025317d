import { parseArgs } from "node:util";
import { userError } from "../errors/witnessError.ts";
import { ensureLocalStack, localStackStatus, stopLocalStack } from "../stack/localStack.ts";
import { describeLocalStack, describeLocalStackStatus, describeStopResult } from "../stack/stackReport.ts";
import type { Command } from "./command.ts";

const usage = [
  "witness stack up|down|status [--json]",
  "",
  "  up      fetch (first time only) and start Kafka + Apicurio Registry on this machine's JVM, or reuse the running ones",
  "  down    stop them (SIGTERM, then SIGKILL after 30 s); data and downloads are kept",
  "  status  what runs where; exit code 3 when not everything is running",
  "",
  "Everything lives in the stack directory (WITNESS_STACK_DIR, default ~/.cache/witness/stack).",
].join("\n");

export const stackCommand: Command = {
  name: "stack",
  summary: "run the Docker-free local Kafka + schema registry: up | down | status",
  usage,
  run: async (args, { config, logger, stdout, stderr, signal }) => {
    const { values, positionals } = (() => {
      try {
        return parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
      } catch (cause) {
        throw userError("cli.stack-args", `${(cause as Error).message}\n${usage}`, cause);
      }
    })();
    const [action, ...extra] = positionals;
    const stackDir = config.stack.dir;
    const print = (text: string) => stdout.write(`${text}\n`);
    const progress = (line: string) => stderr.write(`${line}\n`);
    if (extra.length > 0 || !action) {
      stderr.write(`${usage}\n`);
      return 2;
    }
    switch (action) {
      case "up": {
        const stack = await ensureLocalStack({ stackDir, logger, onProgress: progress, signal });
        print(values.json ? JSON.stringify(stack) : describeLocalStack(stack));
        if (!values.json && config.kafka.brokers.length > 0) {
          print(`Note: KAFKA_BROKERS is configured (${config.kafka.brokers.join(",")}), so other witness commands use that cluster, not this stack.`);
        }
        return 0;
      }
      case "down": {
        const result = await stopLocalStack({ stackDir, logger, onProgress: progress });
        print(values.json ? JSON.stringify(result) : describeStopResult(result));
        return 0;
      }
      case "status": {
        const status = await localStackStatus({ stackDir });
        print(values.json ? JSON.stringify(status) : describeLocalStackStatus(status));
        return status.kafka.health === "running" && status.registry.health === "running" ? 0 : 3;
      }
      default:
        stderr.write(`Unknown action "${action}".\n${usage}\n`);
        return 2;
    }
  },
};
