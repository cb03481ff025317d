import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kafkaPom } from "./kafkaArtifacts.ts";

describe("kafka runtime pom", () => {
  const pom = kafkaPom({ kafkaVersion: "4.4.0", scalaVersion: "2.13", log4jVersion: "2.25.5" });

  it("depends on the Kafka server for the chosen Scala version", () => {
    assert.match(pom, /<artifactId>kafka_2\.13<\/artifactId><version>4\.4\.0<\/version>/);
    assert.match(pom, /<packaging>pom<\/packaging>/);
  });

  it("adds the slf4j 1.7 binding for log4j2 and pins log4j so binding and core agree", () => {
    assert.match(pom, /<artifactId>log4j-slf4j-impl<\/artifactId><version>2\.25\.5<\/version>/);
    assert.match(pom, /<artifactId>log4j-core<\/artifactId><version>2\.25\.5<\/version>/);
    assert.match(pom, /<artifactId>log4j-api<\/artifactId><version>2\.25\.5<\/version>/);
  });

  it("leaves Kafka's own slf4j-api in charge", () => {
    assert.match(pom, /<exclusion><groupId>org\.slf4j<\/groupId><artifactId>slf4j-api<\/artifactId><\/exclusion>/);
  });
});
