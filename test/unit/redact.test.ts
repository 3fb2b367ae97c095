import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStderrLogger, redact } from "../../src/log.js";
import { keyForms } from "../helpers/key-forms.js";

const KEY = "sk_live_Abc123_def456GHI789jkl012";

describe("redact", () => {
  const { echo, forbidden } = keyForms(KEY);

  it("removes every echoed form of the key: plain, URL-encoded, base64 in Basic/Bearer", () => {
    const out = redact(echo);
    for (const f of forbidden) expect(out, f).not.toContain(f);
    expect(out).toContain("sk_live_…");
  });

  it("leaves ordinary text, and Basic/Bearer tokens without a key, alone", () => {
    const plain = `Bearer ${Buffer.from("just a session token").toString("base64")} sk_other trace-abc123`;
    expect(redact(plain)).toBe(plain);
  });

  it("the stderr logger writes no form of the key", () => {
    const stream = new PassThrough();
    let written = "";
    stream.on("data", (d: Buffer) => {
      written += d.toString();
    });
    const log = createStderrLogger(stream);
    log.info(echo);
    log.error("failed", new Error(echo));
    for (const f of forbidden) expect(written, f).not.toContain(f);
  });
});
