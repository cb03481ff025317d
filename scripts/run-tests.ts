/**
 * `npm test`: unit tests, then integration tests against ONE Kafka + schema
 * registry obtained by the harness for the whole run, then a last line
 * `N passed, N failed[, N skipped]`. Exit code 1 on any failure.
 *
 *   node scripts/run-tests.ts                  # everything
 *   node scripts/run-tests.ts --only unit      # or --only integration
 *
 * Unit tests: src|test|scripts/**\/*.unit.spec.ts, in parallel.
 * Integration tests: src|test/**\/*.int.spec.ts and *.e2e.spec.ts, one file
 * at a time (a broker, a registry and DuckDB share two cores), with
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL set to the run's stack. A stack this
 * script started is stopped at the end; one that was already running stays.
 */
import { spawn } from "node:child_process";
import { glob, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/config.ts";
import { describeError } from "../src/errors/witnessError.ts";
import { createLogger } from "../src/observability/logger.ts";
import { obtainTestStack, type TestStack } from "../test/harness/obtainTestStack.ts";
import { harnessVariables } from "../test/harness/testStack.ts";
import { addCounts, formatCounts, noTests, parseTapSummary, type TestCounts } from "./testSummary.ts";

const root = resolve(import.meta.dirname, "..");
const unitPatterns = ["src/**/*.unit.spec.ts", "test/**/*.unit.spec.ts", "scripts/**/*.unit.spec.ts"];
const integrationPatterns = ["src/**/*.int.spec.ts", "src/**/*.e2e.spec.ts", "test/**/*.int.spec.ts", "test/**/*.e2e.spec.ts"];
const unitTestTimeoutMs = 120_000;
const integrationTestTimeoutMs = 5 * 60_000;

const say = (line: string) => process.stdout.write(`${line}\n`);

const findFiles = async (patterns: readonly string[]): Promise<string[]> => {
  const files = new Set<string>();
  for (const pattern of patterns) {
    for await (const file of glob(pattern, { cwd: root, exclude: (name) => name === "node_modules" })) files.add(file);
  }
  return [...files].sort();
};

/** The child running tests; signalled as a process group so its per-file processes stop too. */
let running: { pid: number } | undefined;
let isInterrupted = false;

type PhaseResult = { counts: TestCounts; exitCode: number };

/**
 * kafkajs 2.2.4 hands setTimeout a negative delay when nothing is throttled;
 * Node 24 warns about it (and, like every Node before, waits 1 ms). The
 * warning is noise in every test that uses Kafka, so it is silenced here.
 */
const quietKafkajs = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  NODE_OPTIONS: [env.NODE_OPTIONS, "--disable-warning=TimeoutNegativeWarning"].filter(Boolean).join(" "),
});

const runNodeTest = async (label: string, files: string[], options: { timeoutMs: number; isSerial: boolean; env: NodeJS.ProcessEnv }): Promise<PhaseResult> => {
  const scratch = await mkdtemp(join(tmpdir(), "witness-tests-"));
  const tapFile = join(scratch, `${label}.tap`);
  const args = [
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tapFile}`,
    `--test-timeout=${options.timeoutMs}`,
    ...(options.isSerial ? ["--test-concurrency=1"] : []),
    ...files,
  ];
  const startedAt = Date.now();
  say(`\n── ${label} tests: ${files.length} file${files.length === 1 ? "" : "s"} ──`);
  try {
    const exitCode = await new Promise<number>((settle) => {
      const child = spawn(process.execPath, args, { cwd: root, env: quietKafkajs(options.env), stdio: ["ignore", "inherit", "inherit"], detached: true });
      running = { pid: child.pid! };
      child.on("error", (error) => {
        say(`Could not run node --test: ${error.message}`);
        settle(1);
      });
      child.on("exit", (code, signal) => settle(code ?? (signal ? 1 : 0)));
    });
    running = undefined;
    const tap = await readFile(tapFile, "utf8").catch(() => "");
    const counts = parseTapSummary(tap);
    say(`── ${label} tests: ${formatCounts(counts)} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s ──`);
    if (exitCode !== 0 && counts.failed === 0) say(`node --test exited with code ${exitCode} although no test failed; treating the run as failed.`);
    return { counts, exitCode };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({ options: { only: { type: "string" } } });
  if (values.only && values.only !== "unit" && values.only !== "integration") {
    say("--only takes `unit` or `integration`.");
    return 2;
  }
  const phases = { unit: values.only !== "integration", integration: values.only !== "unit" };
  let total = noTests;
  let isFailed = false;

  if (phases.unit) {
    const unitFiles = await findFiles(unitPatterns);
    if (unitFiles.length > 0) {
      const result = await runNodeTest("unit", unitFiles, { timeoutMs: unitTestTimeoutMs, isSerial: false, env: process.env });
      total = addCounts(total, result.counts);
      isFailed ||= result.exitCode !== 0;
    }
  }

  const integrationFiles = phases.integration && !isInterrupted ? await findFiles(integrationPatterns) : [];
  if (integrationFiles.length > 0) {
    say("\n── obtaining Kafka + schema registry for the integration tests ──");
    const startedAt = Date.now();
    let stack: TestStack | undefined;
    let stackError: string | undefined;
    try {
      stack = await obtainTestStack({
        env: process.env,
        logger: createLogger({ level: process.env.WITNESS_LOG_LEVEL ?? "warn" }),
        stackDir: loadConfig(process.env).stack.dir,
        onProgress: (line) => say(`   ${line}`),
      });
      say(`Integration tests use the ${stack.source} stack (${stack.reason}): Kafka ${stack.brokers.join(",")}, registry ${stack.registryUrl} — ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);
    } catch (error) {
      // The tests still run: each one that needs the stack fails with this reason, so the counts stay honest.
      stackError = describeError(error);
      say(`Could not obtain a stack for the integration tests:\n${stackError}`);
      isFailed = true;
    }
    try {
      const env: NodeJS.ProcessEnv = stack
        ? { ...process.env, KAFKA_BROKERS: stack.brokers.join(","), SCHEMA_REGISTRY_URL: stack.registryUrl, [harnessVariables.source]: stack.source }
        : { ...process.env, [harnessVariables.error]: stackError ?? "unknown" };
      if (!isInterrupted) {
        const result = await runNodeTest("integration", integrationFiles, { timeoutMs: integrationTestTimeoutMs, isSerial: true, env });
        total = addCounts(total, result.counts);
        isFailed ||= result.exitCode !== 0;
      }
    } finally {
      if (stack) {
        say(stack.source === "environment" ? "The stack came from the environment; left as it was." : `Releasing what this run started of the ${stack.source} stack…`);
        await stack.release().catch((error: unknown) => say(`Could not stop the stack: ${describeError(error)}`));
      }
    }
  }

  say("");
  say(formatCounts(total));
  return isFailed || total.failed > 0 || isInterrupted ? 1 : 0;
};

const interrupt = (signal: NodeJS.Signals) => {
  isInterrupted = true;
  say(`\n${signal}: stopping the tests…`);
  if (running) {
    try {
      process.kill(-running.pid, "SIGTERM");
    } catch {
      // The group already exited.
    }
  }
};
process.on("SIGINT", interrupt);
process.on("SIGTERM", interrupt);

process.exitCode = await main();
