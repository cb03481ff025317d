import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { allocatePorts, isPortFree } from "./freePorts.ts";

const occupy = () =>
  new Promise<{ port: number; close: () => Promise<void> }>((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });

describe("free ports", () => {
  it("hands out distinct free ports, one per name", async () => {
    const ports = await allocatePorts("127.0.0.1", ["a", "b", "c", "d"]);
    assert.equal(new Set(Object.values(ports)).size, 4);
    for (const port of Object.values(ports)) assert.equal(await isPortFree(port, "127.0.0.1"), true);
  });

  it("keeps a preferred port when it is free and replaces it when it is taken", async () => {
    const taken = await occupy();
    try {
      const { spare } = await allocatePorts("127.0.0.1", ["spare"]);
      const ports = await allocatePorts("127.0.0.1", ["kept", "moved"], { kept: spare, moved: taken.port });
      assert.equal(ports.kept, spare);
      assert.notEqual(ports.moved, taken.port);
      assert.equal(await isPortFree(taken.port, "127.0.0.1"), false);
    } finally {
      await taken.close();
    }
  });
});
