/** Reads the LiveMCPBench formats: its `tools.json` catalogue and its annotated task files. */
import { CodecallError } from "../errors.js";
import type { ToolDocument } from "./types.js";

/** One task: the question asked and the names of the tools a correct solution uses. */
export interface DiscoveryTask {
  id: string;
  question: string;
  /** Tool names (as servers declare them), without duplicates, in annotated order. */
  gold: string[];
  /**
   * The annotated solution steps, when the file has them: a stand-in for the sub-task queries a model
   * states when it searches with a list (scored separately from the question alone).
   */
  steps?: string[];
}

/**
 * Turns a LiveMCPBench `tools.json` (a list of servers, each with `tools: { <server>: { tools: [...] } }`)
 * into tool documents with ids `<server>.<tool>`.
 */
export function liveMcpBenchTools(catalogue: unknown): ToolDocument[] {
  if (!Array.isArray(catalogue)) throw invalid("tools", "a JSON array of servers");
  const out: ToolDocument[] = [];
  const ids = new Set<string>();
  for (const entry of catalogue) {
    const groups = (entry as { tools?: unknown } | null)?.tools;
    if (typeof groups !== "object" || groups === null)
      throw invalid("tools", "servers with a `tools` object");
    const { name: title, description } = entry as { name?: unknown; description?: unknown };
    for (const [server, group] of Object.entries(groups as Record<string, unknown>)) {
      const tools = (group as { tools?: unknown } | null)?.tools;
      if (!Array.isArray(tools)) throw invalid("tools", `a \`tools\` list under server "${server}"`);
      const serverDescription = [title !== server ? title : undefined, description].filter(
        (s) => typeof s === "string",
      );
      for (const tool of tools as {
        name?: unknown;
        description?: unknown;
        inputSchema?: unknown;
        outputSchema?: unknown;
      }[]) {
        if (typeof tool?.name !== "string") throw invalid("tools", `named tools under server "${server}"`);
        let id = `${server}.${tool.name}`;
        for (let n = 2; ids.has(id); n++) id = `${server}.${tool.name}_${n}`;
        ids.add(id);
        out.push({
          id,
          name: tool.name,
          server,
          ...(serverDescription.length ? { serverDescription: serverDescription.join(": ") } : {}),
          ...(typeof tool.description === "string" ? { description: tool.description } : {}),
          inputSchema: tool.inputSchema,
          ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
        });
      }
    }
  }
  return out;
}

/**
 * Reads a LiveMCPBench task file: each task's `Question` and the numbered tool names in
 * `Annotator Metadata.Tools` ("1. get_weather\n2. write_file").
 */
export function liveMcpBenchTasks(file: unknown): DiscoveryTask[] {
  if (!Array.isArray(file)) throw invalid("tasks", "a JSON array of tasks");
  return file.map((task: Record<string, unknown>, i) => {
    const question = task?.["Question"];
    const tools = (task?.["Annotator Metadata"] as Record<string, unknown> | undefined)?.["Tools"];
    if (typeof question !== "string" || typeof tools !== "string") {
      throw invalid(
        "tasks",
        `a \`Question\` and \`Annotator Metadata.Tools\` string in every task (task ${i})`,
      );
    }
    const numbered = (text: string) =>
      text
        .split("\n")
        .map((line) => line.replace(/^\s*\d+[.)]\s*/, "").trim())
        .filter(Boolean);
    const steps = (task["Annotator Metadata"] as Record<string, unknown>)["Steps"];
    return {
      id: typeof task["task_id"] === "string" ? task["task_id"] : String(i),
      question,
      gold: [...new Set(numbered(tools))],
      ...(typeof steps === "string" && numbered(steps).length ? { steps: numbered(steps) } : {}),
    };
  });
}

function invalid(what: string, expected: string): CodecallError {
  return new CodecallError(
    "CONFIG_INVALID",
    `The ${what} file is not in LiveMCPBench format: expected ${expected}.`,
    {
      hint: "Pass the parsed JSON of LiveMCPBench's tools.json (catalogue) or an annotated task file.",
    },
  );
}
