import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { z } from "zod";

const processState = z.object({
  pid: z.number().int().positive(),
  version: z.string().min(1),
  javaPath: z.string().min(1),
  logFile: z.string().min(1),
  startedAt: z.iso.datetime(),
});

export const kafkaStateSchema = processState.extend({
  host: z.string().min(1),
  brokerPort: z.number().int().min(1).max(65535),
  controllerPort: z.number().int().min(1).max(65535),
  dataDir: z.string().min(1),
});

export const registryStateSchema = processState.extend({
  host: z.string().min(1),
  httpPort: z.number().int().min(1).max(65535),
  managementPort: z.number().int().min(1).max(65535),
  url: z.url(),
  dataDir: z.string().min(1),
  storage: z.string().min(1),
});

const port = z.number().int().min(1).max(65535);

/** Ports of the last run, preferred on the next start so addresses people copied keep working. */
export const stackPortsSchema = z.object({
  brokerPort: port.optional(),
  controllerPort: port.optional(),
  httpPort: port.optional(),
  managementPort: port.optional(),
});

/** What the stack directory remembers about the processes it started: enough to reuse, report and stop them. */
export const stackStateSchema = z.object({
  formatVersion: z.literal(1),
  kafka: kafkaStateSchema.optional(),
  registry: registryStateSchema.optional(),
  lastPorts: stackPortsSchema.optional(),
});

export type KafkaState = z.infer<typeof kafkaStateSchema>;
export type RegistryState = z.infer<typeof registryStateSchema>;
export type StackState = z.infer<typeof stackStateSchema>;
export type StackPorts = z.infer<typeof stackPortsSchema>;

/** The ports of what is recorded as running, falling back to those of the last run. */
export const portsOf = (state: StackState): StackPorts => ({
  ...state.lastPorts,
  ...(state.kafka ? { brokerPort: state.kafka.brokerPort, controllerPort: state.kafka.controllerPort } : {}),
  ...(state.registry ? { httpPort: state.registry.httpPort, managementPort: state.registry.managementPort } : {}),
});

export const emptyStackState = (): StackState => ({ formatVersion: 1 });

export type ParsedStackState = { state: StackState; problem?: string };

/**
 * Parses the state file. A damaged or foreign file is not fatal — the stack
 * starts afresh — but the problem is returned so the caller can log it.
 */
export const parseStackState = (text: string): ParsedStackState => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return { state: emptyStackState(), problem: `not JSON (${(cause as Error).message})` };
  }
  const parsed = stackStateSchema.safeParse(json);
  if (parsed.success) return { state: parsed.data };
  return { state: emptyStackState(), problem: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ") };
};

export const readStackState = async (statePath: string): Promise<ParsedStackState> =>
  existsSync(statePath) ? parseStackState(await readFile(statePath, "utf8")) : { state: emptyStackState() };

/** Writes atomically (temp file + rename), so a crash never leaves half a state file. */
export const writeStackState = async (statePath: string, state: StackState): Promise<void> => {
  const partial = `${statePath}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(stackStateSchema.parse(state), null, 2)}\n`);
  await rename(partial, statePath);
};
