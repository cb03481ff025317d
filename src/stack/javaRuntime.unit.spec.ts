import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isWitnessError } from "../errors/witnessError.ts";
import { javaMajorOf, parseJavaReleaseFile, parseJavaVersionOutput, pickJavaRuntime, requireJavaRuntime, type JavaRuntime } from "./javaRuntime.ts";

const runtime = (major: number, source: string): JavaRuntime => ({ javaPath: `/jdk${major}/bin/java`, version: `${major}.0.1`, major, source });

describe("java version parsing", () => {
  it("reads the major version of old and new version strings", () => {
    assert.equal(javaMajorOf("1.8.0_392"), 8);
    assert.equal(javaMajorOf("17.0.15"), 17);
    assert.equal(javaMajorOf("25"), 25);
    assert.equal(javaMajorOf("21-ea"), 21);
    assert.equal(javaMajorOf("unknown"), undefined);
  });

  it("finds the version in `java -version` output and in a JDK release file", () => {
    assert.equal(parseJavaVersionOutput('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), "17.0.15");
    assert.equal(parseJavaVersionOutput('java version "1.8.0_392"'), "1.8.0_392");
    assert.equal(parseJavaReleaseFile('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n'), "25.0.3");
  });
});

describe("choosing a java runtime", () => {
  const found = [runtime(17, "PATH"), runtime(25, "/usr/lib/jvm/temurin-25"), runtime(21, "/usr/lib/jvm/jdk-21")];

  it("takes the first runtime in order of preference that is new enough", () => {
    assert.equal(pickJavaRuntime(found, 17)?.source, "PATH");
    assert.equal(pickJavaRuntime(found, 21)?.source, "/usr/lib/jvm/temurin-25");
  });

  it("says what it found and what to install when nothing is new enough", () => {
    assert.throws(() => requireJavaRuntime([runtime(17, "PATH")], 21, "Apicurio Registry 3.3.3"), (error: unknown) => {
      assert.ok(isWitnessError(error));
      assert.equal(error.domain, "user");
      assert.match(error.message, /Apicurio Registry 3\.3\.3 needs Java 21 or newer/);
      assert.match(error.message, /Java 17\.0\.1 \(PATH\)/);
      assert.match(error.message, /JAVA_HOME/);
      return true;
    });
  });
});
