import {
  createEmbeddingRetriever,
  createHybridRetriever,
  createLexicalRetriever,
  type Retriever,
} from "@codecall/core/discovery";
import { createLocalEmbed, type LocalEmbedOptions } from "./local-embed.js";

/**
 * The weight of the embedding's reciprocal ranks against the lexical ranker's (1) in
 * {@link createLocalHybridRetriever}. Chosen by 4-fold cross-validation on the LiveMCPBench dev tasks among
 * 0.02 to 1 (each fold picked it on the other three): the model is weaker than the lexical ranker alone
 * there, so it reorders the lexical ranking rather than competing with it.
 */
export const LOCAL_HYBRID_EMBEDDING_WEIGHT = 0.1;

/** Options of {@link createLocalEmbeddingRetriever}. */
export interface LocalEmbeddingRetrieverOptions extends LocalEmbedOptions {
  /** Name in reports. Default `use-lite`. */
  name?: string;
}

/** Ranks tools by the local model alone (cosine similarity of the query's and each tool's embedding). */
export async function createLocalEmbeddingRetriever(
  options: LocalEmbeddingRetrieverOptions = {},
): Promise<Retriever> {
  const embed = await createLocalEmbed(options);
  // Queries are not cached: the cache is shared by every session of the process, and a query may hold
  // what a user asked (a cache hit would also tell, by its speed, that someone asked it before).
  const embedQuery = await createLocalEmbed({ ...options, cache: false });
  // The embed function batches by length itself; hand it the whole catalogue at once.
  return createEmbeddingRetriever({ embed, embedQuery, name: options.name ?? "use-lite", batchSize: 1024 });
}

/** Options of {@link createLocalHybridRetriever}. */
export interface LocalHybridRetrieverOptions extends LocalEmbeddingRetrieverOptions {
  /** The lexical ranker fused. Default {@link createLexicalRetriever}'s. */
  lexical?: Retriever;
  /** Weight of the embedding's reciprocal ranks. Default {@link LOCAL_HYBRID_EMBEDDING_WEIGHT}. */
  embeddingWeight?: number;
}

/**
 * codecall's lexical ranker fused with the local English model by reciprocal rank: a retriever for
 * `createCodeMode({ retriever })` or `createToolIndex(tools, { retriever })`. Indexing embeds every tool
 * once (tens of milliseconds per tool), searching embeds the query.
 */
export async function createLocalHybridRetriever(
  options: LocalHybridRetrieverOptions = {},
): Promise<Retriever> {
  const embedding = await createLocalEmbeddingRetriever(options);
  const lexical = options.lexical ?? createLexicalRetriever();
  return createHybridRetriever({
    retrievers: [lexical, embedding],
    weights: [1, options.embeddingWeight ?? LOCAL_HYBRID_EMBEDDING_WEIGHT],
    name: `hybrid(${lexical.name}+${embedding.name})`,
  });
}
