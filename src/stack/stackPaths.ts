import { join } from "node:path";

/**
 * Where the local stack keeps everything, all under one directory outside the
 * work tree: downloaded artifacts (reused across runs), generated configs,
 * data (Kafka logs, registry database), logs, the state file and its lock.
 */
export type StackPaths = {
  root: string;
  statePath: string;
  lockPath: string;
  configDir: string;
  logsDir: string;
  kafkaHome: (version: string) => string;
  registryHome: (version: string) => string;
  kafkaDataDir: string;
  registryDataDir: (version: string) => string;
};

export const stackPaths = (stackDir: string): StackPaths => ({
  root: stackDir,
  statePath: join(stackDir, "state.json"),
  lockPath: join(stackDir, "stack.lock"),
  configDir: join(stackDir, "config"),
  logsDir: join(stackDir, "logs"),
  kafkaHome: (version) => join(stackDir, "artifacts", `kafka-${version}`),
  registryHome: (version) => join(stackDir, "artifacts", `apicurio-registry-${version}`),
  kafkaDataDir: join(stackDir, "data", "kafka"),
  // Registry releases migrate their database forward only, so each keeps its own.
  registryDataDir: (version) => join(stackDir, "data", `registry-${version}`),
});
