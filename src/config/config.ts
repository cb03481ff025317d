import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { userError } from "../errors/witnessError.ts";
import { isValidTimeZone } from "../windows/zonedCalendar.ts";

const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, "expected host:port");

/** Every setting Witness reads. Precedence: defaults < config file < environment < flags. */
export const configSchema = z.strictObject({
  kafka: z.strictObject({
    /** Empty means "no external cluster": Witness starts or reuses its local stack. */
    brokers: z.array(hostPort).default([]),
    clientId: z.string().min(1).default("witness"),
    ssl: z.boolean().default(false),
    sasl: z
      .strictObject({
        mechanism: z.enum(["plain", "scram-sha-256", "scram-sha-512"]),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .optional(),
  }).prefault({}),
  registry: z.strictObject({
    /** Confluent-compatible API root, e.g. http://host:8081 or Apicurio's …/apis/ccompat/v7. */
    url: z.url().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
  }).prefault({}),
  duckdb: z.strictObject({
    path: z.string().min(1).default(".witness/witness.duckdb"),
  }).prefault({}),
  http: z.strictObject({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(7311),
  }).prefault({}),
  projector: z.strictObject({
    groupId: z.string().min(1).default("witness-projector"),
  }).prefault({}),
  analyzers: z.strictObject({
    isEnabled: z.boolean().default(true),
    /** How often `witness run` writes a clock tick into every raw partition, so quiet keys' windows still close. */
    tickIntervalMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
    /** IANA time zone per user id, for daily and weekly windows; users not listed use UTC. */
    userTimeZones: z.record(z.string(), z.string().refine(isValidTimeZone, "not an IANA time zone")).default({}),
  }).prefault({}),
  stack: z.strictObject({
    /** Where the local stack caches Kafka/Apicurio artifacts and keeps its data; outside the work tree. */
    dir: z.string().min(1).default(join(homedir(), ".cache", "witness", "stack")),
  }).prefault({}),
  topicsFile: z.string().min(1).default(resolve(import.meta.dirname, "../../topics/topics.json")),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type WitnessConfig = z.infer<typeof configSchema>;
type ConfigInput = z.input<typeof configSchema>;

type Env = Record<string, string | undefined>;

const definedOnly = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const parseNumber = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined || raw === "") return undefined;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) throw userError("config.invalid", `${name}=${raw} is not a number; set it to a port number such as 7311.`);
  return parsed;
};

const parseJson = (name: string, raw: string | undefined): Record<string, string> | undefined => {
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch (cause) {
    throw userError("config.invalid", `${name} is not JSON; set it to an object such as {"ada":"Europe/Berlin"}.`, cause);
  }
};

const fromEnv = (env: Env): ConfigInput => {
  const brokers = env.KAFKA_BROKERS?.split(",").map((b) => b.trim()).filter(Boolean);
  const saslMechanism = env.KAFKA_SASL_MECHANISM as "plain" | "scram-sha-256" | "scram-sha-512" | undefined;
  return definedOnly({
    kafka: definedOnly({
      brokers: brokers?.length ? brokers : undefined,
      clientId: env.WITNESS_CLIENT_ID,
      ssl: env.KAFKA_SSL === undefined ? undefined : env.KAFKA_SSL === "true",
      sasl: saslMechanism
        ? { mechanism: saslMechanism, username: env.KAFKA_SASL_USERNAME ?? "", password: env.KAFKA_SASL_PASSWORD ?? "" }
        : undefined,
    }),
    registry: definedOnly({
      url: env.SCHEMA_REGISTRY_URL || undefined,
      username: env.SCHEMA_REGISTRY_USERNAME,
      password: env.SCHEMA_REGISTRY_PASSWORD,
    }),
    duckdb: definedOnly({ path: env.WITNESS_DUCKDB_PATH }),
    http: definedOnly({ host: env.WITNESS_HTTP_HOST, port: parseNumber("WITNESS_HTTP_PORT", env.WITNESS_HTTP_PORT) }),
    projector: definedOnly({ groupId: env.WITNESS_PROJECTOR_GROUP }),
    analyzers: definedOnly({
      isEnabled: env.WITNESS_ANALYZERS === undefined ? undefined : env.WITNESS_ANALYZERS !== "off",
      tickIntervalMs: parseNumber("WITNESS_TICK_INTERVAL_MS", env.WITNESS_TICK_INTERVAL_MS),
      userTimeZones: parseJson("WITNESS_USER_TIME_ZONES", env.WITNESS_USER_TIME_ZONES),
    }),
    stack: definedOnly({ dir: env.WITNESS_STACK_DIR }),
    topicsFile: env.WITNESS_TOPICS_FILE,
    logLevel: env.WITNESS_LOG_LEVEL as ConfigInput["logLevel"],
  }) as ConfigInput;
};

/** Global flags every command accepts; command-specific flags are parsed by the command. */
export type GlobalFlags = { config?: string; duckdb?: string; brokers?: string; registry?: string; logLevel?: string };

const fromFlags = (flags: GlobalFlags): ConfigInput =>
  definedOnly({
    kafka: flags.brokers ? { brokers: flags.brokers.split(",") } : undefined,
    registry: flags.registry ? { url: flags.registry } : undefined,
    duckdb: flags.duckdb ? { path: flags.duckdb } : undefined,
    logLevel: flags.logLevel as ConfigInput["logLevel"],
  }) as ConfigInput;

const readConfigFile = (path: string | undefined): ConfigInput => {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ConfigInput;
  } catch (cause) {
    throw userError("config.file", `Cannot read the config file ${path}: check that it exists and is JSON.`, cause);
  }
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const mergeDeep = (...layers: ConfigInput[]): ConfigInput =>
  layers.reduce<Record<string, unknown>>((merged, layer) => {
    for (const [key, value] of Object.entries(layer)) {
      merged[key] = isObject(value) && isObject(merged[key]) ? mergeDeep(merged[key] as ConfigInput, value as ConfigInput) : value;
    }
    return merged;
  }, {}) as ConfigInput;

/** Reads configuration once, at start-up, and says exactly which setting is wrong. */
export const loadConfig = (env: Env, flags: GlobalFlags = {}): WitnessConfig => {
  const layered = mergeDeep(readConfigFile(flags.config ?? env.WITNESS_CONFIG), fromEnv(env), fromFlags(flags));
  const parsed = configSchema.safeParse(layered);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw userError("config.invalid", `Invalid Witness configuration:\n${problems}\nFix the setting (flag, environment variable or config file) and start again.`);
  }
  return parsed.data;
};
