/**
 * Runs `witness replay …` as its own process, exactly as src/cli/witness.ts
 * would once `replay` is in its command list: global flags, config from the
 * environment, logger, SIGINT/SIGTERM → abort.
 */
import { loadConfig } from "../../src/config/config.ts";
import { splitGlobalFlags } from "../../src/cli/witness.ts";
import { replayCommand } from "../../src/cli/replay.ts";
import { describeError } from "../../src/errors/witnessError.ts";
import { createLogger } from "../../src/observability/logger.ts";

// As witness.ts does: kafkajs' negative-timer warning is noise.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "TimeoutNegativeWarning") process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const { flags, rest } = splitGlobalFlags(process.argv.slice(2));
const config = loadConfig(process.env, flags);
const logger = createLogger({ level: flags.logLevel ?? process.env.WITNESS_LOG_LEVEL ?? "warn" });
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());
try {
  process.exitCode = await replayCommand.run(rest, { config, logger, stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
} catch (error) {
  process.stderr.write(`witness: ${describeError(error)}\n`);
  process.exitCode = 1;
}
// Like witness.ts: kafkajs may leave timers behind; the command has finished.
process.exit();
