import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { downloadProgress, parseMavenDownloadLine } from "./maven.ts";

describe("maven output", () => {
  it("reads a finished download with its size", () => {
    assert.deepEqual(
      parseMavenDownloadLine("[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.jar (6.5 MB at 12 MB/s)"),
      { url: "https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.jar", sizeBytes: 6_500_000 },
    );
    assert.equal(parseMavenDownloadLine("Downloaded from central: https://x/y.pom (25 kB at 125 kB/s)")?.sizeBytes, 25_000);
    assert.equal(parseMavenDownloadLine("Downloaded from my-mirror: https://x/y.sha1 (40 B at 1 kB/s)")?.sizeBytes, 40);
  });

  it("ignores downloads that are only starting and every other line", () => {
    assert.equal(parseMavenDownloadLine("[INFO] Downloading from central: https://x/y.jar"), undefined);
    assert.equal(parseMavenDownloadLine("[INFO] BUILD SUCCESS"), undefined);
  });
});

describe("download progress", () => {
  it("reports the first download at once, then at most once per interval, and totals at the end", () => {
    const lines: string[] = [];
    const progress = downloadProgress((l) => lines.push(l), "Kafka 4.4.0", 60_000);
    progress.onDownload({ url: "a", sizeBytes: 1_000_000 });
    progress.onDownload({ url: "b", sizeBytes: 2_500_000 });
    progress.finish();
    assert.deepEqual(lines, ["Kafka 4.4.0: 1 file downloaded (1.0 MB)…", "Kafka 4.4.0: 2 files downloaded (3.5 MB)"]);
  });

  it("does not repeat the totals when the last progress line already gave them", () => {
    const lines: string[] = [];
    const progress = downloadProgress((l) => lines.push(l), "Apicurio Registry 3.3.3", 60_000);
    progress.onDownload({ url: "a.tar.gz", sizeBytes: 159_000_000 });
    progress.finish();
    assert.deepEqual(lines, ["Apicurio Registry 3.3.3: 1 file downloaded (159.0 MB)…"]);
  });

  it("says nothing when everything was already in the local Maven repository", () => {
    const lines: string[] = [];
    downloadProgress((l) => lines.push(l), "Kafka").finish();
    assert.deepEqual(lines, []);
  });

  it("keeps saying it is alive during one long download", async () => {
    const lines: string[] = [];
    const progress = downloadProgress((l) => lines.push(l), "Apicurio Registry 3.3.3", 3_000, 40);
    await new Promise((r) => setTimeout(r, 150));
    progress.finish(false);
    assert.ok(lines.length >= 1);
    assert.match(lines[0]!, /^Apicurio Registry 3\.3\.3: 0 files downloaded \(0\.0 MB\), still fetching after \d+ s…$/);
  });
});
