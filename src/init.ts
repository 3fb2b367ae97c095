import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { applyEdits, modify, type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { read } from "read";
import { ConfigError, loadConfig, parseSecretKey } from "./config.js";
import { selectTools } from "./safety/selection.js";
import { ALL_TOOLS } from "./tools/registry.js";

/** A well-formed key for checking the server's options; never written anywhere. */
const CHECK_KEY = `sk_test_${"0".repeat(32)}`;

/**
 * `clerk-admin-mcp init --client NAME`: writes this server into an MCP client's configuration
 * file, or prints the entry (`--print`). A terminal command, not the server: it talks to the
 * person on stderr and is loaded only when asked for (the build puts it in dist/init.cjs).
 *
 * Files are JSON with comments (VS Code's and Cursor's are), so they are edited with
 * jsonc-parser's `modify`: the one entry changes, every other byte (other servers, comments,
 * formatting) stays as it was.
 */

export const CLIENTS = ["claude-desktop", "claude-code", "cursor", "vscode"] as const;
export type ClientName = (typeof CLIENTS)[number];

/** The entry's name in the client's server list. */
export const ENTRY_NAME = "clerk-admin";
/** VS Code asks for the key through this input (a password prompt), and keeps it itself. */
export const VSCODE_INPUT_ID = "clerk-secret-key";
const PACKAGE = "clerk-admin-mcp";
/** Shown in place of the key in anything printed. */
const HIDDEN = "<hidden>";
const KEY_PLACEHOLDER = "<your sk_test_… or sk_live_… key>";

export interface InitIo {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Where the key is asked for, when it is a terminal. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Everything init says; the key is never written here. */
  out: NodeJS.WritableStream;
  /** Asks for the key with hidden input; the default uses `read` on `stdin` and `out`. */
  askKey?: () => Promise<string>;
}

/** Flags passed through to the server's `args`, as the server's own parser takes them. */
export const PASS_THROUGH = {
  toolsets: { type: "string" },
  tools: { type: "string" },
  "exclude-tools": { type: "string" },
  "read-only": { type: "boolean" },
  "allow-production-writes": { type: "boolean" },
  "audit-log": { type: "string" },
  "no-confirm": { type: "boolean" },
  protect: { type: "string" },
} as const;

const OPTIONS = {
  client: { type: "string" },
  print: { type: "boolean" },
  emulator: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...PASS_THROUGH,
} as const;

export const INIT_USAGE = `Usage: clerk-admin-mcp init --client NAME [options]

Adds this server (as "${ENTRY_NAME}") to an MCP client's configuration file, keeping a
backup of the previous file (.bak beside it) and every other entry as it was.

  --client NAME   ${CLIENTS.join(", ")}
  --print         show the entry and the file it goes to; write nothing
  --emulator      an entry for the built-in emulator (demo data, no key needed)

The key is taken from CLERK_SECRET_KEY, or asked for (hidden) on a terminal; VS Code gets a
password prompt of its own instead. The server's options are passed into the entry:
  --toolsets LIST  --tools LIST  --exclude-tools LIST  --read-only
  --allow-production-writes  --audit-log FILE  --no-confirm  --protect LIST
`;

/** Where a client keeps its user-wide MCP servers, and the key that holds them. */
export interface ClientFile {
  file: string;
  serversKey: "mcpServers" | "servers";
}

/**
 * The client's configuration file on `platform`, from HOME (USERPROFILE on Windows), APPDATA
 * and XDG_CONFIG_HOME in `env`.
 * @throws ConfigError when a variable it needs is not set.
 */
export function clientFile(
  client: ClientName,
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): ClientFile {
  const p = platform === "win32" ? path.win32 : path.posix;
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new ConfigError(`${name} is not set: cannot find ${client}'s configuration.`);
    return value;
  };
  const home = () => need(platform === "win32" ? "USERPROFILE" : "HOME");
  // Per-user application data: what Electron apps (Claude Desktop, VS Code) use on each system.
  const appData = () => {
    if (platform === "win32") return need("APPDATA");
    if (platform === "darwin") return p.join(home(), "Library", "Application Support");
    return env.XDG_CONFIG_HOME || p.join(home(), ".config");
  };
  switch (client) {
    case "claude-desktop":
      return {
        file: p.join(appData(), "Claude", "claude_desktop_config.json"),
        serversKey: "mcpServers",
      };
    case "claude-code":
      // User scope: the top-level mcpServers of ~/.claude.json (`claude mcp add --scope user`).
      return { file: p.join(home(), ".claude.json"), serversKey: "mcpServers" };
    case "cursor":
      return { file: p.join(home(), ".cursor", "mcp.json"), serversKey: "mcpServers" };
    case "vscode":
      return { file: p.join(appData(), "Code", "User", "mcp.json"), serversKey: "servers" };
  }
}

export interface EntryOptions {
  emulator: boolean;
  /** The key to write; undefined writes none (the emulator, VS Code's prompt, `--print`). */
  secretKey?: string;
  /** The server's flags, already in command-line form. */
  serverArgs: string[];
}

export interface ServerEntry {
  type?: "stdio";
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * The client's entry for this server: `npx -y clerk-admin-mcp` and the flags. Claude Code on
 * native Windows cannot start `npx` (a .cmd script) without `cmd /c`.
 */
export function serverEntry(
  client: ClientName,
  platform: NodeJS.Platform,
  opts: EntryOptions,
): ServerEntry {
  const args = ["-y", PACKAGE, ...(opts.emulator ? ["--emulator"] : []), ...opts.serverArgs];
  const launch =
    client === "claude-code" && platform === "win32"
      ? { command: "cmd", args: ["/c", "npx", ...args] }
      : { command: "npx", args };
  let env: Record<string, string> | undefined;
  if (!opts.emulator) {
    env = {
      CLERK_SECRET_KEY:
        client === "vscode" ? `\${input:${VSCODE_INPUT_ID}}` : (opts.secretKey ?? KEY_PLACEHOLDER),
    };
  }
  return {
    ...(client === "claude-code" || client === "vscode" ? { type: "stdio" as const } : {}),
    ...launch,
    ...(env ? { env } : {}),
  };
}

/** VS Code's input that asks for the key as a password and keeps it. */
export const VSCODE_INPUT = {
  type: "promptString",
  id: VSCODE_INPUT_ID,
  description: "Clerk secret key (sk_test_… or sk_live_…)",
  password: true,
} as const;

/**
 * `text` (the file's current content, or undefined when there is none) with the entry set
 * under `serversKey`, and for VS Code the key's input set in `inputs`; nothing else changes.
 * @returns the new text, and whether an entry of that name was there already.
 * @throws ConfigError when `text` is not JSON (comments allowed) or its top level, servers or
 *   inputs are not of the expected type.
 */
export function mergeEntry(
  text: string | undefined,
  where: ClientFile,
  entry: ServerEntry,
  file: string,
  withInput: boolean,
): { text: string; replaced: boolean } {
  const source = text === undefined || text.trim() === "" ? "{}" : text;
  const errors: ParseError[] = [];
  const root: unknown = parse(source, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const first = errors[0] as ParseError;
    const line = source.slice(0, first.offset).split("\n").length;
    throw new ConfigError(
      `${file} is not valid JSON (${printParseErrorCode(first.error)} at line ${line}). Fix it or move it away, then run init again; it was left as it is.`,
    );
  }
  if (!isObject(root)) {
    throw new ConfigError(
      `${file} does not hold a JSON object at its top level; it was left as it is.`,
    );
  }
  const servers = root[where.serversKey];
  if (servers !== undefined && !isObject(servers)) {
    throw new ConfigError(`${file}: "${where.serversKey}" is not an object; it was left as it is.`);
  }
  const inputs = root.inputs;
  if (withInput && inputs !== undefined && !Array.isArray(inputs)) {
    throw new ConfigError(`${file}: "inputs" is not an array; it was left as it is.`);
  }
  const format = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } };
  let out = applyEdits(source, modify(source, [where.serversKey, ENTRY_NAME], entry, format));
  if (withInput) {
    const list = Array.isArray(inputs) ? inputs : [];
    const at = list.findIndex((i) => isObject(i) && i.id === VSCODE_INPUT_ID);
    const edits =
      at >= 0
        ? modify(out, ["inputs", at], VSCODE_INPUT, format)
        : modify(out, ["inputs", list.length], VSCODE_INPUT, {
            ...format,
            isArrayInsertion: true,
          });
    out = applyEdits(out, edits);
  }
  return {
    text: out.endsWith("\n") ? out : `${out}\n`,
    replaced: isObject(servers) && ENTRY_NAME in servers,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The entry as printed: the key, if any, hidden. */
function shown(entry: ServerEntry): string {
  const copy: ServerEntry = {
    ...entry,
    ...(entry.env ? { env: { ...entry.env } } : {}),
  };
  if (copy.env?.CLERK_SECRET_KEY?.startsWith("sk_")) copy.env.CLERK_SECRET_KEY = HIDDEN;
  return JSON.stringify({ [ENTRY_NAME]: copy }, null, 2);
}

/** The pass-through flags as the server's command line. */
function serverArgsFrom(values: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const [name, spec] of Object.entries(PASS_THROUGH)) {
    const value = values[name];
    if (spec.type === "boolean" && value === true) args.push(`--${name}`);
    if (spec.type === "string" && typeof value === "string") args.push(`--${name}`, value);
  }
  return args;
}

async function defaultAskKey(io: InitIo): Promise<string> {
  return read({
    prompt: "Clerk secret key (sk_test_… or sk_live_…, input hidden): ",
    silent: true,
    input: io.stdin,
    output: io.out,
  });
}

/**
 * Runs `init` with `argv` (the words after `init`).
 * @returns the exit code: 0 done, 1 nothing written (a bad file, no key), 2 a usage error.
 */
export async function runInit(argv: string[], io: InitIo): Promise<number> {
  const say = (text: string) => io.out.write(`${text}\n`);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    say(`clerk-admin-mcp init: ${(err as Error).message.split("\n")[0]}\n\n${INIT_USAGE}`);
    return 2;
  }
  if (values.help) {
    say(INIT_USAGE);
    return 0;
  }
  const client = values.client;
  if (typeof client !== "string" || !(CLIENTS as readonly string[]).includes(client)) {
    say(
      `clerk-admin-mcp init: --client must be one of ${CLIENTS.join(", ")}${typeof client === "string" ? ` (got ${JSON.stringify(client)})` : ""}.\n\n${INIT_USAGE}`,
    );
    return 2;
  }
  const name = client as ClientName;
  const emulator = values.emulator === true;
  const serverArgs = serverArgsFrom(values);
  try {
    // The server would refuse these at start (an unknown toolset or tool, a malformed
    // protected ID): refuse them now, before a client is set up to start a server that exits.
    selectTools(ALL_TOOLS, loadConfig({ CLERK_SECRET_KEY: CHECK_KEY }, serverArgs));
    const where = clientFile(name, io.platform, io.env);
    const withInput = name === "vscode" && !emulator;
    if (values.print) {
      const entry = serverEntry(name, io.platform, { emulator, serverArgs });
      say(
        `${where.file}, under "${where.serversKey}":\n${JSON.stringify({ [ENTRY_NAME]: entry }, null, 2)}`,
      );
      if (withInput) say(`and under "inputs":\n${JSON.stringify(VSCODE_INPUT, null, 2)}`);
      if (name === "claude-code") {
        const env = entry.env ? ` -e CLERK_SECRET_KEY=${KEY_PLACEHOLDER.replace(/ /g, "_")}` : "";
        say(
          `or, with Claude Code's own command:\n  claude mcp add --scope user${env} ${ENTRY_NAME} -- ${[entry.command, ...entry.args].join(" ")}`,
        );
      }
      say("Nothing was written (--print).");
      return 0;
    }
    let secretKey: string | undefined;
    if (!emulator && name !== "vscode") {
      secretKey = await obtainKey(io);
    }
    const entry = serverEntry(name, io.platform, {
      emulator,
      serverArgs,
      ...(secretKey ? { secretKey } : {}),
    });
    let before: string | undefined;
    try {
      before = await readFile(where.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const merged = mergeEntry(before, where, entry, where.file, withInput);
    await mkdir(path.dirname(where.file), { recursive: true });
    let backup: string | undefined;
    if (before !== undefined) {
      backup = `${where.file}.bak`;
      await copyFile(where.file, backup);
    }
    // The file may hold the key: readable by its owner only when init creates it. An existing
    // file keeps its mode (the client made it), but the person is told when others can read it.
    await writeFile(where.file, merged.text, before === undefined ? { mode: 0o600 } : {});
    const exposed =
      secretKey !== undefined &&
      before !== undefined &&
      ((await stat(where.file)).mode & 0o077) !== 0;
    say(
      `${merged.replaced ? "Replaced" : "Added"} "${ENTRY_NAME}" under "${where.serversKey}" in ${where.file}${withInput ? `, and the input "${VSCODE_INPUT_ID}" (VS Code asks for the key when the server first starts)` : ""}.`,
    );
    say(backup ? `The previous file is kept as ${backup}.` : "The file is new.");
    say(shown(entry));
    if (exposed) {
      say(
        `Note: ${where.file} can be read by other users of this machine, and now holds the secret key. \`chmod 600 ${where.file}\` keeps it to you.`,
      );
    }
    say(`Restart ${name} (or reload its MCP servers) to use it.`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      say(`clerk-admin-mcp init: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/**
 * The key from CLERK_SECRET_KEY, else asked for on a terminal (hidden), checked to look like
 * a secret key.
 * @throws ConfigError when there is neither, or it is not a secret key.
 */
async function obtainKey(io: InitIo): Promise<string> {
  const fromEnv = io.env.CLERK_SECRET_KEY?.trim();
  if (fromEnv) return parseSecretKey(fromEnv);
  if (!io.askKey && !io.stdin.isTTY) {
    throw new ConfigError(
      "no key: set CLERK_SECRET_KEY, or run init in a terminal to type it (hidden). Nothing was written.",
    );
  }
  const typed = await (io.askKey ? io.askKey() : defaultAskKey(io));
  return parseSecretKey(typed);
}
