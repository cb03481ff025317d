/**
 * CloudEvents Kafka protocol binding, binary mode: the envelope mirrored as ce_
 * headers so routers can read it without decoding the Avro body.
 */
export type EnvelopeLike = { id: string; type: string; source: string; subject: string; time: string; specversion: string };

export const avroContentType = "application/avro";

export const cloudEventHeaders = (envelope: EnvelopeLike): Record<string, string> => ({
  ce_specversion: envelope.specversion,
  ce_id: envelope.id,
  ce_type: envelope.type,
  ce_source: envelope.source,
  ce_subject: envelope.subject,
  ce_time: envelope.time,
  "content-type": avroContentType,
});

export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export const headerText = (headers: KafkaHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};
