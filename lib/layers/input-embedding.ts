/**
 * An embedding of one-hot rows, as a product: e_t = x_t·W with W [V,E] (PyTorch's `nn.Embedding.weight`).
 *                                                                        docs: docs/layers/embedding.md
 *   (EMB-2)   E = X·W              X [N,V] one-hot rows (any rows: a product), W [V,E], E [N,E]
 *   (EMB-2')  dW += Xᵀ·dE,   dX = dE·Wᵀ
 *
 * For a one-hot x_t (token k) this is row k of W, the lookup of (EMB-1): the language models here read
 * one-hot characters, and this layer gives them an embedding without changing their data, at V·E per
 * token instead of E. Its weight can be shared with the output layer (weight tying, Press & Wolf 2017:
 * the head's weight *is* this tensor, so both uses add into one gradient) or frozen (`frozen`: it keeps
 * its values, takes no gradient and no optimizer sees it; e.g. pretrained vectors, lib/models/pretrained.ts).
 */
import { Mat, zeros, flattenRows, fromArray, clone, isContiguous3d, ShapeError, ValueError, shapeString } from '../kernels/tensor';
import { Rng, fillUniform } from '../kernels/random';
import { gemm, GemmWorkspace } from '../kernels/gemm';
import { Linear } from './linear';

export class InputEmbedding {
  readonly weight: Mat; // [V,E]
  readonly grad: Mat; // [V,E]
  private readonly work = new GemmWorkspace();

  /** W ~ U(−0.1, 0.1), as PyTorch's word-language-model example starts a tied embedding. */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, public frozen = false, rng = new Rng(0)) {
    this.weight = zeros([numEmbeddings, embeddingDim]);
    this.grad = zeros([numEmbeddings, embeddingDim]);
    fillUniform(this.weight, -0.1, 0.1, rng);
  }

  /** x [T,B,V] → e [T,B,E].   (EMB-2) */
  forward(x: Mat): Mat {
    const [T, B, V] = x.shape;
    if (x.dimension !== 3 || V !== this.numEmbeddings) throw new ShapeError(`InputEmbedding.forward x: expected [T,B,${this.numEmbeddings}], got ${shapeString(x.shape)}`);
    const e = zeros([T * B, this.embeddingDim]);
    gemm(e, flattenRows(isContiguous3d(x) ? x : clone(x)), this.weight, this.work); //             [T·B,E] += [T·B,V]·[V,E]   (EMB-2)
    return fromArray(e.data, [T, B, this.embeddingDim]);
  }

  /** Adds dW (unless frozen) and returns dx [T,B,V], from x and de [T,B,E].   (EMB-2') */
  backward(x: Mat, de: Mat): Mat {
    const [T, B, V] = x.shape;
    const X = flattenRows(isContiguous3d(x) ? x : clone(x)), dE = flattenRows(isContiguous3d(de) ? de : clone(de));
    if (!this.frozen) gemm(this.grad, X.transpose(1, 0), dE, this.work); //   [V,E] += [V,T·B]·[T·B,E]   (EMB-2')
    const dx = zeros([T * B, V]);
    gemm(dx, dE, this.weight.transpose(1, 0), this.work); //                    [T·B,V] += [T·B,E]·[E,V]   (EMB-2')
    return fromArray(dx.data, [T, B, V]);
  }
}

/** Weight tying: the head's weight becomes the embedding's tensor (and its gradient the embedding's), so
 *  y = h·Wᵀ + b reads W [V,E] and both uses add into one dW. Needs V outputs and E = the head's input width. */
export function tieHead(head: Linear | null, embedding: InputEmbedding, features: number): void {
  if (!head || head.outFeatures !== embedding.numEmbeddings || features !== embedding.embeddingDim) {
    throw new ValueError(`SequenceModel embedding.tied: the head must map ${embedding.embeddingDim} features (embedding.dim) to ${embedding.numEmbeddings} outputs (inputSize); it maps ${head ? `${features} to ${head.outFeatures}` : 'nothing (no head)'}`);
  }
  if (embedding.frozen) throw new ValueError('SequenceModel embedding: a tied embedding is the output layer too, so it cannot be frozen');
  head.params.weight = embedding.weight;
  head.grads.weight = embedding.grad;
}
