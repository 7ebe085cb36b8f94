/**
 * The context a model starts with, for a catalogue of n real tool definitions (LiveMCPBench's, served by
 * the catalogue server): code mode's system text and meta-tools, against classic mode's every definition.
 */
import { connectServers, createClassicMode, createCodeMode } from "@codecall/core";
import { quickjs } from "@codecall/sandbox-quickjs";
import { countTokens } from "./tokens.js";
import { createWorld } from "./world.js";

export interface InitialContext {
  tools: number;
  codeModeTokens: number;
  classicTokens: number;
  /** 1 - code / classic. */
  reduction: number;
}

export async function initialContext(tools: number): Promise<InitialContext> {
  const world = await createWorld(["catalogue"], { catalogueTools: tools });
  const connections = await connectServers(world.config);
  const sandbox = quickjs();
  const codeMode = await createCodeMode({ servers: connections, sandbox });
  try {
    const size = (box: { tools(): unknown[]; system(): string }) =>
      box.tools().reduce<number>((n, t) => n + countTokens(JSON.stringify(t)), 0) + countTokens(box.system());
    const codeModeTokens = size(codeMode);
    const classicTokens = size(createClassicMode(connections));
    return {
      tools: connections.tools().length,
      codeModeTokens,
      classicTokens,
      reduction: 1 - codeModeTokens / classicTokens,
    };
  } finally {
    await codeMode.close();
    await sandbox.close();
    await connections.close();
    await world.close();
  }
}
