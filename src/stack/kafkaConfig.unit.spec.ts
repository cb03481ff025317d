import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kafkaJvmArgs, kafkaLog4jProperties, kafkaServerProperties, newKafkaClusterId } from "./kafkaConfig.ts";

const propertiesOf = (text: string): Map<string, string> =>
  new Map(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

describe("kafka server.properties", () => {
  const properties = propertiesOf(kafkaServerProperties({ host: "127.0.0.1", brokerPort: 41000, controllerPort: 41001, dataDir: "/stack/data/kafka" }));

  it("runs broker and controller in one KRaft node that votes for itself on the controller port", () => {
    assert.equal(properties.get("process.roles"), "broker,controller");
    assert.equal(properties.get("node.id"), "1");
    assert.equal(properties.get("controller.quorum.voters"), "1@127.0.0.1:41001");
    assert.equal(properties.get("controller.listener.names"), "CONTROLLER");
  });

  it("listens and advertises on the chosen host and ports only", () => {
    assert.equal(properties.get("listeners"), "PLAINTEXT://127.0.0.1:41000,CONTROLLER://127.0.0.1:41001");
    assert.equal(properties.get("advertised.listeners"), "PLAINTEXT://127.0.0.1:41000");
    assert.equal(properties.get("inter.broker.listener.name"), "PLAINTEXT");
  });

  it("sets every replication factor and min ISR to 1 so groups and transactions work on one node", () => {
    for (const key of ["offsets.topic.replication.factor", "transaction.state.log.replication.factor", "transaction.state.log.min.isr", "min.insync.replicas", "default.replication.factor"]) {
      assert.equal(properties.get(key), "1", key);
    }
  });

  it("keeps its data in the given directory and starts consumer groups without delay", () => {
    assert.equal(properties.get("log.dirs"), "/stack/data/kafka");
    assert.equal(properties.get("group.initial.rebalance.delay.ms"), "0");
  });
});

describe("kafka log4j2 configuration", () => {
  it("writes a size-bounded rolling log file where it is told", () => {
    const text = kafkaLog4jProperties("/stack/logs/kafka.log");
    assert.match(text, /^appender\.file\.type = RollingFile$/m);
    assert.match(text, /^appender\.file\.fileName = \/stack\/logs\/kafka\.log$/m);
    assert.match(text, /^appender\.file\.policies\.size\.size = \d+MB$/m);
    assert.match(text, /^appender\.file\.strategy\.max = \d+$/m);
  });
});

describe("KRaft cluster id", () => {
  it("is 16 random bytes in URL-safe base64 without padding", () => {
    const id = newKafkaClusterId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  });

  it("never starts with a dash, which the storage tool would read as an option", () => {
    const draws = [Buffer.from([0xf8, ...Array(15).fill(1)]), Buffer.alloc(16, 7)];
    const id = newKafkaClusterId(() => draws.shift()!);
    assert.equal(id, Buffer.alloc(16, 7).toString("base64url"));
  });
});

describe("kafka JVM arguments", () => {
  it("bound the heap, point log4j at our config, carry the stack marker and put every jar on the classpath", () => {
    const args = kafkaJvmArgs({ libsDir: "/libs", log4jConfigPath: "/cfg/log4j2.properties", heapMb: 512, marker: "-Dwitness.stack.dir=/stack" });
    assert.ok(args.includes("-Xmx512m"));
    assert.ok(args.includes("-Dlog4j2.configurationFile=/cfg/log4j2.properties"));
    assert.ok(args.includes("-Dwitness.stack.dir=/stack"));
    assert.deepEqual(args.slice(-2), ["-cp", "/libs/*"]);
  });
});
