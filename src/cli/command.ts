import type { WitnessConfig } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";

/** What every CLI command receives from the composition root. */
export type CommandContext = {
  config: WitnessConfig;
  logger: Logger;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
};

/** A CLI command: thin — parse its arguments, call the domain, print. Returns the exit code. */
export type Command = {
  name: string;
  summary: string;
  usage: string;
  run: (args: string[], context: CommandContext) => Promise<number>;
};
