import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { uniqueName } from "./uniqueName.ts";

describe("unique names", () => {
  it("start with the prefix and differ on every call", () => {
    const names = new Set(Array.from({ length: 1_000 }, () => uniqueName("orders")));
    assert.equal(names.size, 1_000);
    for (const name of names) assert.match(name, /^orders-[a-z0-9]+-[0-9a-f]{8}$/);
  });

  it("only contain characters Kafka allows in topic names", () => {
    assert.match(uniqueName("my topic/with:odd chars"), /^[a-zA-Z0-9._-]+$/);
  });
});
