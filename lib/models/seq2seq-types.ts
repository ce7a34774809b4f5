/**
 * The shapes the encoder–decoder (seq2seq.ts) works with: its configuration, a batch of pairs, the
 * encoded sources, the decoder's state between steps and what each step keeps for backward, and the
 * parts the training pass (seq2seq-loss.ts) reads.
 */
import { Mat } from '../kernels/tensor';
import { CellKind } from '../cells/cell-params';
import { Embedding, EmbeddingCache } from '../layers/embedding';
import { Linear, LinearCache } from '../layers/linear';
import { AttentionKeys, AttentionStepCache, AdditiveAttention } from '../layers/attention';
import { Recurrent, RecurrentCache } from '../layers/recurrent';

export interface Seq2SeqConfig {
  mode: CellKind; // encoder and decoder cell
  sourceVocabSize: number;
  targetVocabSize: number; // V
  embeddingSize: number; // E
  hiddenSize: number; // H
  numLayers: number; // L, both sides
  attention: boolean;
}

/** A batch: each source and each target is a list of word ids ending in <eos>. */
export interface Seq2SeqBatch {
  sources: readonly (readonly number[])[];
  targets: readonly (readonly number[])[];
}

/** The encoded sources: what every decoder step reads, and what the encoder's backward needs. */
export interface Encoded {
  B: number;
  lengths: Int32Array; // [B]
  keys: Mat; // [S,B,H]  the encoder's top-layer outputs
  h_n: Mat; // [L,B,H]
  c_n: Mat | null;
  attention: AttentionKeys | null;
  cache: { emb: EmbeddingCache; rnn: RecurrentCache };
}

/** The decoder's state between steps. */
export interface DecoderState {
  h: Mat; // [L,B,H]
  c: Mat | null; // [L,B,H] (LSTM)
}

export interface DecoderStepCache {
  emb: EmbeddingCache;
  att: AttentionStepCache | null;
  rnn: RecurrentCache;
  out: LinearCache;
}

/** What the attention's steps add up for the encoder's backward. */
export interface KeyGrads {
  dKeys: Mat; // [S,B,H]
  dP: Mat; // [S,B,A]
}

/** What the training pass (seq2seq-loss.ts) reads of the model: its parts, the encoder both ways. */
export interface Seq2SeqParts {
  readonly config: Seq2SeqConfig;
  readonly targetEmbedding: Embedding;
  readonly attention: AdditiveAttention | null;
  readonly decoder: Recurrent;
  readonly out: Linear;
  encode(sources: readonly (readonly number[])[]): Encoded;
  encoderBackward(enc: Encoded, dh: Mat, dc: Mat | null, keyGrads: KeyGrads | null): void;
}
