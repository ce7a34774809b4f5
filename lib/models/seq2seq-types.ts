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
  frozen?: { source?: boolean; target?: boolean }; // embeddings kept as they are (pretrained vectors); default none
}

/** What the decoder side needs to know of a model's configuration (an encoder reads whatever it reads). */
export type DecoderConfig = Pick<Seq2SeqConfig, 'mode' | 'targetVocabSize' | 'embeddingSize' | 'hiddenSize' | 'numLayers'>;

/**
 * A batch: each target is a list of word ids ending in <eos>; each source is what the model's encoder
 * reads (`Src`): for the translator a list of word ids ending in <eos>, for the captioner an image.
 */
export interface Seq2SeqBatch<Src = readonly number[]> {
  sources: readonly Src[];
  targets: readonly (readonly number[])[];
}

/** What the text encoder keeps for its backward. */
export interface SourceCache {
  emb: EmbeddingCache;
  rnn: RecurrentCache;
}

/** The encoded sources: what every decoder step reads, and what the encoder's backward needs (`cache`). */
export interface Encoded<Cache = SourceCache> {
  B: number;
  lengths: Int32Array; // [B]
  keys: Mat; // [S,B,Hk]  one annotation per source position (a word, an image column)
  h_n: Mat; // [L,B,H]   the decoder's first state
  c_n: Mat | null;
  attention: AttentionKeys | null;
  cache: Cache;
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

/** The decoder's parts: what a decoder step (`decoderStepOf` in seq2seq.ts) runs. */
export interface DecoderParts {
  readonly config: DecoderConfig;
  readonly targetEmbedding: Embedding;
  readonly attention: AdditiveAttention | null;
  readonly decoder: Recurrent;
  readonly out: Linear;
}

/** What the training pass (seq2seq-loss.ts) reads of the model: the decoder's parts, the encoder both ways. */
export interface Seq2SeqParts<Src = readonly number[], Cache = SourceCache> extends DecoderParts {
  encode(sources: readonly Src[]): Encoded<Cache>;
  encoderBackward(enc: Encoded<Cache>, dh: Mat, dc: Mat | null, keyGrads: KeyGrads | null): void;
}

/** What decoding (decoding.ts) reads of a model: encode, the first state, one step at a time. */
export interface StepDecoder<Src = readonly number[], Cache = SourceCache> {
  readonly config: DecoderConfig;
  readonly attention: AdditiveAttention | null;
  encode(sources: readonly Src[]): Encoded<Cache>;
  initialState(enc: Encoded<Cache>): DecoderState;
  decoderStep(enc: Encoded<Cache>, state: DecoderState, tokens: ArrayLike<number>): { logits: Mat; state: DecoderState; alpha: Mat | null; cache: DecoderStepCache };
}
