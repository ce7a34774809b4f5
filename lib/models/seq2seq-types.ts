/**
 * The shapes the encoder–decoder (seq2seq.ts) works with: its configuration, a batch of pairs, the
 * encoded sources, the decoder's state between steps and what each step keeps for backward.
 */
import { Mat } from '../kernels/tensor';
import { CellKind } from '../cells/cell-params';
import { RecurrentCache } from '../layers/recurrent';
import { EmbeddingCache } from '../layers/embedding';
import { LinearCache } from '../layers/linear';
import { AttentionKeys, AttentionStepCache } from '../layers/attention';

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
