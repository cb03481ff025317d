import { parseArgs } from "node:util";
import { z } from "zod";
import { userError } from "../errors/witnessError.ts";
import { connectWitness } from "../main.ts";
import { createProgressReporter, type ProgressStream } from "../replay/progress.ts";
import { replayProjection, verifyReplayFile, type ReplayReport } from "../replay/replayProjection.ts";
import type { ReplayManifest } from "../replay/replayManifest.ts";
import type { Verification } from "../replay/verifyRebuild.ts";
import type { AnalyzerGroup } from "../analyzers/analyzerGroup.ts";
import { createDefaultAnalyzerGroups } from "../analyzers/defaultAnalyzerGroups.ts";
import { checkLabel, diffDerived, publishToSideTopics, readLiveDerived, replayAnalyzers, type DerivedChange } from "../replay/analyzerReplay.ts";
import type { Command } from "./command.ts";
import { formatTable } from "./format.ts";

const usage = `witness replay [--projection raw|all] [--from-timestamp <RFC3339>] [--out <file>] [--swap] [--as-of <RFC3339>]
witness replay --verify-only --out <file>
witness replay --analyzers [--dry-run | --label <label>] [--group <analyzer group>]...

Rebuilds the projection from the topics into a fresh DuckDB file (default: next
to the live one), reading every partition from its earliest offset (or the first
record at/after --from-timestamp, by Kafka timestamp) up to the end offsets
captured when the replay starts, with a consumer group of its own: the live
projector is not disturbed. Then it verifies the file (stored offsets = end
offsets; records read = ticks + rows + dead letters per topic) and prints a
checksum per table.

  --projection raw|all  raw topics only, or raw and derived topics as \`witness run\` projects them (default all)
  --swap                swap the verified file in: the running Witness pauses its projector, renames the file
                        over its own (keeping <file>.previous) and resumes from the new file's offsets;
                        with no Witness running, the file is renamed into place
  --as-of <time>        the state as it was at event time <time>: raw events with time ≤ <time>, derived
                        events whose window ended by <time> (window_end ≤ <time>); a snapshot, never swapped in
  --verify-only         verify a file built earlier against its manifest (<file>.replay.json) and print checksums
  --analyzers           re-derive with the analyzers as they are now, over the raw topics (events and clock ticks),
                        into <derived topic>.replay-<label>; --dry-run prints what would change against the live
                        derived topics instead (added, removed, changed by id and revision)`;

const rfc3339 = z.iso.datetime({ offset: true });

const parseTime = (flag: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (!rfc3339.safeParse(value).success) throw userError("replay.time", `${flag} takes an RFC 3339 time such as 2026-11-20T10:00:00Z (got ${JSON.stringify(value)}).`);
  return value;
};

export const formatVerification = (verification: Verification): string => {
  const offsets = verification.offsets.map((o) => ({
    partition: `${o.topic}:${o.partition}`,
    end: o.end.toString(),
    expected: o.expected?.toString() ?? "(none)",
    stored: o.stored?.toString() ?? "(none)",
    ok: o.isOk ? "ok" : "MISMATCH",
  }));
  const topics = verification.topics.map((t) => ({
    topic: t.topic,
    offsets: t.offsets.toString(),
    records: t.records,
    ticks: t.ticks,
    excluded: t.excluded,
    rows: t.rows,
    "dead letters": t.deadLetters,
    "not kept": t.notKept,
    gaps: t.gaps.toString(),
    ok: t.isOk ? "ok" : "MISMATCH",
  }));
  return [
    "Stored offsets (the next offset the file resumes from) against the end offsets captured at the start:",
    formatTable(["partition", "end", "expected", "stored", "ok"], offsets),
    "",
    "Records read per topic = clock ticks (no row) + excluded by --as-of + records with a row + dead letters + not kept",
    "(raw topics keep every record; a derived one drops a repeated id/revision and what evaluation retention removed);",
    "gaps are offsets without a data record (transaction markers, aborted or compacted records):",
    formatTable(["topic", "offsets", "records", "ticks", "excluded", "rows", "dead letters", "not kept", "gaps", "ok"], topics),
    "",
    "Checksum per table (sum of DuckDB row hashes mod 2^64; order-independent, duplicates count):",
    formatTable(["table", "rows", "checksum"], verification.checksums),
  ].join("\n");
};

const describeManifest = (manifest: ReplayManifest, outPath: string): string => {
  const records = manifest.partitions.reduce((n, p) => n + p.records, 0);
  const mode = manifest.asOf ? `the state as of ${manifest.asOf}` : manifest.fromTimestamp ? `records from ${manifest.fromTimestamp} on` : "every record";
  return `Rebuilt ${manifest.topicSet === "all" ? "the raw and derived" : "the raw"} projection (${mode}) into ${outPath}: ${records} records from ${manifest.partitions.length} partitions in ${(manifest.elapsedMs / 1000).toFixed(1)} s.`;
};

const describeSwap = (report: ReplayReport): string[] => {
  if (!report.swap) return [];
  if (report.swap.swappedBy === "rename") {
    return [`Swapped: no Witness runs on ${report.swap.livePath}; renamed the rebuilt file into place${report.swap.previousPath ? ` (the old one is ${report.swap.previousPath})` : ""}.`];
  }
  const { report: swap } = report.swap;
  return [
    `Swapped into the running Witness: ${swap.livePath} (the old file is ${swap.previousPath}); the projector paused for ${swap.pausedMs} ms and resumed from the new file's offsets:`,
    ...Object.entries(swap.resumedFrom).map(([partition, offset]) => `  ${partition} ${swap.pausedAt[partition] ?? "-"} → ${offset}`),
  ];
};

const selectGroups = (all: AnalyzerGroup[], names: readonly string[] | undefined): AnalyzerGroup[] => {
  if (!names || names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((g) => g.name === n));
  if (unknown.length > 0) throw userError("replay.group", `Unknown analyzer group ${unknown.join(", ")}; the groups are ${all.map((g) => g.name).join(", ")}.`);
  return all.filter((g) => names.includes(g.name));
};

const groupAnalyzers = (groups: readonly AnalyzerGroup[], name: string): string[] => groups.find((g) => g.name === name)?.stages.map((s) => s.analyzer.name) ?? [];

export const formatChanges = (changes: readonly DerivedChange[]): string => {
  const revision = (s: DerivedChange["live"]) => (s ? `${s.id.slice(0, 12)} r${s.revision} v${s.analyzer_version}` : "");
  const sign = { added: "+", removed: "-", changed: "~" } as const;
  return formatTable(
    ["", "analyzer", "key", "window", "live", "replay"],
    changes.map((c) => ({ "": sign[c.change], analyzer: c.analyzer, key: c.key, window: `${c.window_start} – ${c.window_end}`, live: revision(c.live), replay: revision(c.replay) })),
  );
};

export const replayCommand: Command = {
  name: "replay",
  summary: "rebuild the projection from the topics into a fresh file, verify it, swap it in; --as-of; analyzer replay",
  usage,
  run: async (args, { config, logger, stdout, stderr, signal }) => {
    const { values } = parseArgs({
      args,
      options: {
        projection: { type: "string", default: "all" },
        "from-timestamp": { type: "string" },
        out: { type: "string" },
        swap: { type: "boolean", default: false },
        "as-of": { type: "string" },
        "verify-only": { type: "boolean", default: false },
        analyzers: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        label: { type: "string" },
        group: { type: "string", multiple: true },
      },
      allowPositionals: false,
    });
    const projection = values.projection;
    if (projection !== "raw" && projection !== "all") throw userError("replay.projection", `--projection takes raw or all (got ${JSON.stringify(projection)}).`);
    const fromTimestamp = parseTime("--from-timestamp", values["from-timestamp"]);
    const asOf = parseTime("--as-of", values["as-of"]);
    if (asOf && values.swap) throw userError("replay.as_of_swap", "--as-of builds a snapshot to read; it cannot be swapped in (drop --swap).");
    if (values["dry-run"] && !values.analyzers) throw userError("replay.dry_run", "--dry-run goes with --analyzers.");

    if (values.analyzers) {
      const label = values["dry-run"] ? undefined : checkLabel(values.label);
      const groups = selectGroups(createDefaultAnalyzerGroups({ tiers: { timeZoneOf: (user) => config.analyzers.userTimeZones[user] } }), values.group);
      const connected = await connectWitness(config, logger, (line) => stderr.write(`${line}\n`));
      const deps = { kafka: connected.kafka, resolver: connected.resolver, catalogue: connected.catalogue, logger };
      const progress = createProgressReporter(stdout as unknown as ProgressStream);
      try {
        const result = await replayAnalyzers(deps, groups, { signal, onProgress: (done, total) => progress.update(done, total) });
        progress.finish();
        stdout.write(`Re-derived with ${result.groups.join(", ")} over ${result.records} raw records (${result.skipped} undecodable skipped): ${result.derived.length} derived events.\n`);
        if (label === undefined) {
          const live = await readLiveDerived(deps, { signal });
          const { changes, unchanged } = diffDerived(live.filter((e) => result.groups.some((g) => groupAnalyzers(groups, g).includes(e.analyzer))), result.derived);
          stdout.write(`${formatChanges(changes)}\n${changes.filter((c) => c.change === "added").length} added, ${changes.filter((c) => c.change === "removed").length} removed, ${changes.filter((c) => c.change === "changed").length} changed, ${unchanged} unchanged (dry run: nothing written).\n`);
          return 0;
        }
        for (const { topic, events } of await publishToSideTopics(deps, label, result.derived)) stdout.write(`  ${topic}: ${events} events\n`);
        return 0;
      } finally {
        progress.finish();
        await connected.close();
      }
    }

    if (values["verify-only"]) {
      if (!values.out) throw userError("replay.verify_only", "--verify-only needs --out <file>: the rebuilt file to verify.");
      const { manifest, verification } = await verifyReplayFile(values.out);
      stdout.write(`${describeManifest(manifest, values.out)}\n\n${formatVerification(verification)}\n\n`);
      stdout.write(verification.isOk ? "Verified.\n" : "Verification FAILED: see the MISMATCH rows above.\n");
      return verification.isOk ? 0 : 1;
    }

    const connected = await connectWitness(config, logger, (line) => stderr.write(`${line}\n`));
    const progress = createProgressReporter(stdout as unknown as ProgressStream);
    try {
      const report = await replayProjection(
        { kafka: connected.kafka, resolver: connected.resolver, catalogue: connected.catalogue, logger },
        {
          topicSet: projection,
          livePath: config.duckdb.path,
          outPath: values.out,
          fromTimestamp,
          asOf,
          isSwap: values.swap,
          onProgress: (done, total) => progress.update(done, total),
          signal,
        },
      );
      progress.finish();
      stdout.write(`${describeManifest(report.manifest, report.outPath)}\n\n${formatVerification(report.verification)}\n\n`);
      if (!report.verification.isOk) {
        stdout.write(`Verification FAILED: see the MISMATCH rows above.${values.swap ? " Not swapped." : ""}\n`);
        return 1;
      }
      stdout.write(`Verified; manifest written to ${report.outPath}.replay.json.\n`);
      for (const line of describeSwap(report)) stdout.write(`${line}\n`);
      return 0;
    } finally {
      progress.finish();
      await connected.close();
    }
  },
};
