/**
 * `unrolled export --checkpoint CK --out W.safetensors` and `unrolled import --weights W.safetensors
 * [--like CK] --out CK2`: weights to and from the safetensors files that PyTorch reads and writes
 * (lib/training/weights-file.ts, docs/pytorch.md).
 */
import { ValueError } from '../kernels/tensor';
import { SafetensorsDtype } from '../models/safetensors';
import { exportCheckpoint, importWeights } from '../training/weights-file';
import { OptionSpec, formatOptions, parseArgs } from './args';
import { Out } from './model-options';

const EXPORT_OPTIONS: Record<string, OptionSpec> = {
  checkpoint: { kind: 'string', help: 'the checkpoint to export (any task\'s)' },
  out: { kind: 'string', help: 'the safetensors file to write' },
  weights: { kind: 'string', help: 'the best validated weights (what predict, sample and translate use), or the latest', default: 'best', choices: ['best', 'latest'] },
  dtype: { kind: 'string', help: 'F64 keeps every bit; F32 halves the file and rounds each weight to float32', default: 'F64', choices: ['F64', 'F32'] },
  json: { kind: 'flag', help: 'print the result as one JSON object' },
  help: { kind: 'flag', help: 'show this help' },
};

const IMPORT_OPTIONS: Record<string, OptionSpec> = {
  weights: { kind: 'string', help: 'the safetensors file to read' },
  like: { kind: 'string', help: 'a checkpoint of the same architecture: its task, optimizer settings and counters are kept (default: rebuild from the file\'s metadata)' },
  out: { kind: 'string', help: 'the checkpoint to write' },
  json: { kind: 'flag', help: 'print the result as one JSON object' },
  help: { kind: 'flag', help: 'show this help' },
};

export function exportHelp(): string {
  return `usage: unrolled export --checkpoint FILE --out WEIGHTS.safetensors [options]

Writes a checkpoint's model as safetensors, under PyTorch's state_dict names (weight_ih_l0, head.weight, …),
with the architecture and the task in its metadata, so that \`torch.nn.LSTM/GRU/RNN\` can load it with
safetensors.torch.load_file and load_state_dict (docs/pytorch.md), and \`unrolled import\` can rebuild the
checkpoint from it alone.

${formatOptions(EXPORT_OPTIONS)}`;
}

export function importHelp(): string {
  return `usage: unrolled import --weights WEIGHTS.safetensors [--like CHECKPOINT] --out FILE

Writes a checkpoint that the commands read (predict, sample, translate, train --resume) from safetensors
weights, for example after training on in PyTorch. Every tensor must match the model by name and shape,
or nothing is written. With --like, the architecture and the task come from that checkpoint (the
optimizer's moments and best-weight bookkeeping start afresh); without it, from the file's metadata.

${formatOptions(IMPORT_OPTIONS)}`;
}

export function runExport(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, EXPORT_OPTIONS, 'export');
  if (a.help) {
    out.write(exportHelp() + '\n');
    return 0;
  }
  const ckpt = required(a.checkpoint, 'export --checkpoint', 'the checkpoint to export'), file = required(a.out, 'export --out', 'the .safetensors file to write');
  const r = exportCheckpoint(ckpt, file, { weights: a.weights as 'best' | 'latest', dtype: a.dtype as SafetensorsDtype });
  if (a.json) out.write(JSON.stringify({ command: 'export', checkpoint: ckpt, out: file, format: r.format, tensors: r.tensors, weights: r.weights, dtype: a.dtype, metadata: Object.fromEntries(r.metadata) }) + '\n');
  else out.write(`${file}: ${r.tensors} tensors (${r.weights} weights, ${a.dtype}) of ${ckpt}, with the architecture and the task in its metadata\n`);
  return 0;
}

export function runImport(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, IMPORT_OPTIONS, 'import');
  if (a.help) {
    out.write(importHelp() + '\n');
    return 0;
  }
  const weights = required(a.weights, 'import --weights', 'the .safetensors file to read'), file = required(a.out, 'import --out', 'the checkpoint to write');
  const r = importWeights(weights, a.like as string | null, file);
  const from = r.from === 'like' ? `built like ${a.like}` : 'rebuilt from its metadata';
  if (a.json) out.write(JSON.stringify({ command: 'import', weights, like: a.like, out: file, format: r.format, from: r.from }) + '\n');
  else out.write(`${file}: a checkpoint (${r.format}) with the weights of ${weights}, ${from}\n`);
  return 0;
}

function required(value: unknown, option: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new ValueError(`${option}: required (${what})`);
  return value;
}
