export * from "./discovery.js";
export * from "./link.js";
export * from "./program-tools.js";
export { importedSkillNames, scanToolIds } from "./scan.js";
export { toolSchemaHash, toolSignature } from "./schema-hash.js";
export * from "./skills.js";
