import { encode } from "gpt-tokenizer/encoding/o200k_base";

/**
 * Tool-definition size in o200k_base tokens (gpt-tokenizer ships the encoding in the package,
 * so counting works offline). What is counted is what a client puts in the model's context
 * for each tool: `name`, `title`, `description` and `inputSchema`, serialised as JSON exactly
 * as `tools/list` sends them. Each tool is counted on its own for the per-tool figures (their
 * mean is the average, which does not grow with the number of tools), and the whole list as
 * one JSON array for the total. Shared by the bench and test/unit/token-budget.test.ts.
 */

export interface ListedTool {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema: unknown;
}

export interface ToolTokens {
  /** Tokens of the JSON array of all definitions. */
  total: number;
  count: number;
  /** The mean of `perTool`. */
  average: number;
  perTool: Array<{ name: string; tokens: number }>;
}

function definition(tool: ListedTool) {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema,
  };
}

export function countToolTokens(tools: readonly ListedTool[]): ToolTokens {
  const defs = tools.map(definition);
  const perTool = defs.map((d) => ({ name: d.name, tokens: encode(JSON.stringify(d)).length }));
  return {
    total: encode(JSON.stringify(defs)).length,
    count: tools.length,
    average: tools.length === 0 ? 0 : perTool.reduce((sum, p) => sum + p.tokens, 0) / tools.length,
    perTool,
  };
}
