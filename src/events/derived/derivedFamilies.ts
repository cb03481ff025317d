import { z } from "zod";
import { derivedEventTypes, derivedTopics } from "./derivedEnvelope.ts";
import { diagnosisEventSchema } from "./diagnosis.ts";
import { evaluationEventSchema } from "./evaluation.ts";
import { instinctEventSchema } from "./instinct.ts";
import { playbookEventSchema } from "./playbook.ts";

/**
 * The derived event families: topic, event type, zod schema (meaning) and Avro
 * file (wire contract, registered as `<topic>-value`).
 */
export const derivedFamilies = {
  [derivedTopics.diagnoses]: {
    eventType: derivedEventTypes.diagnosis,
    eventSchema: diagnosisEventSchema,
    avroFile: "witness.diagnoses-value.avsc",
  },
  [derivedTopics.playbooks]: {
    eventType: derivedEventTypes.playbook,
    eventSchema: playbookEventSchema,
    avroFile: "witness.playbooks-value.avsc",
  },
  [derivedTopics.instincts]: {
    eventType: derivedEventTypes.instinct,
    eventSchema: instinctEventSchema,
    avroFile: "witness.instincts-value.avsc",
  },
  [derivedTopics.evaluations]: {
    eventType: derivedEventTypes.evaluation,
    eventSchema: evaluationEventSchema,
    avroFile: "witness.evaluations-value.avsc",
  },
} as const;

export const derivedEventSchema = z.union([
  diagnosisEventSchema,
  playbookEventSchema,
  instinctEventSchema,
  evaluationEventSchema,
]);
export type DerivedEvent = z.infer<typeof derivedEventSchema>;

export const derivedTopicOfType = (type: string) =>
  (Object.keys(derivedFamilies) as Array<keyof typeof derivedFamilies>).find((topic) => derivedFamilies[topic].eventType === type);

export const isDerivedEvent = (event: { type: string }): event is DerivedEvent => derivedTopicOfType(event.type) !== undefined;

/**
 * Kafka key of a derived event: its id. Compaction then keeps the latest revision
 * of every window's result (corrections overwrite, history of windows survives);
 * "latest per key" is the projection's current-state view over `key`.
 */
export const derivedKafkaKeyOf = (event: DerivedEvent): string => event.id;
