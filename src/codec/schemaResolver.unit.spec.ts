import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { registrySchemaResolver } from "./schemaResolver.ts";

const schema = { type: "record", name: "Probe", fields: [{ name: "a", type: "string" }] };

/** A registry stand-in on loopback whose behaviour each test scripts; it records the requests it saw. */
const withRegistry = async (handle: (request: IncomingMessage, response: ServerResponse, seen: number) => void, test: (url: string, seen: () => string[]) => Promise<void>) => {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    handle(request, response, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await test(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => requests);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
};

const json = (response: ServerResponse, status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

describe("the registry schema resolver", () => {
  it("repeats a registration the registry never answered, and succeeds when it answers", async () => {
    let registrations = 0;
    await withRegistry(
      (request, response) => {
        if (request.method === "GET" && request.url?.startsWith("/config/")) return json(response, 404, { error_code: 40401, message: "not found" });
        if (request.method === "POST" && ++registrations === 1) return; // the first registration hangs forever
        if (request.method === "POST") return json(response, 200, { id: 7 });
        json(response, 200, { compatibility: "BACKWARD" });
      },
      async (url, seen) => {
        const resolver = registrySchemaResolver({ url, timeoutMs: 300 });
        assert.equal(await resolver.register("probe-value", schema), 7);
        assert.equal(seen().filter((r) => r.startsWith("POST")).length, 2, "registered again after the timeout");
      },
    );
  });

  it("gives up with an external error after the last attempt times out", async () => {
    await withRegistry(
      (request, response) => {
        if (request.url?.startsWith("/config/")) return json(response, 404, { error_code: 40401, message: "not found" });
      },
      async (url) => {
        const resolver = registrySchemaResolver({ url, timeoutMs: 200 });
        await assert.rejects(resolver.register("probe-value", schema), (error: { code?: string; retriable?: boolean }) => error.code === "registry.register" && error.retriable === true);
      },
    );
  });

  it("treats an unknown schema id as the producer's fault, not the registry's", async () => {
    await withRegistry(
      (_request, response) => json(response, 404, { error_code: 40403, message: "Schema not found" }),
      async (url) => {
        const resolver = registrySchemaResolver({ url, timeoutMs: 500 });
        await assert.rejects(resolver.typeFor(42), (error: { code?: string; domain?: string }) => error.code === "schema.unknown" && error.domain === "user");
      },
    );
  });
});
