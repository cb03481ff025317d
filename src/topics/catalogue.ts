import { readFileSync } from "node:fs";
import { z } from "zod";
import { userError } from "../errors/witnessError.ts";

export const topicSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "Kafka topic names use letters, digits, . _ and -"),
  role: z.enum(["raw", "derived", "dead-letter"]),
  /** Raw topics name the event family they carry. */
  family: z.enum(["operation", "session", "note"]).optional(),
  partitions: z.number().int().min(1).max(1000),
  replicationFactor: z.number().int().min(1).optional(),
  config: z.record(z.string(), z.string()).default({}),
});
export type TopicSpec = z.infer<typeof topicSpecSchema>;

export const topicCatalogueSchema = z
  .object({ topics: z.array(topicSpecSchema).min(1) })
  .refine((c) => new Set(c.topics.map((t) => t.name)).size === c.topics.length, "topic names must be unique")
  .refine((c) => c.topics.filter((t) => t.role === "dead-letter").length === 1, "exactly one dead-letter topic is needed");
export type TopicCatalogue = z.infer<typeof topicCatalogueSchema>;

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

export const rawTopicFor = (catalogue: TopicCatalogue, family: "operation" | "session" | "note"): TopicSpec => {
  const spec = catalogue.topics.find((t) => t.role === "raw" && t.family === family);
  if (!spec) throw userError("topics.family", `The topic catalogue has no raw topic for the ${family} family.`);
  return spec;
};

export const deadLetterTopic = (catalogue: TopicCatalogue): TopicSpec =>
  catalogue.topics.find((t) => t.role === "dead-letter")!;
