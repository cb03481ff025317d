import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { externalError } from "../errors/witnessError.ts";
import type { JavaRuntime } from "./javaRuntime.ts";
import { kafkaJvmArgs, kafkaLog4jProperties, kafkaServerProperties, newKafkaClusterId } from "./kafkaConfig.ts";
import { readLogTail } from "./logTail.ts";
import { spawnDetached, stopProcess } from "./processes.ts";
import { isKafkaReady, waitUntilReady } from "./readiness.ts";
import type { KafkaState } from "./stackState.ts";

export type KafkaServerOptions = {
  version: string;
  java: JavaRuntime;
  libsDir: string;
  configDir: string;
  logsDir: string;
  dataDir: string;
  host: string;
  brokerPort: number;
  controllerPort: number;
  heapMb: number;
  marker: string;
  readyTimeoutMs: number;
  onProgress: (line: string) => void;
  signal?: AbortSignal;
};

const runJava = (javaPath: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    execFile(javaPath, args, { timeout: timeoutMs, maxBuffer: 4_000_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });

/** KRaft storage is formatted once per data directory; `meta.properties` marks a formatted one. */
export const isKafkaStorageFormatted = (dataDir: string): boolean => existsSync(join(dataDir, "meta.properties"));

const formatStorage = async (options: KafkaServerOptions, jvmArgs: string[], propertiesPath: string): Promise<void> => {
  const { java, dataDir, onProgress } = options;
  onProgress(`Formatting KRaft storage in ${dataDir}…`);
  const result = await runJava(java.javaPath, [...jvmArgs, "kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", newKafkaClusterId(), "-c", propertiesPath], 120_000);
  if (result.code !== 0 || !isKafkaStorageFormatted(dataDir)) {
    throw externalError(
      "stack.kafka-format-failed",
      `Formatting Kafka storage in ${dataDir} failed (exit ${result.code}):\n${result.output.split("\n").slice(-15).join("\n")}\nDelete ${dataDir} and run \`witness stack up\` again.`,
      undefined,
      false,
    );
  }
};

/** Writes the configs, formats storage if needed, starts the broker detached and waits until it serves metadata. */
export const startKafkaServer = async (options: KafkaServerOptions): Promise<KafkaState> => {
  const { version, java, libsDir, configDir, logsDir, dataDir, host, brokerPort, controllerPort, heapMb, marker, readyTimeoutMs, onProgress, signal } = options;
  await Promise.all([configDir, logsDir, dataDir].map((dir) => mkdir(dir, { recursive: true })));
  const propertiesPath = join(configDir, "server.properties");
  const log4jConfigPath = join(configDir, "kafka-log4j2.properties");
  const logFile = join(logsDir, "kafka.log");
  const outputFile = join(logsDir, "kafka.out");
  await writeFile(propertiesPath, kafkaServerProperties({ host, brokerPort, controllerPort, dataDir }));
  await writeFile(log4jConfigPath, kafkaLog4jProperties(logFile));
  const jvmArgs = kafkaJvmArgs({ libsDir, log4jConfigPath, heapMb, marker });
  if (!isKafkaStorageFormatted(dataDir)) await formatStorage(options, jvmArgs, propertiesPath);

  onProgress(`Starting Kafka ${version} on ${host}:${brokerPort} (Java ${java.major}, heap ${heapMb} MB)…`);
  const started = await spawnDetached({ command: java.javaPath, args: [...jvmArgs, "kafka.Kafka", propertiesPath], cwd: dataDir, outputFile });
  let exitedWith: string | undefined;
  void started.exited.then((how) => (exitedWith = how));
  const brokers = [`${host}:${brokerPort}`];
  const outcome = await waitUntilReady({
    isReady: () => isKafkaReady(brokers),
    timeoutMs: readyTimeoutMs,
    giveUpReason: () => (exitedWith ? `the Kafka process ended (${exitedWith})` : undefined),
    signal,
  });
  if (!outcome.isReady) {
    await stopProcess(started.pid, marker, 10_000);
    const tail = (await readLogTail(logFile)) || (await readLogTail(outputFile));
    throw externalError(
      "stack.kafka-not-ready",
      `Kafka ${version} did not become ready on ${brokers[0]}: ${outcome.reason}. Last lines of ${logFile}:\n${tail}\nFix what the log says (a port taken, a full disk, a damaged ${dataDir} — delete it to start empty) and run \`witness stack up\` again.`,
    );
  }
  onProgress(`Kafka ready on ${brokers[0]} after ${(outcome.waitedMs / 1000).toFixed(1)} s.`);
  return { pid: started.pid, version, javaPath: java.javaPath, logFile, startedAt: new Date().toISOString(), host, brokerPort, controllerPort, dataDir };
};
