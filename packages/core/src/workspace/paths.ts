/**
 * Workspace paths: relative, `/`-separated, inside the workspace. unstorage turns `/` into its `:` key
 * separator and cuts keys at `?`, so those characters (and `\`, which it also treats as a separator) are
 * refused rather than silently changed into another path.
 */
import { CodecallError } from "../errors.js";

/** Longest accepted path, in characters. */
const MAX_PATH_CHARS = 512;

/**
 * `path` as the workspace stores it (`data/report.csv`): `./` and repeated slashes dropped; `..`, absolute
 * paths, NUL, `:`, `?` and `\` refused with WORKSPACE_PATH_INVALID. `allowRoot` accepts `""` (the whole
 * workspace, for listing).
 */
export function normalizeWorkspacePath(path: unknown, allowRoot = false): string {
  if (typeof path !== "string") throw invalid(path, "it must be a string");
  if (path.length > MAX_PATH_CHARS) throw invalid(path, `it is longer than ${MAX_PATH_CHARS} characters`);
  if (path.includes("\0")) throw invalid(path, "it contains a NUL character");
  if (/[:?\\]/.test(path)) throw invalid(path, "it contains `:`, `?` or `\\`");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) throw invalid(path, "it is absolute");
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw invalid(path, "it goes up with `..`");
  const normal = parts.join("/");
  if (!normal && !allowRoot) throw invalid(path, "it names no file");
  return normal;
}

function invalid(path: unknown, why: string): CodecallError {
  return new CodecallError(
    "WORKSPACE_PATH_INVALID",
    `The workspace path ${JSON.stringify(path)} is refused: ${why}.`,
    {
      details: { path: typeof path === "string" ? path : String(path) },
    },
  );
}
