/** The integration-test harness: one Kafka + schema registry per run, and unique names per test. */
export { testStack, harnessLogger, harnessVariables, type TestStackEndpoints } from "./testStack.ts";
export { obtainTestStack, type TestStack, type ObtainTestStackOptions } from "./obtainTestStack.ts";
export { chooseStackSource, type StackSource, type HarnessEnv, type SourceChoice } from "./stackSource.ts";
export { uniqueName } from "./uniqueName.ts";
