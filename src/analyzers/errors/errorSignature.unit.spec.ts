import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyCause } from "./causeClass.ts";
import { errorSignatureOf, normalizeErrorMessage } from "./errorSignature.ts";

const error = (message: string, type: string | null = null, code: string | null = null) => ({ message, type, code });

describe("normalizeErrorMessage", () => {
  const cases: Array<[string, string, string]> = [
    ["numbers", "retry 3 of 5 failed after 1500ms", "retry <n> of <n> failed after <n>"],
    ["UUIDs", "order 3f2b8c1e-9a4d-4e2b-8c7f-1a2b3c4d5e6f not found", "order <uuid> not found"],
    ["quoted values", `column "customer_name" does not exist`, "column <str> does not exist"],
    ["single-quoted values but not apostrophes", "can't read property 'id' of undefined", "can't read property <str> of undefined"],
    ["unix paths", "ENOENT: no such file or directory, open '/srv/app/data/report-17.csv'", "enoent: no such file or directory, open <str>"],
    ["bare paths", "cannot open /var/lib/witness/cache.db for writing", "cannot open <path> for writing"],
    ["timestamps", "lock held since 2025-03-24T10:15:00Z by worker", "lock held since <time> by worker"],
    ["hex", "segfault at 0x7ffd3a2b in module deadbeefcafe1234", "segfault at <hex> in module <hex>"],
    ["ids", "request req_8f7a9c2 for user-48213 rejected", "request <id> for <id> rejected"],
    ["IP addresses and dotted versions", "connect ECONNREFUSED 10.0.3.7:5432 (driver 1.12.4)", "connect econnrefused <ip> (driver <n>)"],
    ["emails (redacted first) and urls", "mail to ada@example.com via https://mx.example.com/send?id=4 bounced", "mail to [redacted:email] via <url> bounced"],
  ];
  for (const [what, input, expected] of cases) {
    it(`masks ${what}`, () => assert.equal(normalizeErrorMessage(input), expected));
  }

  it("gives failures that differ only in data the same signature", () => {
    const a = errorSignatureOf(error(`Timeout after 30000ms calling https://api.example.com/v1/orders/81723`, "TimeoutError"));
    const b = errorSignatureOf(error(`Timeout after 45000ms calling https://api.example.com/v1/orders/99`, "TimeoutError"));
    assert.equal(a, b);
    assert.equal(a, "TimeoutError: timeout after <n> calling <url>");
  });

  it("keeps class-like codes and masks id-like ones", () => {
    assert.equal(errorSignatureOf(error("too many requests", null, "429")), "[429]: too many requests");
    assert.equal(errorSignatureOf(error("reset", "Error", "ECONNRESET")), "Error [ECONNRESET]: reset");
    assert.equal(errorSignatureOf(error("x", null, "trace-81f2a9")), "[<id>]: x");
  });

  it("never lets a secret into a signature", () => {
    const signature = errorSignatureOf(error("401 for Authorization: Bearer abcdefghijklmnop and password=hunter22"));
    assert.doesNotMatch(signature, /abcdefghijklmnop|hunter22/);
  });

  it("keeps signatures of different failures apart", () => {
    assert.notEqual(
      errorSignatureOf(error(`column "a" does not exist`)),
      errorSignatureOf(error(`relation "a" does not exist`)),
    );
  });
});

describe("classifyCause", () => {
  const cases: Array<[string, ReturnType<typeof classifyCause>, ReturnType<typeof error>]> = [
    ["a timeout by type", "timeout", error("operation aborted", "AbortError")],
    ["a timeout by message", "timeout", error("ETIMEDOUT connecting to db")],
    ["a 504 as a timeout", "timeout", error("gateway", null, "504")],
    ["a 429 as a rate limit", "rate_limit", error("slow down", null, "429")],
    ["a rate limit by message", "rate_limit", error("Rate limit reached for requests")],
    ["a 401 as auth", "auth", error("nope", null, "401")],
    ["an invalid API key as auth", "auth", error("Incorrect or invalid API key provided")],
    ["a 422 as validation", "validation", error("Unprocessable entity: field 'email' is required", null, "422")],
    ["a status in the message", "validation", error("Request failed with status code 404")],
    ["a 503 as dependency", "dependency", error("try later", null, "503")],
    ["a refused connection as dependency", "dependency", error("connect ECONNREFUSED 127.0.0.1:5432")],
    ["unparseable model output", "malformed_model_output", error("Unexpected token } in JSON at position 42", "SyntaxError")],
    ["a context overflow", "context_overflow", error("This model's maximum context length is 8192 tokens")],
    ["anything else as unknown", "unknown", error("the flux capacitor misaligned")],
  ];
  for (const [what, expected, input] of cases) {
    it(`classifies ${what}`, () => assert.equal(classifyCause(input), expected));
  }
});
