import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasSecrets, redactExcerpt, redactSecrets } from "./redact.ts";

describe("redactSecrets", () => {
  it("redacts provider API keys", () => {
    const text = "used sk-ant-abcdefghijklmnop1234567890 and ghp_abcdefghijklmnopqrstuvwxyz0123 and AKIAABCDEFGHIJKLMNOP";
    const redacted = redactSecrets(text);
    assert.doesNotMatch(redacted, /sk-ant-abc|ghp_abc|AKIAABC/);
    assert.equal(redacted.match(/\[REDACTED:api_key\]/g)?.length, 3);
  });

  it("keeps the scheme of a bearer token and redacts its value", () => {
    assert.equal(redactSecrets("Authorization: Bearer abc.def-123456789"), "Authorization: Bearer [REDACTED:bearer]");
  });

  it("redacts passwords given as name=value, name: value and 'is'", () => {
    assert.equal(redactSecrets("password=hunter22 next"), "password=[REDACTED:password] next");
    assert.equal(redactSecrets('{"password": "s3cr3t!"}'), '{"password": "[REDACTED:password]"}');
    assert.equal(redactSecrets("my password is letmein"), "my password is [REDACTED:password]");
  });

  it("redacts credentials inside URLs but keeps the host", () => {
    assert.equal(
      redactSecrets("postgres://admin:topsecret@db.internal:5432/app"),
      "postgres://admin:[REDACTED:url_credentials]@db.internal:5432/app",
    );
  });

  it("redacts emails and JWTs", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assert.equal(redactSecrets(`mail ada@example.com token ${jwt}`), "mail [REDACTED:email] token [REDACTED:jwt]");
  });

  it("redacts generic secret assignments such as api_key=…", () => {
    assert.equal(redactSecrets("api_key=abcd1234efgh"), "api_key=[REDACTED:secret]");
    assert.equal(redactSecrets("X-API-Key: qwertyuiop123"), "X-API-Key: [REDACTED:secret]");
  });

  it("leaves ordinary text alone", () => {
    const text = "run the tests with --runInBand before committing to main";
    assert.equal(redactSecrets(text), text);
    assert.equal(hasSecrets(text), false);
  });
});

describe("redactExcerpt", () => {
  it("redacts before truncating so a cut never exposes part of a secret", () => {
    const excerpt = redactExcerpt(`prefix sk-proj-${"a".repeat(40)}`, 20);
    assert.ok(excerpt.length <= 20);
    assert.doesNotMatch(excerpt, /aaaa/);
  });

  it("collapses whitespace and marks truncation with an ellipsis", () => {
    assert.equal(redactExcerpt("a  b\n\nc " + "x".repeat(50), 10), "a b c xxx…");
  });
});
