/** Type tests for generated declarations (the `knowledge-graph` golden fixture) and the public API. */
import { describe, expectTypeOf, it } from "vitest";
import { type GeneratedApi, type GeneratedTool, generateApi, schemaToTypeScript } from "../src/index.js";
import * as api from "./__golden__/declarations/index.js";
import type {
  CreateEntitiesInput,
  CreateEntitiesOutput,
  Entity,
} from "./__golden__/declarations/servers/memory/createEntities.js";
import { createEntities } from "./__golden__/declarations/servers/memory/createEntities.js";
import * as memory from "./__golden__/declarations/servers/memory/index.js";
import type { ReadGraphInput } from "./__golden__/declarations/servers/memory/readGraph.js";
import type { CallToolContent, TextContent } from "./__golden__/declarations/types.js";

describe("generated declarations", () => {
  it("types inputs from inputSchema, with $defs as named recursive types", () => {
    expectTypeOf<CreateEntitiesInput>().toEqualTypeOf<{ entities: Entity[] }>();
    expectTypeOf<Entity["children"]>().toEqualTypeOf<Entity[] | undefined>();
    expectTypeOf<Entity["name"]>().toEqualTypeOf<string>();
    expectTypeOf(createEntities).parameter(0).toEqualTypeOf<CreateEntitiesInput>();
    // additionalProperties: false rejects unknown keys; required keys are required.
    // @ts-expect-error `extra` is not allowed
    const extra: CreateEntitiesInput = { entities: [], extra: 1 };
    // @ts-expect-error `entities` is required
    const missing: CreateEntitiesInput = {};
    void extra;
    void missing;
  });

  it("types outputs from outputSchema, and content blocks without one", () => {
    expectTypeOf(createEntities).returns.resolves.toEqualTypeOf<CreateEntitiesOutput>();
    expectTypeOf<CreateEntitiesOutput["created"]>().toEqualTypeOf<number>();
    expectTypeOf(memory.readGraph).returns.resolves.toEqualTypeOf<CallToolContent[]>();
    expectTypeOf<Extract<CallToolContent, { type: "text" }>>().toEqualTypeOf<TextContent>();
    expectTypeOf<CallToolContent[]>().not.toBeAny();
  });

  it("makes the input optional when nothing is required", () => {
    expectTypeOf(memory.readGraph).parameter(0).toEqualTypeOf<ReadGraphInput | undefined>();
    expectTypeOf(memory.readGraph).toBeCallableWith();
    expectTypeOf(memory.createEntities).toBeCallableWith({
      entities: [{ name: "a", entityType: "b", observations: [] }],
    });
  });

  it("exposes every server from the root index", () => {
    expectTypeOf(api.memory.createEntities).toEqualTypeOf(createEntities);
  });
});

describe("public API", () => {
  it("has the documented shapes", () => {
    expectTypeOf(generateApi).returns.toEqualTypeOf<GeneratedApi>();
    expectTypeOf<GeneratedApi["files"]>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<GeneratedTool["returns"]>().toEqualTypeOf<"structuredContent" | "content">();
    expectTypeOf<GeneratedTool["renderings"]>().toEqualTypeOf<{
      name: string;
      summary: string;
      full: string;
    }>();
    expectTypeOf(schemaToTypeScript).returns.toHaveProperty("warnings");
  });
});
