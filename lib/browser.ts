/**
 * unrolled in any JavaScript runtime, a browser page included: the engine, the textbook engine and its
 * trace, training, the gradient diagnostics and the charts. Nothing here reads or writes a file or
 * starts a thread; what does is added by the Node entry, index.ts (docs/browser.md).
 *
 * Read in this order (docs/reading-order.md): kernels → cells → layers → models → diagnostics.
 */

// kernels: the tensor type and the typed-array loops everything is built from
export type { Mat } from './kernels/tensor';
export type { NamedParameter } from './kernels/parameter';
export { ShapeError, ValueError, zeros, fromArray, fromNested, toNested, toFlat, clone, assertShape, norm2, flattenRows } from './kernels/tensor';
export { matmulAdd, matmulAddBackward, transposed } from './kernels/matmul';
export { addRowVector, addRowVectorBackward, setRowsToBias } from './kernels/bias';
export type { Activation } from './kernels/activations';
export {
  sigmoid, tanh, relu, sigmoidGradFromOutput, tanhGradFromOutput, reluGradFromOutput, activateInPlace, activationBackward,
} from './kernels/activations';
export { add2d, copy2d, zero2d, norm2d } from './kernels/elementwise';
export { Rng, fillUniform, fillNormal } from './kernels/random';

// cells: one time step forward and backward
export type { CellKind, CellParams } from './cells/cell-params';
export { CELL_KINDS, gateCount, initCellParams, zeroCellParams } from './cells/cell-params';
export type { Cell, StepBase, StepGrads, RecurrentWeights } from './cells/cell';
export { cellFor } from './cells/cells';
export type { RnnStep, RnnNonlinearity } from './cells/rnn-cell';
export { rnnTanhCell, rnnReluCell, rnnTanhForward, rnnTanhBackward, rnnReluForward, rnnReluBackward } from './cells/rnn-cell';
export type { LstmStep } from './cells/lstm-cell';
export { lstmCell, lstmCellForward, lstmCellBackward } from './cells/lstm-cell';
export type { GruStep, GruWork } from './cells/gru-cell';
export { gruCell, gruCellForward, gruCellBackward } from './cells/gru-cell';

// layers: cells unrolled over time (BPTT), the Linear head, losses
export type {
  RecurrentOptions, RecurrentConfig, RecurrentCache, RecurrentOutput, RecurrentGrads, StepGradNorms,
} from './layers/recurrent';
export { Recurrent } from './layers/recurrent';
export type { DirectionCache, DirectionGrads } from './layers/unroll';
export { unrollForward, unrollBackward } from './layers/unroll';
export type { LinearParams, LinearCache } from './layers/linear';
export { Linear } from './layers/linear';
export { mseLoss, softmaxCrossEntropy, IGNORE_INDEX } from './layers/losses';
export type { EmbeddingCache, EmbeddingOptions } from './layers/embedding';
export { Embedding } from './layers/embedding';
export { checkLengths } from './layers/lengths';
export type { DropoutState } from './layers/dropout';
export { dropoutMask, applyMask, stepSeed, DROPOUT_SITE } from './layers/dropout';
export type { AttentionKeys, AttentionStepCache } from './layers/attention';
export { AdditiveAttention } from './layers/attention';

// models: a recurrent network with a head, its objectives, and PyTorch state_dict import/export
export type { SequenceModelOptions, SequenceModelConfig, SequenceModelOutput, SequenceModelUpstream, HeadMode } from './models/sequence-model';
export { SequenceModel } from './models/sequence-model';
export type { Batch, Objective, LossAndGradients } from './models/objectives';
export { lossAndGradients, lossOnly, lossAndOutput } from './models/objectives';
export type { StateDict, HasParameters } from './models/state-dict';
export { stateDict, loadStateDict } from './models/state-dict';
export type { SafetensorsDtype, SafeTensor, SafeTensorInput, SafetensorsContent } from './models/safetensors';
export { parseSafetensors, serializeSafetensors, architectureMetadata } from './models/safetensors';
export type { Seq2SeqConfig, Seq2SeqBatch, Encoded, DecoderState, DecoderStepCache, StepDecoder } from './models/seq2seq';
export { Seq2Seq, argmaxWord, PAD_ID, SOS_ID, EOS_ID } from './models/seq2seq';
export type { CaptionerConfig, CaptionImage } from './models/captioner';
export { Captioner } from './models/captioner';
export type { Decoded, BeamOptions } from './models/decoding';
export { greedyDecode, beamSearch } from './models/decoding';

// training: optimizers and clipping
export type { OptimizerName, ParamState, OptimizerStateJson } from './training/optimizer';
export { Optimizer } from './training/optimizer';
export { SGD } from './training/sgd';
export type { SgdOptions } from './training/sgd';
export { Adagrad } from './training/adagrad';
export type { AdagradOptions } from './training/adagrad';
export { RMSprop } from './training/rmsprop';
export type { RmspropOptions } from './training/rmsprop';
export { Adam, AdamW } from './training/adam';
export type { AdamOptions } from './training/adam';
export { createOptimizer, OPTIMIZER_NAMES } from './training/optimizers';
export type { ClipResult } from './training/clip';
export { clipGradNorm, clipGradValue, gradNorm } from './training/clip';
export type { ScheduleConfig } from './training/schedules';
export { learningRateAt, checkSchedule } from './training/schedules';
export type { Chunk, TbpttStepOptions, TbpttStepResult } from './training/tbptt';
export { streamChunks, CarriedState, tbpttStep } from './training/tbptt';
export type { NonFiniteReport } from './training/nonfinite';
export { findNonFinite, findNonFiniteForward, findNonFiniteBackward } from './training/nonfinite';
export type { Checkpoint, TrainerCounters, TrainerBookkeeping } from './training/checkpoint';
export {
  checkpointTaskName, checkCheckpoint, modelFromCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION,
} from './training/checkpoint';
export type { Dataset, TrainerOptions, StepInfo, EvalInfo, TrainResult } from './training/trainer';
export { Trainer, TrainingError } from './training/trainer';
export type { Learner, StepOutcome, TrainableModel } from './training/learner';
export type { SequenceBatch } from './training/sequence-learner';
export { SequenceLearner } from './training/sequence-learner';
export type { Seq2SeqCheckpoint } from './training/seq2seq-checkpoint';
export { seq2seqFromJson, SEQ2SEQ_FORMAT, SEQ2SEQ_VERSION } from './training/seq2seq-checkpoint';
export { subset, randomSplit } from './training/datasets';
export { Progress } from './training/progress';

// data: text to token ids
export { CharVocabulary, WordVocabulary, foldToAscii, tokenize, UNKNOWN, PAD, SOS, EOS, UNK, SPECIAL_WORDS } from './data/text';
export type { Scaler, ScalerKind, SeriesTransform, ChronoSplit } from './data/series';
export { fitScaler, scale, unscale, applyTransform, invertTransform, chronologicalSplit, windowOrigins } from './data/series';

// the classical forecasting methods and the competitions' accuracy measures
export type { Deseasonalized } from './forecast/seasonality';
export { acf, isSeasonal, seasonalIndices, deseasonalize, reseasonalize } from './forecast/seasonality';
export type { SesFit, DampedFit } from './forecast/smoothing';
export { fitSes, fitDampedHolt, dampedForecast } from './forecast/smoothing';
export type { Baseline } from './forecast/baselines';
export { naive, seasonalNaive, naive2, ses, theta, dampedHolt, BASELINES } from './forecast/baselines';
export type { Accuracy, HorizonAccuracy, BenchmarkSeries } from './forecast/accuracy';
export { benchmarkAccuracy, maseScale } from './forecast/accuracy';

// tasks: the adding problem, forecasting, character models
export type { AddingTaskOptions } from './tasks/adding';
export { AddingProblem, addingDatasets, ADDING_BASELINE_MSE } from './tasks/adding';
export type { FitOptions } from './tasks/fit';
export { buildModel, fit } from './tasks/fit';
export type { ErrorMetrics, ClassMetrics, BleuResult } from './tasks/metrics';
export { errorMetrics, classMetrics, corpusBleu } from './tasks/metrics';
export type { ForecastOptions, ForecastTask, ForecastResult, ForecastPoints, ForecastMetrics, ExogenousSeries, ClassicalName } from './tasks/forecast';
export { trainForecaster, forecastNext } from './tasks/forecast';
export type { Recipe, RecipeTrial } from './tasks/forecast-recipe';
export { candidateRecipes, chooseRecipe } from './tasks/forecast-recipe';
export type { Benchmark } from './data/benchmark';
export { benchmarkFromJson, readBenchmark, horizonRanges } from './data/benchmark';
export type { BenchmarkOptions, BenchmarkReport } from './tasks/forecast-benchmark';
export { runBenchmark } from './tasks/forecast-benchmark';
export type { CharLmOptions, CharLmTask, CharLmResult, CharLmStepInfo, CharLmEvalInfo, SampleOptions } from './tasks/char-lm';
export type { CharLmRunOptions } from './tasks/char-lm';
export { CharStreams, prepareCharLm, evaluateStreams, trainCharLm, charLmTrainer, resumeCharLmTrainer, sampleText, drawCharacter, checkText } from './tasks/char-lm';
export type { ChunkBatch, Chunks } from './tasks/char-lm-learner';
export { CharLmLearner, ChunkDataset } from './tasks/char-lm-learner';

// diagnostics: the gradient check
export type { CheckedTensor, GradcheckRow } from './diagnostics/gradcheck';
export { numericalGradient, maxRelError, checkGradients, gradcheckModel, GRADCHECK_EPS, GRADCHECK_THRESHOLD } from './diagnostics/gradcheck';
export type { GradcheckConfig } from './diagnostics/gradcheck-suite';
export { gradcheckMatrix, configLabel, runGradcheckConfig } from './diagnostics/gradcheck-suite';
export type { Seq2SeqCheckConfig } from './diagnostics/gradcheck-seq2seq';
export { seq2seqMatrix, seq2seqLabel, runSeq2SeqGradcheck, captionerMatrix, captionerLabel, runCaptionerGradcheck } from './diagnostics/gradcheck-seq2seq';
export type { TensorComparison } from './diagnostics/compare';
export { compareTensors, VALUE_TOLERANCE, GRAD_TOLERANCE } from './diagnostics/compare';

// diagnostics: gradient flow
export type { LayerProfile, ProfileOptions, Verdict, VerdictThresholds, VerdictReport } from './diagnostics/profile';
export { temporalProfile, summarize, verdictOf, sparkline, DEFAULT_THRESHOLDS } from './diagnostics/profile';
export type { ParameterStat } from './diagnostics/measurements';
export { parameterStats, formatProfile } from './diagnostics/measurements';

// the textbook engine (the cells as taught, dW added inside the step) and the trace of every tagged quantity
export type { State as TextbookState, TextbookCell, TextbookRun, StepTrace } from './textbook/bptt';
export { textbookCells, bpttForward, bpttBackward, computedAt } from './textbook/bptt';
export type { TextbookStack } from './textbook/layers';
export { stackForward, stackBackward } from './textbook/layers';
export type { TraceEntry, TraceOptions, Trace } from './textbook/trace';
export { recordTrace } from './textbook/trace';

// charts: SVG text, for a file or a page
export type { Point, Shape } from './charts/diagram';
export { diagram } from './charts/diagram';
export type { Series, LineChartOptions, HeatmapOptions, MatrixChartOptions, AttentionChartOptions } from './charts/svg';
export { lineChart, heatmap, confusionMatrixChart, attentionChart } from './charts/svg';
export type { CaptionAttentionOptions } from './charts/caption-attention';
export { captionAttentionChart } from './charts/caption-attention';
export type { GreyImage } from './data/pgm';
export { parsePgm, toPgm } from './data/pgm';
export type { Scene, PlacedDigit, Layout, Relation, SizeName, SceneOptions } from './tasks/caption-scenes';
export {
  SCENE_ROWS, SCENE_COLS, SIZES, CAPTION_WORDS, isHeldOut, combinationsOf, isUnseen, captionOf, parseCaption, resizeDigit, drawScene,
  splitDigitImages, makeScenes,
} from './tasks/caption-scenes';
export type { SoftmaxRegression, TemplateCaptioner } from './tasks/caption-baselines';
export { mostFrequentCaption, fitSoftmaxRegression, predictClass, templateOf, fitTemplateCaptioner, templateCaption } from './tasks/caption-baselines';
export { CAPTION_FORMAT, CAPTION_VERSION, checkCaptionerConfig, captionerFromJson, readCaptionerCheckpoint } from './training/caption-checkpoint';
