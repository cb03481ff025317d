import type { Logger } from "../../src/observability/logger.ts";
import { ensureLocalStack, stopLocalStack } from "../../src/stack/localStack.ts";
import { isDockerEngineAvailable } from "./dockerEngine.ts";
import { chooseStackSource, type HarnessEnv, type StackSource } from "./stackSource.ts";

export type TestStack = {
  source: StackSource;
  /** Why the harness chose this source, for the log. */
  reason: string;
  brokers: string[];
  registryUrl: string;
  /** Stops what this call started (containers, or local-stack processes that were not running before); a no-op otherwise. */
  release: () => Promise<void>;
};

export type ObtainTestStackOptions = {
  env: HarnessEnv;
  logger: Logger;
  /** The local stack's directory (config `stack.dir`). */
  stackDir: string;
  onProgress?: (line: string) => void;
  /** Replaceable in tests of the harness itself. */
  isDockerAvailable?: () => Promise<boolean>;
};

/** One Kafka + schema registry for integration tests, from wherever the harness's rule says. Logs which. */
export const obtainTestStack = async ({ env, logger, stackDir, onProgress = () => {}, isDockerAvailable = isDockerEngineAvailable }: ObtainTestStackOptions): Promise<TestStack> => {
  const log = logger.child({ component: "test-harness" });
  const { source, reason } = await chooseStackSource(env, isDockerAvailable);
  const use = (stack: TestStack): TestStack => {
    log.info({ source, reason, brokers: stack.brokers, registryUrl: stack.registryUrl }, `integration tests use the ${source === "environment" ? "cluster from the environment" : source === "local" ? "local stack" : "testcontainers stack"}`);
    return stack;
  };
  switch (source) {
    case "environment":
      return use({ source, reason, brokers: env.KAFKA_BROKERS!.split(",").map((b) => b.trim()).filter(Boolean), registryUrl: env.SCHEMA_REGISTRY_URL!.trim(), release: async () => {} });
    case "testcontainers": {
      const { startContainerStack } = await import("./containerStack.ts");
      onProgress("Starting Kafka and Apicurio Registry containers…");
      const containers = await startContainerStack();
      return use({ source, reason, brokers: containers.brokers, registryUrl: containers.registryUrl, release: containers.stop });
    }
    case "local": {
      const stack = await ensureLocalStack({ stackDir, logger, onProgress });
      const startedHere = (["kafka", "registry"] as const).filter((c) => stack.started[c]);
      return use({
        source,
        reason: stack.startedNow ? reason : `${reason}; reusing the one already running`,
        brokers: stack.brokers,
        registryUrl: stack.registryUrl,
        release: async () => {
          if (startedHere.length > 0) await stopLocalStack({ stackDir, logger, onProgress, components: startedHere });
        },
      });
    }
  }
};
