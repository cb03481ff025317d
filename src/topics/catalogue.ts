import { readFileSync } from "node:fs";
import { z } from "zod";
import { userError } from "../errors/witnessError.ts";

export const topicSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "Kafka topic names use letters, digits, . _ and -"),
  /** side: records that explain the derived ones (late events behind a correction). */
  role: z.enum(["raw", "derived", "side", "dead-letter"]),
  /** Raw topics name the event family they carry. */
  family: z.enum(["operation", "session", "note"]).optional(),
  partitions: z.number().int().min(1).max(1000),
  replicationFactor: z.number().int().min(1).optional(),
  config: z.record(z.string(), z.string()).default({}),
});
export type TopicSpec = z.infer<typeof topicSpecSchema>;

/**
 * The catalogue names topics by their logical name (`witness.operations`); an
 * optional `prefix` is put in front of every one on the cluster, so several
 * Witness deployments (or test runs) can share a cluster without sharing topics.
 * After parsing, `name` is the name on the cluster and `logicalName` the one in code.
 */
export const topicCatalogueSchema = z
  .object({ prefix: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(""), topics: z.array(topicSpecSchema).min(1) })
  .refine((c) => new Set(c.topics.map((t) => t.name)).size === c.topics.length, "topic names must be unique")
  .refine((c) => c.topics.filter((t) => t.role === "dead-letter").length === 1, "exactly one dead-letter topic is needed")
  .transform((c) => ({ prefix: c.prefix, topics: c.topics.map((t) => ({ ...t, logicalName: t.name, name: `${c.prefix}${t.name}` })) }));
export type TopicCatalogue = z.infer<typeof topicCatalogueSchema>;
export type CatalogueTopic = TopicCatalogue["topics"][number];

/** The cluster name of a logical topic such as `witness.diagnoses`. */
export const clusterTopicName = (catalogue: TopicCatalogue, logicalName: string): string => {
  const spec = catalogue.topics.find((t) => t.logicalName === logicalName);
  if (!spec) throw userError("topics.unknown", `The topic catalogue has no topic ${logicalName}; add it to topics/topics.json.`);
  return spec.name;
};

/** The logical name of a cluster topic, or undefined for a topic outside the catalogue. */
export const logicalTopicName = (catalogue: TopicCatalogue, clusterName: string): string | undefined =>
  catalogue.topics.find((t) => t.name === clusterName)?.logicalName;

export const parseTopicCatalogue = (raw: unknown, origin = "topics catalogue"): TopicCatalogue => {
  const parsed = topicCatalogueSchema.safeParse(raw);
  if (!parsed.success) {
    throw userError("topics.invalid", `${origin} is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
};

export const readTopicCatalogue = (path: string): TopicCatalogue => {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw userError("topics.missing", `Cannot read the topic catalogue at ${path}; set WITNESS_TOPICS_FILE to the topics.json to use.`, cause);
  }
  return parseTopicCatalogue(JSON.parse(text), path);
};

export const rawTopicFor = (catalogue: TopicCatalogue, family: "operation" | "session" | "note"): CatalogueTopic => {
  const spec = catalogue.topics.find((t) => t.role === "raw" && t.family === family);
  if (!spec) throw userError("topics.family", `The topic catalogue has no raw topic for the ${family} family.`);
  return spec;
};

export const deadLetterTopic = (catalogue: TopicCatalogue): CatalogueTopic =>
  catalogue.topics.find((t) => t.role === "dead-letter")!;
