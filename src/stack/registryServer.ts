import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { externalError } from "../errors/witnessError.ts";
import type { JavaRuntime } from "./javaRuntime.ts";
import { readLogTail } from "./logTail.ts";
import { spawnDetached, stopProcess } from "./processes.ts";
import { isRegistryReady, waitUntilReady } from "./readiness.ts";
import { registryApiUrl, registryJvmArgs, registryStorageDescription } from "./registryConfig.ts";
import type { RegistryState } from "./stackState.ts";

export type RegistryServerOptions = {
  version: string;
  java: JavaRuntime;
  runnerJar: string;
  appDir: string;
  logsDir: string;
  dataDir: string;
  host: string;
  httpPort: number;
  managementPort: number;
  heapMb: number;
  marker: string;
  readyTimeoutMs: number;
  onProgress: (line: string) => void;
  signal?: AbortSignal;
};

/** Starts Apicurio Registry detached and waits until its Confluent-compatible API answers. */
export const startRegistryServer = async (options: RegistryServerOptions): Promise<RegistryState> => {
  const { version, java, runnerJar, appDir, logsDir, dataDir, host, httpPort, managementPort, heapMb, marker, readyTimeoutMs, onProgress, signal } = options;
  await Promise.all([logsDir, dataDir].map((dir) => mkdir(dir, { recursive: true })));
  const logFile = join(logsDir, "registry.log");
  const outputFile = join(logsDir, "registry.out");
  const url = registryApiUrl(host, httpPort);
  const jvmArgs = registryJvmArgs({ host, httpPort, managementPort, dataDir, logFile, heapMb, marker });

  onProgress(`Starting Apicurio Registry ${version} on ${host}:${httpPort} (Java ${java.major}, heap ${heapMb} MB)…`);
  const started = await spawnDetached({ command: java.javaPath, args: [...jvmArgs, "-jar", runnerJar], cwd: appDir, outputFile });
  let exitedWith: string | undefined;
  void started.exited.then((how) => (exitedWith = how));
  const outcome = await waitUntilReady({
    isReady: () => isRegistryReady(url),
    timeoutMs: readyTimeoutMs,
    giveUpReason: () => (exitedWith ? `the registry process ended (${exitedWith})` : undefined),
    signal,
  });
  if (!outcome.isReady) {
    await stopProcess(started.pid, marker, 10_000);
    const tail = [await readLogTail(outputFile), await readLogTail(logFile)].filter(Boolean).join("\n");
    throw externalError(
      "stack.registry-not-ready",
      `Apicurio Registry ${version} did not become ready at ${url}: ${outcome.reason}. Last log lines:\n${tail}\nFix what the log says (a port taken, an old Java, a damaged ${dataDir} — delete it to start empty) and run \`witness stack up\` again.`,
    );
  }
  onProgress(`Schema registry ready at ${url} after ${(outcome.waitedMs / 1000).toFixed(1)} s.`);
  return {
    pid: started.pid,
    version,
    javaPath: java.javaPath,
    logFile,
    startedAt: new Date().toISOString(),
    host,
    httpPort,
    managementPort,
    url,
    dataDir,
    storage: registryStorageDescription(dataDir),
  };
};
