#!/usr/bin/env bash
# Builds the package, installs the packed tarball into an empty project outside the repository, and
# uses it from there with require() and with import, as a user who installed `unrolled` would.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# A data folder given relative to where this was started stays the same folder after the cd's below.
if [ -n "${UNROLLED_DATA:-}" ]; then UNROLLED_DATA=$(cd "$UNROLLED_DATA" && pwd); export UNROLLED_DATA; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
npm run --silent build
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)

cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "./$tarball"
test -f node_modules/unrolled/dist/index.d.ts || { echo "check-package: dist/index.d.ts is missing from the package"; exit 1; }

cat > use.cjs <<'JS'
const { Recurrent, zeros, stateDict } = require('unrolled');
const rnn = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1 });
const { output, h_n, cache } = rnn.forward(zeros([5, 2, 3]));
const { dx } = rnn.backward(cache, zeros(output.shape));
if (output.shape.join() !== '5,2,8' || h_n.shape.join() !== '4,2,4' || dx.shape.join() !== '5,2,3') throw new Error('unexpected shapes');
if (!('weight_hh_l1_reverse' in stateDict(rnn))) throw new Error('state dict names');
console.log('require("unrolled"): OK');
JS
cat > use.mjs <<'JS'
import { SequenceModel, lossAndGradients, zeros } from 'unrolled';
const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, head: { mode: 'last', outFeatures: 1 }, seed: 2 });
const { loss } = lossAndGradients(model, { x: zeros([4, 2, 2]) }, { type: 'mse_last', target: zeros([2, 1]) });
if (!Number.isFinite(loss)) throw new Error('loss is not finite');
console.log('import from "unrolled": OK');
JS
cat > use.ts <<'TS'
import { Recurrent, Mat, RecurrentGrads, zeros } from 'unrolled';
const rnn = new Recurrent({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
const { output, cache } = rnn.forward(zeros([2, 1, 2]));
const grads: RecurrentGrads = rnn.backward(cache, zeros(output.shape));
const dx: Mat = grads.dx;
export const width: number = dx.shape[2];
TS
node use.cjs
node use.mjs
"$root/node_modules/.bin/tsc" --noEmit --strict --esModuleInterop --target ES2022 --module commonjs --moduleResolution node use.ts
echo "types from unrolled/dist/index.d.ts: OK"

# The README's TypeScript examples compile against the installed package (each block on its own; a block
# that continues the one before it sees that block's `model` declared).
node - "$root/README.md" <<'JS'
const fs = require('fs');
const blocks = [...fs.readFileSync(process.argv[2], 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
blocks.forEach((code, k) => {
  const prelude = /\bmodel\b/.test(code) && !/const model\b/.test(code)
    ? "import type { SequenceModel as __Model } from 'unrolled';\ndeclare const model: __Model;\n" : '';
  fs.writeFileSync(`readme-${k}.ts`, prelude + code + '\nexport {};\n');
});
console.log(`README: ${blocks.length} TypeScript examples`);
JS
"$root/node_modules/.bin/tsc" --noEmit --strict --esModuleInterop --target ES2022 --module commonjs --moduleResolution node readme-*.ts
echo "README examples type-check against the package: OK"

# The package ships no data: only dist/, site/ (the playground's static pages), package.json, README.md and LICENSE.
extra=$(tar -tzf "$tarball" | grep -vE '^package/(dist/|site/|package\.json$|README\.md$|LICENSE$)' || true)
if [ -n "$extra" ]; then echo "check-package: the package ships files outside dist/ and site/: $extra"; exit 1; fi
echo "the package holds dist/, site/ and no data: OK"

# The browser entry: one ES module with no Node built-in, its types found through the exports map.
cat > browser.mjs <<'JS'
import { Recurrent, recordTrace, zeros } from 'unrolled/browser';
const trace = recordTrace({ cell: 'gru', steps: 3, hidden: 2, seed: 1 });
const { output } = new Recurrent({ mode: 'lstm', inputSize: 1, hiddenSize: 2 }).forward(zeros([3, 1, 1]));
if (trace.entries.length === 0 || output.shape.join() !== '3,1,2') throw new Error('unrolled/browser: unexpected results');
console.log(`import from "unrolled/browser": OK (${trace.entries.length} traced quantities)`);
JS
node browser.mjs
if grep -qE "from ['\"](node:)?(fs|path|worker_threads|os|crypto|http|zlib|child_process)['\"]|require\(['\"](fs|path|worker_threads)['\"]\)" node_modules/unrolled/dist/browser.mjs; then
  echo "check-package: dist/browser.mjs imports a Node built-in"; exit 1
fi
cat > use-browser.ts <<'TS'
import { recordTrace, Trace } from 'unrolled/browser';
export const t: Trace = recordTrace({ cell: 'lstm', steps: 2, hidden: 1, seed: 0 });
TS
"$root/node_modules/.bin/tsc" --noEmit --strict --target ES2022 --module esnext --moduleResolution bundler use-browser.ts
echo "types of unrolled/browser: OK"

# The playground, served from the installed package: every page and its script answer.
./node_modules/.bin/unrolled playground > playground.url 2> /dev/null &
playground_pid=$!
for _ in $(seq 50); do [ -s playground.url ] && break; sleep 0.2; done
url=$(head -n 1 playground.url)
for f in index.html unroll.html lab.html text.html unroll.js lab.js text.js style.css source/lib/textbook/lstm.ts.html docs/textbook.md.html; do
  node -e 'fetch(process.argv[1]).then((r) => { if (!r.ok) { console.error(`${process.argv[1]}: ${r.status}`); process.exit(1); } })' "$url$f"
done
kill $playground_pid
echo "npx unrolled playground served the pages at $url: OK"

# The checking tools ship with the package: the gradient check, the PyTorch cases, the lab, the benchmark.
npx --no-install unrolled gradcheck --filter "lstm L2 bi bias ce_all" | tail -n 1
npx --no-install unrolled golden "$root/spec/fixtures/golden-packed" | tail -n 1
npx --no-install unrolled lab --seq-len 8 --hidden 4 --steps 4 --out lab --json | tail -n 1 | cut -c1-80
test -s lab/report.html
npx --no-install unrolled bench --quick --json 2>/dev/null | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  if (r.stepShares.length !== 3 || !r.rows.every((x) => x.msPerStep > 0)) throw new Error("bench: unexpected output");
  console.log("bench from the package: " + r.stepShares.map((s) => `${s.cell} ${(100 * s.share).toFixed(0)}%`).join(", ") + "; " + r.notes.length + " note(s)");'

# The commands run from the installed package, on real data read through the registry (UNROLLED_DATA).
if [ -z "${UNROLLED_DATA:-}" ]; then echo "check-package: set UNROLLED_DATA to a data folder for the command runs"; exit 1; fi
npx --no-install unrolled data verify names eng-fra airline | tail -n 3
npx --no-install unrolled forecast --epochs 2 --out runs/forecast --json | tail -n 1 | cut -c1-80
npx --no-install unrolled classify --epochs 1 --hidden 4 --test-fraction 0.5 --out runs/classify --json | tail -n 1 | cut -c1-80
npx --no-install unrolled predict --checkpoint runs/classify/checkpoint.json Dostoevsky
npx --no-install unrolled export --checkpoint runs/classify/checkpoint.json --out names.safetensors
npx --no-install unrolled import --weights names.safetensors --out runs/names-back.json
npx --no-install unrolled predict --checkpoint runs/names-back.json Dostoevsky
head -n 120 "$(npx --no-install unrolled data path eng-fra)" > pairs.txt
npx --no-install unrolled train --task translate --data pairs.txt --hidden 8 --epochs 1 --beam 1 --checkpoint runs/translate.json --json | tail -n 1 | cut -c1-80
npx --no-install unrolled translate --checkpoint runs/translate.json "je suis calme ."
