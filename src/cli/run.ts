import { startWitness } from "../main.ts";
import type { Command } from "./command.ts";

export const runCommand: Command = {
  name: "run",
  summary: "run Witness: apply topics, register schemas, project into DuckDB, serve the HTTP API",
  usage: "witness run [--duckdb file] [--brokers host:port --registry url]",
  run: async (_args, { config, logger, stderr, signal }) => {
    const witness = await startWitness(config, logger, (line) => stderr.write(`${line}\n`));
    stderr.write(`Witness is running: projecting into ${witness.store.path}; API at ${witness.httpUrl}. Ctrl-C stops it.\n`);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    await witness.close();
    return 0;
  },
};
