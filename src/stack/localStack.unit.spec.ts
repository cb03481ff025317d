import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isWitnessError } from "../errors/witnessError.ts";
import type { JavaRuntime } from "./javaRuntime.ts";
import { chooseRegistryRelease, stackMarker } from "./localStack.ts";

const java = (major: number): JavaRuntime => ({ javaPath: `/jdk${major}/bin/java`, version: `${major}.0.2`, major, source: "test" });
const releases = [{ version: "3.3.3", minimumJava: 21 }, { version: "3.0.9", minimumJava: 17 }];

describe("registry release choice", () => {
  it("runs the newest registry when a Java new enough for it is installed", () => {
    const choice = chooseRegistryRelease([java(17), java(25)], releases);
    assert.equal(choice.release.version, "3.3.3");
    assert.equal(choice.java.major, 25);
  });

  it("falls back to the release that still runs on Java 17 when that is all there is", () => {
    const choice = chooseRegistryRelease([java(17)], releases);
    assert.equal(choice.release.version, "3.0.9");
    assert.equal(choice.java.major, 17);
  });

  it("asks for the newest release's Java when no release can run", () => {
    assert.throws(() => chooseRegistryRelease([java(11)], releases), (error: unknown) => isWitnessError(error) && /Java 21 or newer/.test(error.message));
  });
});

describe("stack marker", () => {
  it("names the absolute stack directory, so processes of another stack directory are never signalled", () => {
    assert.equal(stackMarker("/home/me/.cache/witness/stack"), "-Dwitness.stack.dir=/home/me/.cache/witness/stack");
    assert.notEqual(stackMarker("/a/stack"), stackMarker("/b/stack"));
  });
});
