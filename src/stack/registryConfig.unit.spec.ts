import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { registryApiUrl, registryJvmArgs } from "./registryConfig.ts";

describe("registry settings", () => {
  const args = registryJvmArgs({ host: "127.0.0.1", httpPort: 42000, managementPort: 42001, dataDir: "/stack/data/registry", logFile: "/stack/logs/registry.log", heapMb: 512, marker: "-Dwitness.stack.dir=/stack" });

  it("binds the API and the management interface (default port 9000) to loopback on the chosen ports", () => {
    for (const expected of ["-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=42000", "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=42001"]) {
      assert.ok(args.includes(expected), expected);
    }
  });

  it("keeps schemas in an H2 file under the data directory so schema ids survive a restart", () => {
    assert.ok(args.includes("-Dapicurio.datasource.url=jdbc:h2:file:/stack/data/registry/registry"));
  });

  it("bounds the heap and carries the stack marker", () => {
    assert.ok(args.includes("-Xmx512m"));
    assert.ok(args.includes("-Dwitness.stack.dir=/stack"));
  });

  it("serves the Confluent-compatible API under /apis/ccompat/v7", () => {
    assert.equal(registryApiUrl("127.0.0.1", 42000), "http://127.0.0.1:42000/apis/ccompat/v7");
  });
});
