import { headerText, type KafkaHeaders } from "./cloudEventHeaders.ts";

/** Header names on dead letters: the reason and where the original came from. */
export const deadLetterHeaders = {
  reason: "witness.dlq.reason",
  detail: "witness.dlq.detail",
  topic: "witness.dlq.source.topic",
  partition: "witness.dlq.source.partition",
  offset: "witness.dlq.source.offset",
  group: "witness.dlq.consumer.group",
} as const;

export type DeadLetterSource = { topic: string; partition: number; offset: string; group: string };
export type DeadLetter = DeadLetterSource & { reason: string; detail: string; key: Buffer | null; value: Buffer | null };

export type OriginalMessage = { key: Buffer | null; value: Buffer | null; headers?: KafkaHeaders };

const detailMaxChars = 1000;

/** The dead-letter message keeps the original key, value and headers byte for byte, and adds why and whence. */
export const toDeadLetterMessage = (original: OriginalMessage, letter: Omit<DeadLetter, "key" | "value">) => ({
  key: original.key,
  value: original.value,
  headers: {
    ...Object.fromEntries(Object.entries(original.headers ?? {}).filter(([name]) => !name.startsWith("witness.dlq."))),
    [deadLetterHeaders.reason]: letter.reason,
    [deadLetterHeaders.detail]: letter.detail.slice(0, detailMaxChars),
    [deadLetterHeaders.topic]: letter.topic,
    [deadLetterHeaders.partition]: String(letter.partition),
    [deadLetterHeaders.offset]: letter.offset,
    [deadLetterHeaders.group]: letter.group,
  },
});

export const readDeadLetter = (message: OriginalMessage): DeadLetter | undefined => {
  const reason = headerText(message.headers, deadLetterHeaders.reason);
  if (!reason) return undefined;
  return {
    reason,
    detail: headerText(message.headers, deadLetterHeaders.detail) ?? "",
    topic: headerText(message.headers, deadLetterHeaders.topic) ?? "",
    partition: Number(headerText(message.headers, deadLetterHeaders.partition) ?? -1),
    offset: headerText(message.headers, deadLetterHeaders.offset) ?? "",
    group: headerText(message.headers, deadLetterHeaders.group) ?? "",
    key: message.key,
    value: message.value,
  };
};
