/**
 * `npm run bundle`: builds `clerk-admin-mcp.mcpb`, the desktop bundle (MCPB) that Claude
 * Desktop installs in one click, keeping the secret key in the OS keychain, with
 * `@anthropic-ai/mcpb`'s `pack`; then writes its SHA-256 into server.json's mcpb package.
 * Run after `npm run build` (the npm script does both).
 *
 * Options: --out FILE (default clerk-admin-mcp.mcpb), --server-json FILE (default server.json;
 * the test points both at a temporary folder), --stage DIR (the folder packed; default a
 * temporary one, removed afterwards).
 *
 * What the bundle holds, and why:
 * - manifest.json (manifest_version 0.3): the key as a `sensitive` user setting, the safety
 *   settings as optional ones, each reaching the server as its environment variable. A setting
 *   left empty arrives as the literal `${user_config.NAME}`, which src/config.ts reads as unset.
 * - server/: dist/ as built (it has no runtime dependencies), and a package.json with
 *   `"type": "module"`: the bin is an ES module, and without it Node 20 reads server/index.js
 *   as CommonJS. No V8 code cache (the build ships none): the host's Node is not ours.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ALL_TOOLS } from "../src/tools/registry.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  description: string;
  author: string;
  license: string;
  homepage: string;
  keywords: string[];
  repository: { type: string; url: string };
  bugs: { url: string };
  engines: { node: string };
};

const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(ROOT, "clerk-admin-mcp.mcpb") },
    "server-json": { type: "string", default: join(ROOT, "server.json") },
    stage: { type: "string" },
  },
});

/** The user settings and the environment variable each one becomes. */
const SETTINGS = {
  secret_key: {
    env: "CLERK_SECRET_KEY",
    option: {
      type: "string",
      title: "Clerk secret key",
      description:
        "The instance's secret key (sk_test_… or sk_live_…), from the API keys page of the Clerk Dashboard. Kept in your system's keychain.",
      sensitive: true,
      required: true,
    },
  },
  read_only: {
    env: "CLERK_MCP_READ_ONLY",
    option: {
      type: "boolean",
      title: "Read-only",
      description: "Serve only the tools that change nothing.",
      required: false,
      default: false,
    },
  },
  toolsets: {
    env: "CLERK_MCP_TOOLSETS",
    option: {
      type: "string",
      title: "Toolsets",
      description:
        "Comma-separated toolsets to enable (empty: the default ones). See the README for the list.",
      required: false,
    },
  },
  allow_production_writes: {
    env: "CLERK_MCP_ALLOW_PRODUCTION_WRITES",
    option: {
      type: "boolean",
      title: "Allow production writes",
      description: "With an sk_live_ key, write tools are refused unless this is on.",
      required: false,
      default: false,
    },
  },
  audit_log: {
    env: "CLERK_MCP_AUDIT_LOG",
    option: {
      type: "string",
      title: "Audit log file",
      description: "A file that gets one JSON line per write call (empty: no audit log).",
      required: false,
    },
  },
  protected_ids: {
    env: "CLERK_MCP_PROTECTED_IDS",
    option: {
      type: "string",
      title: "Protected IDs",
      description: "Comma-separated user_ and org_ IDs that no write tool may change.",
      required: false,
    },
  },
  no_confirm: {
    env: "CLERK_MCP_NO_CONFIRM",
    option: {
      type: "boolean",
      title: "No confirmation",
      description: "Do not ask before destructive calls.",
      required: false,
      default: false,
    },
  },
} as const;

const repoUrl = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
const manifest = {
  manifest_version: "0.3",
  name: pkg.name,
  display_name: "Clerk Admin",
  version: pkg.version,
  description: pkg.description,
  author: { name: pkg.author },
  repository: { type: "git", url: repoUrl },
  homepage: pkg.homepage,
  support: pkg.bugs.url,
  license: pkg.license,
  keywords: pkg.keywords,
  server: {
    type: "node",
    entry_point: "server/index.js",
    mcp_config: {
      command: "node",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the host's own placeholder
      args: ["${__dirname}/server/index.js"],
      env: Object.fromEntries(
        Object.entries(SETTINGS).map(([name, s]) => [s.env, `\${user_config.${name}}`]),
      ),
    },
  },
  tools: ALL_TOOLS.map((t) => ({ name: t.name, description: t.title })),
  compatibility: {
    platforms: ["darwin", "win32", "linux"],
    runtimes: { node: pkg.engines.node },
  },
  user_config: Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, s.option])),
};

const stage = values.stage ?? mkdtempSync(join(tmpdir(), "clerk-admin-mcp-mcpb-"));
try {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "server"), { recursive: true });
  cpSync(join(ROOT, "dist"), join(stage, "server"), {
    recursive: true,
    filter: (src) => !src.endsWith(".cache") && !src.endsWith("meta.json"),
  });
  writeFileSync(
    join(stage, "server", "package.json"),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, type: "module", private: true }, null, 2)}\n`,
  );
  cpSync(join(ROOT, "LICENSE"), join(stage, "LICENSE"));
  writeFileSync(join(stage, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  const mcpb = join(ROOT, "node_modules", ".bin", "mcpb");
  execFileSync(mcpb, ["validate", join(stage, "manifest.json")], { stdio: "inherit" });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(mcpb, ["pack", stage, out], { stdio: ["ignore", "inherit", "inherit"] });

  const sha = createHash("sha256").update(readFileSync(out)).digest("hex");
  const serverJsonPath = resolve(values["server-json"]);
  const serverJson = JSON.parse(readFileSync(serverJsonPath, "utf8")) as {
    packages: Array<{ registryType: string; fileSha256?: string }>;
  };
  const entry = serverJson.packages.find((p) => p.registryType === "mcpb");
  if (!entry) throw new Error(`${serverJsonPath} has no mcpb package to record the hash in`);
  entry.fileSha256 = sha;
  writeFileSync(serverJsonPath, `${JSON.stringify(serverJson, null, 2)}\n`);
  process.stderr.write(`${out}\nsha256 ${sha} (written to ${serverJsonPath})\n`);
} finally {
  if (!values.stage) rmSync(stage, { recursive: true, force: true });
}
