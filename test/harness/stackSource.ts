import { userError } from "../../src/errors/witnessError.ts";

/** Where the integration tests' Kafka and registry come from. */
export type StackSource = "environment" | "testcontainers" | "local";

/** The variables the harness reads; tests pass a plain object. */
export type HarnessEnv = {
  KAFKA_BROKERS?: string;
  SCHEMA_REGISTRY_URL?: string;
  /** Force a source: `local` or `testcontainers` (e.g. to test the local stack on a machine with Docker). */
  WITNESS_TEST_STACK?: string;
  /** Set by scripts/run-tests.ts next to the addresses: where it got the run's stack from. */
  WITNESS_TEST_STACK_SOURCE?: string;
};

export type SourceChoice = { source: StackSource; reason: string };

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

/**
 * The harness's rule: addresses from the environment if set; else
 * testcontainers when a Docker engine answers; else the local stack.
 * `isDockerAvailable` is only asked when the answer depends on it.
 */
export const chooseStackSource = async (env: HarnessEnv, isDockerAvailable: () => Promise<boolean>): Promise<SourceChoice> => {
  const hasBrokers = isSet(env.KAFKA_BROKERS);
  const hasRegistry = isSet(env.SCHEMA_REGISTRY_URL);
  if (hasBrokers && hasRegistry) {
    const runSource = env.WITNESS_TEST_STACK_SOURCE?.trim();
    return { source: "environment", reason: runSource ? `scripts/run-tests.ts provides the run's ${runSource} stack` : "KAFKA_BROKERS and SCHEMA_REGISTRY_URL are set" };
  }
  if (hasBrokers || hasRegistry) {
    const missing = hasBrokers ? "SCHEMA_REGISTRY_URL" : "KAFKA_BROKERS";
    throw userError("harness.half-configured", `Only one of KAFKA_BROKERS and SCHEMA_REGISTRY_URL is set; set ${missing} too to test against that cluster, or unset both to let the harness provide one.`);
  }
  const forced = env.WITNESS_TEST_STACK?.trim();
  if (forced === "local") return { source: "local", reason: "WITNESS_TEST_STACK=local" };
  if (forced === "testcontainers") {
    if (await isDockerAvailable()) return { source: "testcontainers", reason: "WITNESS_TEST_STACK=testcontainers" };
    throw userError("harness.no-docker", "WITNESS_TEST_STACK=testcontainers but no Docker engine answers; start one (or set DOCKER_HOST) or unset WITNESS_TEST_STACK.");
  }
  if (isSet(forced)) throw userError("harness.bad-source", `WITNESS_TEST_STACK=${forced} is not a source; use "local" or "testcontainers", or unset it.`);
  if (await isDockerAvailable()) return { source: "testcontainers", reason: "a Docker engine answers" };
  return { source: "local", reason: "no KAFKA_BROKERS/SCHEMA_REGISTRY_URL and no Docker engine" };
};
