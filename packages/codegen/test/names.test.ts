import { describe, expect, it } from "vitest";
import { camelIdent, pascalIdent, propertyKey, uniqueIdents } from "../src/names.js";

describe("identifiers", () => {
  it("camelCases MCP names", () => {
    expect(camelIdent("read_graph")).toBe("readGraph");
    expect(camelIdent("create-entities")).toBe("createEntities");
    expect(camelIdent("get.user by id")).toBe("getUserById");
    expect(camelIdent("HTTPRequest")).toBe("httpRequest");
    expect(camelIdent("getHTTPResponse")).toBe("getHttpResponse");
    expect(pascalIdent("read_graph")).toBe("ReadGraph");
  });

  it("makes reserved words, globals, thenables and leading digits safe", () => {
    expect(camelIdent("delete")).toBe("delete_");
    expect(camelIdent("then")).toBe("then_");
    expect(camelIdent("constructor")).toBe("constructor_");
    expect(camelIdent("fetch")).toBe("fetch_");
    expect(camelIdent("3d-render")).toBe("_3dRender");
    expect(camelIdent("__proto__")).toBe("proto");
  });

  it("keeps non-ASCII names deterministic and ASCII", () => {
    expect(camelIdent("café_crème")).toBe("cafeCreme");
    expect(camelIdent("搜索")).toBe("u641cU7d22");
    expect(camelIdent("")).toBe("tool");
    expect(camelIdent("---")).toBe("tool");
  });

  it("resolves collisions by original spelling, whatever the order", () => {
    const a = uniqueIdents(["read-graph", "read_graph", "readGraph2"], (n) => camelIdent(n));
    const b = uniqueIdents(["readGraph2", "read_graph", "read-graph"], (n) => camelIdent(n));
    expect(a).toEqual(["readGraph", "readGraph3", "readGraph2"]);
    expect(b).toEqual(["readGraph2", "readGraph3", "readGraph"]);
    expect(uniqueIdents(["index", "Index"], (n) => camelIdent(n), ["index"])).toEqual(["index3", "index2"]);
  });

  it("quotes property keys only when needed", () => {
    expect(propertyKey("name")).toBe("name");
    expect(propertyKey("entity-names")).toBe('"entity-names"');
    expect(propertyKey("1x")).toBe('"1x"');
    expect(propertyKey('a"b')).toBe('"a\\"b"');
  });
});
