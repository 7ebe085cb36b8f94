// The JSON types belong to the sandbox contract; core's modules import them here.
export type { JsonObject, JsonValue } from "@codecall/sandbox";
export { utf8Length } from "@codecall/sandbox/internal";
