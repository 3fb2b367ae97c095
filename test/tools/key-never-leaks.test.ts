import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/harness.js";
import { TOOL_NAMES, TOOL_SEED, toolCase } from "../helpers/tool-cases.js";

/**
 * A misbehaving gateway in front of Clerk may echo the request, Authorization header and all,
 * into an error page. Whatever the server makes of such a failure must not carry the key. Every
 * tool in ALL_TOOLS is called, with its case from test/helpers/tool-cases.ts.
 */
describe("the secret key never reaches a result", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ seed: TOOL_SEED });
    const echo = `<pre>debug: authorization=Bearer ${h.config.secretKey}</pre>`;
    for (const [status, headers, body] of [
      [502, { "Content-Type": "text/html" }, echo],
      [400, {}, { errors: [{ code: "x", message: echo, long_message: echo }] }],
    ] as const) {
      h.emu.inject({ method: "POST", status, headers, body, times: 1 });
    }
    h.emu.inject({
      method: "PATCH",
      status: 400,
      body: { errors: [{ code: "x", message: echo, long_message: echo }] },
      times: Number.POSITIVE_INFINITY,
    });
    for (const method of ["PATCH", "DELETE"]) {
      h.emu.inject({
        method,
        status: 502,
        headers: { "Content-Type": "text/html" },
        body: echo,
        times: Number.POSITIVE_INFINITY,
      });
    }
    h.emu.inject({
      method: "GET",
      status: 502,
      headers: { "Content-Type": "text/html" },
      body: echo,
      times: Number.POSITIVE_INFINITY,
    });
    h.emu.clearRequests();
  });
  afterEach(() => h.close());

  it.each(TOOL_NAMES)("%s", async (tool) => {
    const result = await h.call(tool, toolCase(tool).args);
    const everything = JSON.stringify(result);
    expect(h.emu.requests.length).toBeGreaterThan(0);
    expect(everything).toContain("sk_test_…");
    expect(everything).not.toContain(h.config.secretKey);
    expect(everything).not.toContain(h.config.secretKey.slice("sk_test_".length));
  });
});
