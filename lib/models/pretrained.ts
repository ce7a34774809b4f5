/**
 * Pretrained embeddings: vectors made elsewhere (word2vec, GloVe, another model of this engine), read into
 * an embedding's weight by token, so that a model starts from them and, with `frozen`, keeps them.
 *                                                                        docs: docs/layers/embedding.md
 * Two files are read:
 *   JSON          { "vocabulary": ["the", "a", …], "vectors": [[…E numbers…], …] }   one row per token
 *   safetensors   one 2-D tensor [V',E] (named "weight", or the file's only tensor) and the metadata key
 *                 "vocabulary": a JSON array of its V' tokens
 * Row v of the weight gets the file's vector of the model's token v; a token the file lacks keeps the
 * row it had (its random start), and is reported. The file's tokens need not be in the model's order,
 * nor all of them in the model.
 */
import { Mat, ValueError, ShapeError } from '../kernels/tensor';
import { readText } from '../platform/files';
import { readSafetensors } from './safetensors';

export interface PretrainedLoad {
  found: number; // the model's tokens that got a vector
  missing: string[]; // the model's tokens the file has no vector for (their rows keep their values)
}

/** The file's vectors by token. */
function readVectors(file: string): { vocabulary: string[]; rows: Float64Array[]; dim: number } {
  if (file.endsWith('.safetensors')) {
    const { tensors, metadata } = readSafetensors(file);
    const t = tensors.get('weight') ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
    if (!t || t.shape.length !== 2) throw new ValueError(`${file}: expected one 2-D tensor [V,E] named "weight" (or a file with only one tensor), got ${[...tensors.keys()].join(', ') || 'none'}`);
    const vocabulary = parseVocabulary(metadata?.get('vocabulary') ?? null, file);
    const [V, E] = t.shape;
    if (vocabulary.length !== V) throw new ShapeError(`${file}: the vocabulary has ${vocabulary.length} tokens but the tensor ${V} rows`);
    return { vocabulary, rows: Array.from({ length: V }, (_, v) => t.data.subarray(v * E, (v + 1) * E)), dim: E };
  }
  let json: { vocabulary?: unknown; vectors?: unknown };
  try {
    json = JSON.parse(readText(file));
  } catch (err) {
    throw new ValueError(`${file}: not a JSON file of {vocabulary, vectors} (${(err as Error).message})`);
  }
  const vocabulary = parseVocabulary(json.vocabulary ?? null, file);
  const vectors = json.vectors;
  if (!Array.isArray(vectors) || vectors.length !== vocabulary.length) throw new ValueError(`${file}: expected "vectors", one list of numbers per token of "vocabulary" (${vocabulary.length})`);
  const dim = Array.isArray(vectors[0]) ? vectors[0].length : 0;
  const rows = vectors.map((row, k) => {
    if (!Array.isArray(row) || row.length !== dim || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ValueError(`${file}: vectors[${k}] (${JSON.stringify(vocabulary[k])}): expected ${dim} finite numbers`);
    }
    return Float64Array.from(row as number[]);
  });
  return { vocabulary, rows, dim };
}

function parseVocabulary(v: unknown, file: string): string[] {
  const list = typeof v === 'string' ? (() => { try { return JSON.parse(v); } catch { return null; } })() : v;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) throw new ValueError(`${file}: expected a "vocabulary": a list of tokens (in safetensors, a JSON array in the metadata)`);
  if (new Set(list).size !== list.length) throw new ValueError(`${file}: the vocabulary lists a token twice`);
  return list as string[];
}

/**
 * Copies the file's vectors into `weight` [V,E], row v for the model's token tokens[v]; returns what was
 * found and what was not. Nothing is changed if the file cannot be used (another E, no shared token).
 */
export function loadPretrainedEmbedding(weight: Mat, tokens: readonly string[], file: string): PretrainedLoad {
  const [V, E] = weight.shape;
  if (tokens.length !== V) throw new ShapeError(`loadPretrainedEmbedding tokens: the weight has ${V} rows but ${tokens.length} tokens were given`);
  const { vocabulary, rows, dim } = readVectors(file);
  if (dim !== E) throw new ShapeError(`${file}: vectors of ${dim} values, but the embedding's are ${E}`);
  const at = new Map(vocabulary.map((t, k) => [t, k]));
  const missing = tokens.filter((t) => !at.has(t));
  if (missing.length === V) throw new ValueError(`${file}: none of the model's ${V} tokens has a vector there`);
  for (const bad of rows) if (!bad.every(Number.isFinite)) throw new ValueError(`${file}: a vector holds a value that is not finite`);
  tokens.forEach((t, v) => {
    const k = at.get(t);
    if (k !== undefined) for (let j = 0; j < E; j++) weight.set(v, j, rows[k][j]);
  });
  return { found: V - missing.length, missing };
}
