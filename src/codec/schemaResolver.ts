import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import avro from "avsc";
import { externalError, userError } from "../errors/witnessError.ts";

/** Resolves schema ids to Avro types and registers schemas: the seam between codec and registry. */
export type SchemaResolver = {
  /** Registers (idempotently) under `subject` with BACKWARD compatibility and returns the schema id. */
  register: (subject: string, avroSchema: object) => Promise<number>;
  /** The Avro type for a schema id; throws a user error `schema.unknown` when the registry has no such id. */
  typeFor: (schemaId: number) => Promise<avro.Type>;
  close: () => void;
};

/**
 * Decoded records are plain objects (no avsc methods), so zod's strict objects see
 * only the fields. A fresh object per call: avsc keeps its type registry in it.
 */
export const avroTypeOptions = (): Partial<avro.ForSchemaOptions> => ({ omitRecordMethods: true });

const registerAttempts = 3;

type RegistryMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]["middlewares"]>[number];

/** A mappersmith middleware giving every registry request a timeout, unless it already has one. */
const requestTimeout = (timeoutMs: number): RegistryMiddleware => () => ({
  prepareRequest: async (next) => {
    const request = await next();
    return request.timeout() ? request : request.enhance({ timeout: timeoutMs });
  },
});

/** The registry client reports mappersmith's timeout as a client error whose message names it (it has no code). */
const isTimeout = (error: unknown): boolean => /Timeout \(\d+ms\)/.test(String((error as Error)?.message));

const repeatOnTimeout = async <T>(work: () => Promise<T>, attempts: number): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTimeout(error)) throw error;
    }
  }
};

export type RegistryOptions = { url: string; username?: string; password?: string; timeoutMs?: number };

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : undefined;
};

/** The registry-backed resolver (Confluent API; Apicurio's ccompat/v7 works the same). Types are cached per id. */
export const registrySchemaResolver = ({ url, username, password, timeoutMs = 10_000 }: RegistryOptions): SchemaResolver => {
  const registry = new SchemaRegistry({
    host: url,
    auth: username ? { username, password: password ?? "" } : undefined,
    clientId: "witness",
    retry: { retries: 3, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 2 },
    // Every call a timeout: a request the registry never answers is aborted (its socket too) and retried below.
    middlewares: [requestTimeout(timeoutMs)],
  });
  const types = new Map<number, Promise<avro.Type>>();

  const fetchType = async (schemaId: number): Promise<avro.Type> => {
    let response: Response;
    try {
      response = await fetch(`${url.replace(/\/$/, "")}/schemas/ids/${schemaId}`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: username ? { authorization: `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}` } : {},
      });
    } catch (cause) {
      throw externalError("registry.unreachable", `Cannot reach the schema registry at ${url}: ${(cause as Error).message}. Start it or set SCHEMA_REGISTRY_URL.`, cause);
    }
    if (response.status === 404) {
      throw userError("schema.unknown", `Schema id ${schemaId} is not in the registry at ${url}; the producer used another registry or a deleted schema.`);
    }
    if (!response.ok) {
      throw externalError("registry.unavailable", `The schema registry at ${url} answered ${response.status} for schema id ${schemaId}; check that it is running.`);
    }
    const body = (await response.json()) as { schema: string; schemaType?: string };
    if (body.schemaType && body.schemaType !== "AVRO") {
      throw userError("schema.type", `Schema id ${schemaId} is ${body.schemaType}, but Witness topics carry Avro.`);
    }
    try {
      return avro.Type.forSchema(JSON.parse(body.schema), avroTypeOptions());
    } catch (cause) {
      throw userError("schema.invalid", `Schema id ${schemaId} is not a usable Avro schema: ${(cause as Error).message}`, cause);
    }
  };

  return {
    register: async (subject, avroSchema) => {
      try {
        // Registering the same schema again is idempotent, so a timed-out attempt is simply repeated.
        const { id } = await repeatOnTimeout(() => registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(avroSchema) }, { subject }), registerAttempts);
        return id;
      } catch (cause) {
        const status = statusOf(cause);
        if (status === 409 || status === 422) {
          throw userError("schema.incompatible", `The schema for ${subject} is not BACKWARD compatible with the registered one: add a new optional field with a default instead of changing one.`, cause);
        }
        throw externalError("registry.register", `Registering ${subject} at ${url} failed: ${(cause as Error).message}`, cause);
      }
    },
    typeFor: (schemaId) => {
      let type = types.get(schemaId);
      if (!type) {
        type = fetchType(schemaId);
        types.set(schemaId, type);
        // Only successes stay cached: a transient failure must be retried later.
        type.catch(() => types.delete(schemaId));
      }
      return type;
    },
    close: () => types.clear(),
  };
};

/** A resolver over fixed, in-memory types: for unit tests and benchmarks that need no registry. */
export const fixedSchemaResolver = (byId: Record<number, object>): SchemaResolver => {
  const types = new Map<number, avro.Type>();
  return {
    register: async (_subject, avroSchema) => {
      const entry = Object.entries(byId).find(([, schema]) => JSON.stringify(schema) === JSON.stringify(avroSchema));
      if (!entry) throw userError("schema.unknown", "fixed resolver: schema not configured");
      return Number(entry[0]);
    },
    typeFor: async (schemaId) => {
      const schema = byId[schemaId];
      if (!schema) throw userError("schema.unknown", `Schema id ${schemaId} is not known.`);
      let type = types.get(schemaId);
      if (!type) {
        type = avro.Type.forSchema(schema as avro.Schema, avroTypeOptions());
        types.set(schemaId, type);
      }
      return type;
    },
    close: () => types.clear(),
  };
};
