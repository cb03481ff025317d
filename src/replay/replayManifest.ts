import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { userError } from "../errors/witnessError.ts";

const offset = z.string().regex(/^\d+$/, "an offset as a decimal string");

/** One partition of a rebuild: what was read, what it held, and the offset the file must store. */
export const partitionTallySchema = z.strictObject({
  topic: z.string(),
  /** raw: every record read leaves a row or a dead letter; derived: a repeated (id, revision) or projection retention may leave none. */
  role: z.enum(["raw", "derived"]),
  partition: z.number().int().min(0),
  start: offset,
  end: offset,
  /** Data records read in [start, end) (transaction markers excluded). */
  records: z.number().int().min(0),
  ticks: z.number().int().min(0),
  /** Records left out by --as-of. */
  excluded: z.number().int().min(0),
  /** The next offset the file must store for this partition; null: no row expected. */
  expectedNextOffset: offset.nullable(),
});
export type PartitionTallyJson = z.infer<typeof partitionTallySchema>;

export const tableChecksumSchema = z.strictObject({ table: z.string(), rows: z.number().int().min(0), checksum: z.string() });

/**
 * Written next to a rebuilt file as `<file>.replay.json`: how it was built and
 * whether it verified. A swap refuses a file without a verified manifest, and
 * an as-of file (a snapshot, not a position to resume from).
 */
export const replayManifestSchema = z.strictObject({
  version: z.literal(1),
  projection: z.string(),
  topicSet: z.enum(["raw", "all"]),
  createdAt: z.string(),
  fromTimestamp: z.string().nullable(),
  asOf: z.string().nullable(),
  elapsedMs: z.number().min(0),
  partitions: z.array(partitionTallySchema),
  isVerified: z.boolean(),
  checksums: z.array(tableChecksumSchema),
});
export type ReplayManifest = z.infer<typeof replayManifestSchema>;

export const manifestPath = (duckdbPath: string): string => `${duckdbPath}.replay.json`;

export const writeManifest = (duckdbPath: string, manifest: ReplayManifest): void =>
  writeFileSync(manifestPath(duckdbPath), `${JSON.stringify(replayManifestSchema.parse(manifest), null, 2)}\n`);

export const readManifest = (duckdbPath: string): ReplayManifest => {
  const path = manifestPath(duckdbPath);
  if (!existsSync(path)) throw userError("replay.manifest_missing", `${duckdbPath} has no ${path}: only a file built by \`witness replay\` can be verified or swapped in.`);
  const parsed = replayManifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw userError("replay.manifest_invalid", `${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
};

/** The manifest follows its file when the file is renamed into place. */
export const moveManifest = (fromDuckdbPath: string, toDuckdbPath: string): void => {
  if (existsSync(manifestPath(fromDuckdbPath))) renameSync(manifestPath(fromDuckdbPath), manifestPath(toDuckdbPath));
};
