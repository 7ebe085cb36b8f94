/**
 * `--model provider:model`: which model API `codecall run` talks to. Claude (a bare model name, or
 * `anthropic:`) goes through codecall's own agent on the Anthropic SDK, which controls prompt caching and
 * can record runs; OpenAI, Google and any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio) go through
 * the Vercel AI SDK's providers with code mode as AI SDK tools.
 */
import { CodecallError } from "@codecall/core";
import type { LanguageModel } from "ai";
import { type CliIo, usageError } from "./io.js";

export const PROVIDERS = ["anthropic", "openai", "google", "openai-compatible"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** A parsed `--model`, with what it needs from the environment. */
export interface ModelChoice {
  provider: Provider;
  /** The model id; undefined for the Anthropic agent's default. */
  model: string | undefined;
  baseURL: string | undefined;
  apiKey: string | undefined;
}

/** The environment variable holding each provider's key (openai-compatible servers usually need none). */
export const KEY_VARIABLES: Record<Provider, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  google: "GOOGLE_GENERATIVE_AI_API_KEY",
  "openai-compatible": "OPENAI_COMPATIBLE_API_KEY",
};

/** The error for a key that is not set: the model API is unavailable, exit 3, said in one line. */
export function missingKey(variable: string, extra = ""): CodecallError {
  return new CodecallError("MODEL_ERROR", `${variable} is not set.`, {
    hint: `Export ${variable}=<your key>${extra}.`,
    details: { missing: variable },
  });
}

/**
 * Reads `--model` (else CODECALL_MODEL) and `--base-url`, and checks the key before anything starts, so a
 * missing key costs no server start-up.
 */
export function chooseModel(spec: string | undefined, baseURL: string | undefined, io: CliIo): ModelChoice {
  const text = spec ?? io.env.CODECALL_MODEL;
  const colon = text?.indexOf(":") ?? -1;
  const prefix = text && colon > 0 ? text.slice(0, colon) : undefined;
  let provider: Provider = "anthropic";
  let model = text;
  if (prefix !== undefined && (PROVIDERS as readonly string[]).includes(prefix)) {
    provider = prefix as Provider;
    model = text!.slice(colon + 1) || undefined;
  } else if (prefix !== undefined && !text!.startsWith("claude"))
    throw usageError(
      `Unknown model provider "${prefix}" in "${text}".`,
      `Write --model <provider>:<model> with one of ${PROVIDERS.join(", ")}, e.g. openai:gpt-4.1-mini.`,
    );
  if (provider !== "anthropic" && !model)
    throw usageError(`--model ${provider}: needs a model name.`, `Write e.g. --model ${provider}:<model>.`);
  if (provider === "openai-compatible" && !baseURL)
    throw usageError(
      "--model openai-compatible:<model> needs --base-url.",
      "Pass the server's OpenAI-compatible URL, e.g. --base-url http://localhost:11434/v1 for Ollama.",
    );
  const apiKey = io.env[KEY_VARIABLES[provider]];
  if (!apiKey && provider !== "openai-compatible")
    throw missingKey(
      KEY_VARIABLES[provider],
      provider === "anthropic" ? ", or replay a recorded run with `codecall replay <record.json>`" : "",
    );
  return { provider, model, baseURL, apiKey };
}

/** The AI SDK language model for a non-Anthropic choice; provider packages load only when used. */
export async function aiSdkModel(choice: ModelChoice): Promise<LanguageModel> {
  const model = choice.model as string;
  const base = choice.baseURL ? { baseURL: choice.baseURL } : {};
  switch (choice.provider) {
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      return createOpenAI({ apiKey: choice.apiKey, ...base })(model);
    }
    case "google": {
      const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
      return createGoogleGenerativeAI({ apiKey: choice.apiKey, ...base })(model);
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: choice.baseURL as string,
        ...(choice.apiKey ? { apiKey: choice.apiKey } : {}),
      })(model);
    }
    default:
      throw new Error(`${choice.provider} runs on the Anthropic SDK, not the AI SDK`);
  }
}

/** A model API failure as one line: which endpoint, what it said. */
export function modelError(error: unknown, choice: ModelChoice): CodecallError {
  if (CodecallError.isInstance(error)) return error;
  const e = error as { message?: string; statusCode?: number; url?: string; cause?: { code?: string } };
  const where = choice.baseURL ?? choice.provider;
  const refused = e.cause?.code === "ECONNREFUSED" || /ECONNREFUSED|fetch failed/.test(String(e.message));
  const message = refused
    ? `Cannot reach the model API at ${where}.`
    : `The model API (${where}) failed${e.statusCode ? ` with HTTP ${e.statusCode}` : ""}: ${firstLine(e.message)}`;
  return new CodecallError("MODEL_ERROR", message, {
    cause: error,
    hint: refused
      ? "Check that the server is running and --base-url is right."
      : `Check ${KEY_VARIABLES[choice.provider]}, the model name and rate limits.`,
  });
}

function firstLine(text: string | undefined): string {
  return (text ?? "unknown error").split("\n")[0]!.slice(0, 300);
}
