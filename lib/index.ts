/**
 * unrolled: recurrent networks with backpropagation through time written out by hand.
 *
 * The Node entry: everything of the browser entry (browser.ts: the engine, the textbook engine, training,
 * diagnostics, the trace, the charts), and what needs Node's files and threads: checkpoints and weights
 * on disk, the dataset registry and its readers, the tasks that read them, PyTorch conformance from case
 * folders and the laboratory's report (docs/browser.md says which is which).
 *
 * Read in this order (docs/reading-order.md): kernels → cells → layers → models → diagnostics.
 */
export * from './browser';

// models and training: weights and checkpoints on disk
export { saveStateDict, loadStateDictFile } from './models/state-dict';
export { readSafetensors, writeSafetensors, saveSafetensors, loadSafetensors } from './models/safetensors';
export { writeCheckpoint, readCheckpoint, readCheckpointJson } from './training/checkpoint';
export { writeSeq2SeqCheckpoint, readSeq2SeqCheckpoint } from './training/seq2seq-checkpoint';
export type { ExportResult } from './training/weights-file';
export { exportCheckpoint, importWeights } from './training/weights-file';

// data: the dataset registry, and files to sequences
export type { DatasetEntry, DatasetFile, DatasetCut } from './data/datasets';
export { DATASETS, datasetEntry, datasetBytes } from './data/datasets';
export type { DataEnv, DataRoot } from './data/locate';
export { datasetPath, findDataset, cacheDir, dataRoots } from './data/locate';
export type { DownloadEvents, DownloadOptions, DownloadedFile } from './data/download';
export { downloadDataset, DownloadError } from './data/download';
export type { CsvTable, Series as DataSeries, SeriesOptions, FillMethod } from './data/csv';
export { parseCsv, seriesFromTable, readSeries } from './data/csv';
export type { SentencePair } from './data/pairs';
export { normalizeSentence, readPairs, tutorialPairs, TUTORIAL_PREFIXES } from './data/pairs';
export type { LabelledSequences } from './data/labelled';
export {
  readClassDirectory, textSequences, readNumericRows, numericSequences, stratifiedSplit, classCounts, balancedClassWeights,
} from './data/labelled';

// tasks that read their data from files: names, classification, translation
export type { NamesLmTask, NamesLmResult, GenerateOptions } from './tasks/names-lm';
export { ConditionalNames, trainNamesLm, resumeNamesLm, generateName, END } from './tasks/names-lm';
export type { ClassifyOptions, ClassifyTask, ClassifyResult } from './tasks/classify';
export { trainClassifier, predictClasses, topK, softmax, argmax, SequenceClassificationDataset } from './tasks/classify';
export type { TranslateTask, TranslateData, TranslateOptions, TranslateTrainResult, TranslationScores, Translation } from './tasks/translate';
export type { TranslateRunOptions } from './tasks/translate';
export {
  prepareTranslation, toBatch, buildTranslator, trainTranslator, translationTrainer, resumeTranslationTrainer, translationDatasets,
  evaluateLoss, scoreTranslations, translate,
} from './tasks/translate';
export type { PairBatch, PairModel, SourceOf } from './tasks/translate-learner';
export { PairDataset, Seq2SeqLearner } from './tasks/translate-learner';
export type { CaptionTask, CaptionDataOptions, CaptionData, CaptionOptions, CaptionScores } from './tasks/caption';
export {
  captionVocabulary, readDigits, prepareCaptionData, sceneImage, captionDefaults, buildCaptioner, captionDataset, captionTrainer,
  captionSlots, slotMatches, scoreCaptionStrings, captionScenes, scoreCaptioner,
} from './tasks/caption';

// diagnostics: PyTorch conformance from case folders, and the gradient-flow laboratory's report
export type { CaseReport } from './diagnostics/conformance';
export { runGoldenCase, runGoldenDir } from './diagnostics/conformance';
export type { LabOptions, LabResult, LabModelResult } from './diagnostics/lab';
export { runLab } from './diagnostics/lab';
