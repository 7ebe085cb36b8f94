import { defineCodecallProject } from "../../vitest.shared.js";

export default defineCodecallProject("embeddings-en");
