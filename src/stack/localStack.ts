import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { Logger } from "../observability/logger.ts";
import { allocatePorts } from "./freePorts.ts";
import { describeJavaRuntimes, listJavaRuntimes, pickJavaRuntime, requireJavaRuntime, type JavaRuntime } from "./javaRuntime.ts";
import { fetchKafka } from "./kafkaArtifacts.ts";
import { startKafkaServer } from "./kafkaServer.ts";
import { findMarkedProcesses, isMarkedProcess, stopProcess, type StopOutcome } from "./processes.ts";
import { isKafkaReady, isRegistryReady, waitUntilReady } from "./readiness.ts";
import { fetchRegistry } from "./registryArtifacts.ts";
import { startRegistryServer } from "./registryServer.ts";
import { stackPaths, type StackPaths } from "./stackPaths.ts";
import { withStackLock } from "./stackLock.ts";
import { portsOf, readStackState, writeStackState, type KafkaState, type RegistryState, type StackState } from "./stackState.ts";
import { kafkaLog4jVersion, kafkaMinimumJava, kafkaScalaVersion, kafkaVersion, registryReleases, type RegistryRelease } from "./stackVersions.ts";

export type LocalStackOptions = {
  /** Cache, data, logs and state live here (config `stack.dir`, default ~/.cache/witness/stack). */
  stackDir: string;
  logger: Logger;
  /** Human-readable progress lines; the first fetch takes minutes and should not look hung. */
  onProgress?: (line: string) => void;
  /** A JDK to prefer, e.g. from JAVA_HOME; otherwise `java` on PATH and the usual JDK directories are searched. */
  javaHome?: string;
  mavenCommand?: string;
  /** Interface both servers bind to; loopback by default. */
  host?: string;
  /** Heap of each JVM. */
  heapMb?: number;
  /** How long each server may take to answer after it was started. */
  readyTimeoutMs?: number;
  /** How long to wait for another process that is starting (perhaps first-fetching) the same stack. */
  lockTimeoutMs?: number;
  signal?: AbortSignal;
};

export type LocalStack = {
  brokers: string[];
  /** Confluent-compatible API root of the registry. */
  registryUrl: string;
  /** True when this call started Kafka or the registry (so it may stop them); false when it reused a running stack. */
  startedNow: boolean;
  started: { kafka: boolean; registry: boolean };
  kafkaVersion: string;
  registryVersion: string;
  stackDir: string;
};

type Component = "kafka" | "registry";

const defaults = { host: "127.0.0.1", heapMb: 512, readyTimeoutMs: 180_000, lockTimeoutMs: 30 * 60_000 };

/** A `-D` property on both JVMs naming the stack directory; we only ever signal processes that carry it. */
export const stackMarker = (stackDir: string): string => `-Dwitness.stack.dir=${resolve(stackDir)}`;

const brokersOf = (kafka: KafkaState): string[] => [`${kafka.host}:${kafka.brokerPort}`];

const isKafkaAnswering = async (kafka: KafkaState | undefined, marker: string): Promise<boolean> =>
  kafka !== undefined && isMarkedProcess(kafka.pid, marker) && (await isKafkaReady(brokersOf(kafka)));

const isRegistryAnswering = async (registry: RegistryState | undefined, marker: string): Promise<boolean> =>
  registry !== undefined && isMarkedProcess(registry.pid, marker) && (await isRegistryReady(registry.url));

/** Chooses the newest registry release some installed Java can run. */
export const chooseRegistryRelease = (runtimes: readonly JavaRuntime[], releases: readonly RegistryRelease[] = registryReleases) => {
  for (const release of releases) {
    const java = pickJavaRuntime(runtimes, release.minimumJava);
    if (java) return { release, java };
  }
  const newest = releases[0]!;
  return { release: newest, java: requireJavaRuntime(runtimes, newest.minimumJava, `Apicurio Registry ${newest.version}`) };
};

type SettleContext = { marker: string; readyTimeoutMs: number; onProgress: (line: string) => void; signal?: AbortSignal; log: Logger };

/**
 * A process we recorded is alive but does not answer: give it the time a
 * start may take, then stop it so a fresh one can be started.
 */
const settleUnresponsive = async (component: Component, pid: number, isReady: () => Promise<boolean>, { marker, readyTimeoutMs, onProgress, signal, log }: SettleContext): Promise<boolean> => {
  if (!isMarkedProcess(pid, marker)) return false;
  onProgress(`The recorded ${component} process ${pid} is running but not answering yet; waiting for it…`);
  const isStillRunning = () => (isMarkedProcess(pid, marker) ? undefined : "it exited");
  const outcome = await waitUntilReady({ isReady, timeoutMs: Math.min(readyTimeoutMs, 60_000), giveUpReason: isStillRunning, signal });
  if (outcome.isReady) return true;
  log.warn({ stackComponent: component, pid, reason: outcome.reason }, "stopping an unresponsive local stack process");
  onProgress(`Stopping the unresponsive ${component} process ${pid} (${outcome.reason}).`);
  await stopProcess(pid, marker);
  return false;
};

const startMissing = async (
  paths: StackPaths,
  state: StackState,
  missing: { kafka: boolean; registry: boolean },
  options: LocalStackOptions & typeof defaults,
  log: Logger,
): Promise<StackState> => {
  const progress = options.onProgress ?? (() => {});
  const marker = stackMarker(paths.root);
  const keep = new Set([state.kafka?.pid, state.registry?.pid]);
  for (const pid of findMarkedProcesses(marker).filter((p) => !keep.has(p))) {
    progress(`Stopping an unrecorded local stack process (pid ${pid}) left by an interrupted start…`);
    log.warn({ pid }, "stopping an unrecorded local stack process");
    await stopProcess(pid, marker);
  }
  const runtimes = await listJavaRuntimes({ javaHome: options.javaHome });
  log.debug({ runtimes }, "java runtimes found");
  const kafkaJava = missing.kafka ? requireJavaRuntime(runtimes, kafkaMinimumJava, `Kafka ${kafkaVersion}`) : undefined;
  const registryChoice = missing.registry ? chooseRegistryRelease(runtimes) : undefined;
  if (registryChoice && registryChoice.release !== registryReleases[0]) {
    progress(`No Java ${registryReleases[0]!.minimumJava}+ found (${describeJavaRuntimes(runtimes)}); using Apicurio Registry ${registryChoice.release.version}, which runs on Java ${registryChoice.release.minimumJava}. Install Java ${registryReleases[0]!.minimumJava}+ to get ${registryReleases[0]!.version}.`);
  }

  // One Maven at a time: the local Maven repository is not safe for concurrent writers.
  const kafkaArtifacts = kafkaJava
    ? await fetchKafka({ home: paths.kafkaHome(kafkaVersion), kafkaVersion, scalaVersion: kafkaScalaVersion, log4jVersion: kafkaLog4jVersion, onProgress: progress, mavenCommand: options.mavenCommand, signal: options.signal })
    : undefined;
  const registryArtifacts = registryChoice
    ? await fetchRegistry({ home: paths.registryHome(registryChoice.release.version), version: registryChoice.release.version, onProgress: progress, mavenCommand: options.mavenCommand, signal: options.signal })
    : undefined;

  const ports = await allocatePorts(options.host, ["brokerPort", "controllerPort", "httpPort", "managementPort"], portsOf(state));
  const common = { host: options.host, heapMb: options.heapMb, marker, readyTimeoutMs: options.readyTimeoutMs, onProgress: progress, signal: options.signal, logsDir: paths.logsDir };
  const [kafka, registry] = await Promise.allSettled([
    kafkaJava && kafkaArtifacts
      ? startKafkaServer({ ...common, version: kafkaVersion, java: kafkaJava, libsDir: kafkaArtifacts.libsDir, configDir: paths.configDir, dataDir: paths.kafkaDataDir, brokerPort: ports.brokerPort, controllerPort: ports.controllerPort })
      : Promise.resolve(state.kafka),
    registryChoice && registryArtifacts
      ? startRegistryServer({ ...common, version: registryChoice.release.version, java: registryChoice.java, runnerJar: registryArtifacts.runnerJar, appDir: registryArtifacts.appDir, dataDir: paths.registryDataDir(registryChoice.release.version), httpPort: ports.httpPort, managementPort: ports.managementPort })
      : Promise.resolve(state.registry),
  ]);
  // Record whatever runs, even if the other half failed, so it can be reused or stopped later.
  const next: StackState = {
    formatVersion: 1,
    kafka: kafka.status === "fulfilled" ? kafka.value : undefined,
    registry: registry.status === "fulfilled" ? registry.value : undefined,
  };
  next.lastPorts = { ...ports, ...portsOf(next) };
  await writeStackState(paths.statePath, next);
  for (const outcome of [kafka, registry]) if (outcome.status === "rejected") throw outcome.reason;
  return next;
};

/**
 * The Docker-free local stack: Apache Kafka (KRaft, single node) and Apicurio
 * Registry on this machine's JVM, fetched with Maven on first use. Reuses the
 * stack recorded in the stack directory when it answers; otherwise fetches
 * what is missing, starts it detached on free ports, waits until both answer
 * and records them. Safe to call from several processes at once.
 */
export const ensureLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const settings = { ...options, ...defaults, ...definedOnly(options) };
  const paths = stackPaths(resolve(options.stackDir));
  const log = options.logger.child({ component: "local-stack" });
  const progress = options.onProgress ?? (() => {});
  const marker = stackMarker(paths.root);
  return withStackLock(
    paths.lockPath,
    { timeoutMs: settings.lockTimeoutMs, signal: options.signal, onWait: (pid) => progress(`Another Witness process (pid ${pid}) is starting the local stack; waiting for it…`) },
    async () => {
      const { state, problem } = await readStackState(paths.statePath);
      if (problem) log.warn({ statePath: paths.statePath, problem }, "ignoring an unreadable stack state file");
      let isKafkaUp = await isKafkaAnswering(state.kafka, marker);
      let isRegistryUp = await isRegistryAnswering(state.registry, marker);
      const settle = { marker, readyTimeoutMs: settings.readyTimeoutMs, onProgress: progress, signal: options.signal, log };
      if (!isKafkaUp && state.kafka) {
        const kafka = state.kafka;
        isKafkaUp = await settleUnresponsive("kafka", kafka.pid, () => isKafkaReady(brokersOf(kafka)), settle);
      }
      if (!isRegistryUp && state.registry) {
        const registry = state.registry;
        isRegistryUp = await settleUnresponsive("registry", registry.pid, () => isRegistryReady(registry.url), settle);
      }
      const missing = { kafka: !isKafkaUp, registry: !isRegistryUp };
      const current = missing.kafka || missing.registry
        ? await startMissing(paths, { ...state, kafka: isKafkaUp ? state.kafka : undefined, registry: isRegistryUp ? state.registry : undefined, lastPorts: portsOf(state) }, missing, settings, log)
        : state;
      const kafka = current.kafka!;
      const registry = current.registry!;
      const stack: LocalStack = {
        brokers: brokersOf(kafka),
        registryUrl: registry.url,
        startedNow: missing.kafka || missing.registry,
        started: missing,
        kafkaVersion: kafka.version,
        registryVersion: registry.version,
        stackDir: paths.root,
      };
      if (!stack.startedNow) progress(`Reusing the running local stack: Kafka ${kafka.version} at ${stack.brokers.join(",")}, registry at ${stack.registryUrl}.`);
      log.info({ brokers: stack.brokers, registryUrl: stack.registryUrl, started: stack.started, stackDir: paths.root }, stack.startedNow ? "local stack started" : "local stack reused");
      return stack;
    },
  );
};

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

export type StopLocalStackOptions = {
  stackDir: string;
  logger: Logger;
  onProgress?: (line: string) => void;
  /** Which parts to stop; both by default. */
  components?: readonly Component[];
  /** How long each process gets to shut down after SIGTERM before SIGKILL. */
  graceMs?: number;
  lockTimeoutMs?: number;
};

export type StopResult = Record<Component, StopOutcome | "not-recorded">;

/** Stops the recorded processes (SIGTERM, then SIGKILL after the grace period) and forgets them. Data and downloads stay. */
export const stopLocalStack = async ({ stackDir, logger, onProgress = () => {}, components = ["kafka", "registry"], graceMs = 30_000, lockTimeoutMs = 10 * 60_000 }: StopLocalStackOptions): Promise<StopResult> => {
  const paths = stackPaths(resolve(stackDir));
  const log = logger.child({ component: "local-stack" });
  const marker = stackMarker(paths.root);
  return withStackLock(paths.lockPath, { timeoutMs: lockTimeoutMs, onWait: (pid) => onProgress(`Waiting for process ${pid}, which is starting the local stack…`) }, async () => {
    const { state } = await readStackState(paths.statePath);
    const stopOne = async (component: Component): Promise<StopOutcome | "not-recorded"> => {
      const recorded = state[component];
      if (!recorded || !components.includes(component)) return "not-recorded";
      onProgress(`Stopping ${component === "kafka" ? "Kafka" : "the schema registry"} (pid ${recorded.pid})…`);
      const outcome = await stopProcess(recorded.pid, marker, graceMs);
      log.info({ stackComponent: component, pid: recorded.pid, outcome }, "local stack process stopped");
      return outcome;
    };
    // The registry does not depend on Kafka (its storage is a file), so both stop at once.
    const [kafka, registry] = await Promise.all([stopOne("kafka"), stopOne("registry")]);
    // The ports stay recorded: the next start prefers them, so copied addresses keep working.
    await writeStackState(paths.statePath, {
      formatVersion: 1,
      kafka: components.includes("kafka") ? undefined : state.kafka,
      registry: components.includes("registry") ? undefined : state.registry,
      lastPorts: portsOf(state),
    });
    return { kafka, registry };
  });
};

export type ComponentHealth = "running" | "not-answering" | "stopped";

export type LocalStackStatus = {
  stackDir: string;
  kafka: { health: ComponentHealth; recorded?: KafkaState; brokers?: string[] };
  registry: { health: ComponentHealth; recorded?: RegistryState };
  /** Artifact directories already fetched (e.g. `kafka-4.4.0`), so a start needs no download. */
  cachedArtifacts: string[];
  /** Versions a fresh start would run. */
  versions: { kafka: string; registry: string };
};

const healthOf = async (pid: number | undefined, marker: string, isReady: () => Promise<boolean>): Promise<ComponentHealth> => {
  if (pid === undefined || !isMarkedProcess(pid, marker)) return "stopped";
  return (await isReady()) ? "running" : "not-answering";
};

/** What runs, where, and what is cached; read-only, no lock needed. */
export const localStackStatus = async ({ stackDir }: { stackDir: string }): Promise<LocalStackStatus> => {
  const paths = stackPaths(resolve(stackDir));
  const marker = stackMarker(paths.root);
  const { state } = await readStackState(paths.statePath);
  const { kafka, registry } = state;
  const artifactsDir = resolve(paths.root, "artifacts");
  const cachedArtifacts = existsSync(artifactsDir)
    ? (await readdir(artifactsDir)).filter((name) => existsSync(resolve(artifactsDir, name, ".complete"))).sort()
    : [];
  return {
    stackDir: paths.root,
    kafka: {
      health: await healthOf(kafka?.pid, marker, () => isKafkaReady(kafka ? brokersOf(kafka) : [])),
      recorded: kafka,
      brokers: kafka ? brokersOf(kafka) : undefined,
    },
    registry: { health: await healthOf(registry?.pid, marker, () => isRegistryReady(registry?.url ?? "")), recorded: registry },
    cachedArtifacts,
    versions: { kafka: kafkaVersion, registry: registryReleases[0]!.version },
  };
};
