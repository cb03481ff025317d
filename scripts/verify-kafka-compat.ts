/**
 * Verifies which Apache Kafka 4.x releases work with kafkajs for what Witness
 * needs (consumer groups, the idempotent producer, transactions with
 * sendOffsets, read_committed) on this machine, and writes the matrix.
 *
 *   node scripts/verify-kafka-compat.ts                      # default candidates
 *   node scripts/verify-kafka-compat.ts --versions 4.4.0,4.3.1
 *   node scripts/verify-kafka-compat.ts --write              # also rewrite scripts/stack/VERSION-MATRIX.md
 *
 * Each version is fetched with Maven into the stack cache (shared with the
 * local stack), started on free ports with a throwaway data directory, checked
 * and stopped. Exit code 0 when at least one version passes everything.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/config.ts";
import { describeError } from "../src/errors/witnessError.ts";
import { allocatePorts } from "../src/stack/freePorts.ts";
import { listJavaRuntimes, requireJavaRuntime } from "../src/stack/javaRuntime.ts";
import { fetchKafka } from "../src/stack/kafkaArtifacts.ts";
import { startKafkaServer } from "../src/stack/kafkaServer.ts";
import { stackMarker } from "../src/stack/localStack.ts";
import { stopProcess } from "../src/stack/processes.ts";
import { withStackLock } from "../src/stack/stackLock.ts";
import { stackPaths } from "../src/stack/stackPaths.ts";
import { kafkaLog4jVersion, kafkaMinimumJava, kafkaScalaVersion, kafkaVersion } from "../src/stack/stackVersions.ts";
import { compatChecks, runCompatChecks, type CheckResult } from "./stack/kafkaCompatChecks.ts";

/** The newest patch of every 4.x minor on Maven Central when this was last run; newest first. */
const defaultCandidates = ["4.4.0", "4.3.1", "4.2.2", "4.1.2", "4.0.2"];

type VersionResult = { version: string; checks: CheckResult[]; error?: string; startMs?: number };

const isPassing = (result: VersionResult): boolean => !result.error && result.checks.length > 0 && result.checks.every((c) => c.isPassed);

/** Orders dotted versions newest first: 4.10.0 before 4.9.1. */
const newestFirst = (a: string, b: string): number => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};

const say = (line: string) => process.stdout.write(`${line}\n`);

const verifyVersion = async (version: string, stackDir: string): Promise<VersionResult> => {
  const paths = stackPaths(stackDir);
  const scratch = await mkdtemp(join(tmpdir(), `witness-kafka-${version}-`));
  const marker = stackMarker(scratch);
  let pid: number | undefined;
  try {
    const runtimes = await listJavaRuntimes();
    const java = requireJavaRuntime(runtimes, kafkaMinimumJava, `Kafka ${version}`);
    // Under the stack's lock: a local stack starting at the same time may be fetching into the same cache.
    const { libsDir } = await withStackLock(paths.lockPath, { timeoutMs: 30 * 60_000 }, () =>
      fetchKafka({ home: paths.kafkaHome(version), kafkaVersion: version, scalaVersion: kafkaScalaVersion, log4jVersion: kafkaLog4jVersion, onProgress: (l) => say(`  ${l}`) }),
    );
    const ports = await allocatePorts("127.0.0.1", ["brokerPort", "controllerPort"]);
    const startedAt = Date.now();
    const kafka = await startKafkaServer({
      version,
      java,
      libsDir,
      configDir: join(scratch, "config"),
      logsDir: join(scratch, "logs"),
      dataDir: join(scratch, "data"),
      host: "127.0.0.1",
      ...ports,
      heapMb: 512,
      marker,
      readyTimeoutMs: 120_000,
      onProgress: (l) => say(`  ${l}`),
    });
    pid = kafka.pid;
    const startMs = Date.now() - startedAt;
    const checks = await runCompatChecks([`127.0.0.1:${ports.brokerPort}`]);
    for (const c of checks) say(`  ${c.isPassed ? "pass" : "FAIL"}  ${c.name} (${c.durationMs} ms)${c.error ? `: ${c.error}` : ""}`);
    return { version, checks, startMs };
  } catch (error) {
    say(`  could not run: ${describeError(error)}`);
    return { version, checks: [], error: describeError(error).split("\n")[0] };
  } finally {
    if (pid !== undefined) await stopProcess(pid, marker, 20_000);
    await rm(scratch, { recursive: true, force: true });
  }
};

const kafkajsVersion = async (): Promise<string> =>
  (JSON.parse(await readFile(resolve(import.meta.dirname, "../node_modules/kafkajs/package.json"), "utf8")) as { version: string }).version;

const renderMatrix = (results: VersionResult[], kafkajs: string, javaVersion: string): string => {
  const newest = results.find(isPassing);
  const header = `| Kafka | ${compatChecks.map((c) => c.name).join(" | ")} | result |`;
  const rule = `|${" --- |".repeat(compatChecks.length + 2)}`;
  const rows = results.map((r) => {
    const cells = compatChecks.map((c) => {
      const check = r.checks.find((x) => x.name === c.name);
      return check ? (check.isPassed ? "pass" : `FAIL: ${check.error?.replaceAll("|", "\\|")}`) : "—";
    });
    return `| ${r.version} | ${cells.join(" | ")} | ${isPassing(r) ? "**works**" : r.error ? `not run: ${r.error.replaceAll("|", "\\|")}` : "fails"} |`;
  });
  return [
    "# Kafka version matrix for the local stack",
    "",
    `Verified ${new Date().toISOString().slice(0, 10)} with kafkajs ${kafkajs} on Java ${javaVersion}, single-node KRaft (broker + controller in one JVM),`,
    "by `node scripts/verify-kafka-compat.ts --write` (re-run it to refresh this page).",
    "",
    header,
    rule,
    ...rows,
    "",
    newest
      ? `The local stack runs **Kafka ${newest.version}**: the newest release that passes every check.`
      : "No Kafka 4.x release passed every check; the local stack should fall back to Kafka 3.9.x.",
    "",
    "Notes:",
    "- Artifacts come from Maven Central, fetched with `mvn`; no Docker involved. The broker needs only",
    "  `org.apache.kafka:kafka_2.13` (which also holds `kafka.tools.StorageTool` for formatting KRaft storage)",
    "  plus a log4j2 binding; `kafka-tools` is not needed (and its jar did not resolve here for 4.2.2 and 4.4.0).",
    "- Apicurio Registry 3.3.x needs Java 21+; the local stack runs it on the newest JDK it finds and falls back to",
    "  Apicurio Registry 3.0.9 (Java 17) when there is none. Kafka runs on the first Java 17+ it finds.",
    "",
  ].join("\n");
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({ options: { versions: { type: "string" }, write: { type: "boolean", default: false } } });
  const versions = (values.versions ? values.versions.split(",").map((v) => v.trim()).filter(Boolean) : defaultCandidates).sort(newestFirst);
  const config = loadConfig(process.env);
  const stackDir = resolve(config.stack.dir);
  const java = requireJavaRuntime(await listJavaRuntimes(), kafkaMinimumJava, "Kafka");
  say(`Verifying kafkajs against Kafka ${versions.join(", ")} (artifacts cached in ${stackDir}/artifacts).`);
  const results: VersionResult[] = [];
  for (const version of versions) {
    say(`Kafka ${version}:`);
    results.push(await verifyVersion(version, stackDir));
  }
  const matrix = renderMatrix(results, await kafkajsVersion(), java.version);
  say("");
  say(matrix);
  if (values.write) {
    const target = resolve(import.meta.dirname, "stack", "VERSION-MATRIX.md");
    await writeFile(target, matrix);
    say(`Wrote ${target}.`);
  }
  const newest = results.find(isPassing);
  if (newest && newest.version !== kafkaVersion) say(`Note: src/stack/stackVersions.ts runs Kafka ${kafkaVersion}; the newest passing here is ${newest.version}.`);
  return newest ? 0 : 1;
};

process.exitCode = await main();
