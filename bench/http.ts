/**
 * `npm run bench:http`: the remote-mode part of `npm run bench` alone (bench/lib/http.ts):
 * stdio, one HTTP instance and two behind a round-robin, and the token check's cost.
 *
 * Options: --calls N (sequential calls per subject, default 300), --warmup N (default 100).
 */
import { parseArgs } from "node:util";
import { benchHttp, httpReport } from "./lib/http.js";

const { values: opts } = parseArgs({
  options: {
    calls: { type: "string", default: "300" },
    warmup: { type: "string", default: "100" },
  },
});

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")).join("\n");
}

benchHttp(Math.max(10, Number(opts.calls)), Math.max(0, Number(opts.warmup))).then(
  (result) => {
    process.stdout.write(`${httpReport(result, table).join("\n")}\n${JSON.stringify(result)}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
