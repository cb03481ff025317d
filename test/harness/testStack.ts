import { loadConfig } from "../../src/config/config.ts";
import { externalError } from "../../src/errors/witnessError.ts";
import { createLogger, type Logger } from "../../src/observability/logger.ts";
import { obtainTestStack } from "./obtainTestStack.ts";
import type { StackSource } from "./stackSource.ts";

export type TestStackEndpoints = { brokers: string[]; registryUrl: string; source: StackSource };

/**
 * Variables `scripts/run-tests.ts` sets for the test processes: the stack it
 * obtained once for the whole run (KAFKA_BROKERS, SCHEMA_REGISTRY_URL), where
 * it came from, or why it could not get one.
 */
export const harnessVariables = { source: "WITNESS_TEST_STACK_SOURCE", error: "WITNESS_TEST_STACK_ERROR" } as const;

let shared: Promise<TestStackEndpoints> | undefined;

/** The root logger for harness code in test processes (components add their own `component`). */
export const harnessLogger = (): Logger => createLogger({ level: process.env.WITNESS_LOG_LEVEL ?? "info" }).child({ pid: process.pid });

const obtainForThisProcess = async (): Promise<TestStackEndpoints> => {
  const env = process.env;
  const failure = env[harnessVariables.error];
  if (failure) throw externalError("harness.no-stack", `scripts/run-tests.ts could not provide Kafka and a schema registry: ${failure}`);
  const logger = harnessLogger();
  const stack = await obtainTestStack({
    env,
    logger,
    stackDir: loadConfig(env).stack.dir,
    onProgress: (line) => logger.info({ component: "test-harness" }, line),
  });
  if (stack.source === "testcontainers") {
    // Containers this process started go with it; a local stack stays up for the next test file.
    let isReleasing = false;
    process.on("beforeExit", () => {
      if (isReleasing) return;
      isReleasing = true;
      void stack.release();
    });
  }
  const source = stack.source === "environment" && env[harnessVariables.source] ? (env[harnessVariables.source] as StackSource) : stack.source;
  return { brokers: stack.brokers, registryUrl: stack.registryUrl, source };
};

/**
 * Kafka brokers and registry URL for an integration test. Under `npm test`
 * they come from the stack run-tests obtained once for the run; a file run
 * directly (`node --test test/x.int.spec.ts`) obtains one itself by the same
 * rule, once per process.
 */
export const testStack = (): Promise<TestStackEndpoints> => {
  shared ??= obtainForThisProcess();
  return shared;
};
