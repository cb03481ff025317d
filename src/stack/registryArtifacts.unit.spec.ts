import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pickRunnerJar, registryArtifactCoordinates } from "./registryArtifacts.ts";

describe("registry artifact", () => {
  it("is the tar.gz with classifier all", () => {
    assert.equal(registryArtifactCoordinates("3.3.3"), "io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all");
  });

  it("runs quarkus-run.jar in the fast-jar layout and the *-runner.jar in the legacy one", () => {
    assert.equal(pickRunnerJar(["app", "lib", "quarkus", "quarkus-run.jar", "quarkus-app-dependencies.txt"]), "quarkus-run.jar");
    assert.equal(pickRunnerJar(["apicurio-registry-app-3.0.9-runner.jar", "lib", "meta"]), "apicurio-registry-app-3.0.9-runner.jar");
    assert.equal(pickRunnerJar(["README.md"]), undefined);
  });
});
