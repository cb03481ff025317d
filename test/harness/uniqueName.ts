import { randomBytes } from "node:crypto";

/**
 * A name no other test (or earlier run against the same cluster) uses, for
 * topics, consumer groups, transactional ids and subjects: `<prefix>-<time>-<random>`.
 * Only characters Kafka allows in topic names.
 */
export const uniqueName = (prefix: string): string => {
  const safePrefix = prefix.replace(/[^a-zA-Z0-9._-]/g, "-").slice(0, 180);
  return `${safePrefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
};
