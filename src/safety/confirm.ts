import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { redact } from "../log.js";

/**
 * Confirmation of destructive calls through MCP elicitation (`elicitation/create`, form
 * mode): a yes/no question with a single boolean field. Clients' own approval prompts show
 * only raw `inv_…` IDs; this one names who is affected.
 */

/** How long the human has to answer; the SDK's 60 s default is too short for a person. */
export const CONFIRM_TIMEOUT_MS = 10 * 60_000;

export type ConfirmAnswer = "accept" | "decline" | "cancel";

/** True when the client declared form elicitation (an empty `elicitation: {}` counts as form). */
export function canConfirm(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation?.form !== undefined;
}

/**
 * Asks the human `message` (through `redact`: it names what Clerk holds, which may echo the key)
 * and waits. An "accept" whose box is left unticked is a decline.
 * @throws when the client fails the request or the time runs out (the caller then refuses),
 *   or when the call is cancelled (`extra.signal` aborted: the caller records a cancellation).
 */
export async function askToConfirm(
  server: Server,
  message: string,
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
): Promise<ConfirmAnswer> {
  const result = await server.elicitInput(
    {
      mode: "form",
      message: redact(message),
      requestedSchema: {
        type: "object",
        properties: {
          confirm: {
            type: "boolean",
            title: "Go ahead",
            description: "Tick to go ahead; leave unticked or decline to change nothing.",
            default: false,
          },
        },
        required: ["confirm"],
      },
    },
    { signal: extra.signal, relatedRequestId: extra.requestId, timeout: CONFIRM_TIMEOUT_MS },
  );
  if (result.action !== "accept") return result.action;
  return result.content?.confirm === true ? "accept" : "decline";
}
