/**
 * A read-only view of generated files, as Anthropic described for code execution with MCP: the model
 * lists `servers/`, then a server's tools, then reads one tool's file. Files come from sources, so saved
 * skills can appear beside the generated API later (a source whose paths start with `skills/`).
 */
import { CodecallError } from "../errors.js";

/** A set of files by path (`servers/github/createIssue.ts`). Read at each call, so a source may change. */
export interface FileSource {
  readonly files: Readonly<Record<string, string>>;
}

/** An entry of a directory listing. */
export interface FileEntry {
  name: string;
  /** The full path, ready to pass to `read` or `list`. */
  path: string;
  kind: "file" | "directory";
}

/** A read-only file tree over one or more sources; an earlier source wins when two hold one path. */
export interface FileView {
  /** Entries directly under `path` (`""` or `/` is the root), directories first, by name. */
  list(path?: string): FileEntry[];
  /** A file's text. */
  read(path: string): string;
}

/** Builds the view over `sources`. */
export function createFileView(sources: readonly FileSource[]): FileView {
  const find = (path: string) => {
    for (const source of sources) if (Object.hasOwn(source.files, path)) return source.files[path];
    return undefined;
  };
  return {
    list(path = "") {
      const dir = normalize(path);
      const prefix = dir ? `${dir}/` : "";
      const entries = new Map<string, FileEntry>();
      for (const source of sources) {
        for (const file of Object.keys(source.files)) {
          if (!file.startsWith(prefix)) continue;
          const rest = file.slice(prefix.length);
          const slash = rest.indexOf("/");
          const name = slash === -1 ? rest : rest.slice(0, slash);
          if (!name || entries.has(name)) continue;
          entries.set(name, { name, path: prefix + name, kind: slash === -1 ? "file" : "directory" });
        }
      }
      if (dir && entries.size === 0)
        throw notFound(dir, find(dir) === undefined ? "directory" : "file-not-directory");
      return [...entries.values()].sort((a, b) =>
        a.kind !== b.kind
          ? a.kind === "directory"
            ? -1
            : 1
          : a.name < b.name
            ? -1
            : a.name > b.name
              ? 1
              : 0,
      );
    },
    read(path) {
      const file = normalize(path);
      const text = find(file);
      if (text === undefined) throw notFound(file, "file");
      return text;
    },
  };
}

/** Strips `./` and slashes at the ends; refuses `..` and non-strings so no path escapes the view. */
function normalize(path: unknown): string {
  if (typeof path !== "string") {
    throw new CodecallError(
      "TOOL_ARGS_INVALID",
      "`path` must be a string such as `servers/` or `servers/github/createIssue.ts`.",
    );
  }
  const parts = path.split("/").filter((part) => part && part !== ".");
  if (parts.includes("..")) {
    throw new CodecallError("TOOL_ARGS_INVALID", `The path "${path}" goes outside the file view.`, {
      hint: "Use paths under `servers/` (or another listed root), without `..`.",
    });
  }
  return parts.join("/");
}

function notFound(path: string, what: "file" | "directory" | "file-not-directory"): CodecallError {
  const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  const message =
    what === "file-not-directory"
      ? `"${path}" is a file, not a directory; read it instead.`
      : `There is no ${what} "${path}".`;
  return new CodecallError("TOOL_ARGS_INVALID", message, {
    hint: `List "${parent || "/"}" to see what exists.`,
    details: { path },
  });
}
