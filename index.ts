/**
 * infoshard: the curated public library entry. Internal modules (shared/*, worker/*) are for
 * siblings and tests; applications import from here.
 *
 * @example
 *   import { createEngine } from 'infoshard';
 *   const engine = createEngine({ threads: 2 });
 *   const r = await engine.run({ measure: 'mi', estimator: 'ksg1', k: 4, data, x: ['a'], y: ['b'],
 *                                bootstrap: { replicates: 2000, method: 'bca' }, permutation: { shuffles: 5000 }, seed: 7 });
 *   await engine.close();
 */
export { createEngine, type EngineOptions } from './engine/embedded.js';
export type {
  Job,
  JobSpec,
  JobResult,
  JobHandle,
  Engine,
  Progress,
  RunOptions,
  Measure,
  Units,
  CiMethod,
  BootstrapScheme,
  BootstrapOptions,
  PermutationOptions,
  EnsembleOptions,
  ConfidenceInterval,
  NullSummary,
  ColumnRef,
  Backend,
} from './shared/job/spec.js';
export { DEFAULTS } from './shared/job/spec.js';
export type { Dataset, Matrix } from './shared/data/matrix.js';
export { datasetHash } from './shared/data/hash.js';
export {
  InfoshardError,
  DataError,
  OptionError,
  EstimatorError,
  NotFoundError,
  LimitError,
  CancelledError,
  TimeoutError,
  AuthError,
  UnavailableError,
  InternalError,
  type ErrorCode,
} from './shared/errors.js';
export { estimate, checkEstimator, listEstimators, isKnnEstimator, type EstimatorInput, type EstimatorParams } from './shared/estimators/index.js';
export { simulate, generatorTruth, type SimulateSpec, type SimulateResult, type Generator } from './shared/resampling/simulate.js';
export { runSimulation, simulationJob, simulationResults, type SimulationCell, type SimulationProgress } from './shared/job/simulation.js';
export { calibrate, calibrateOn, coverageTable, issueGrid, quickGrid, estimatorGrid, type CalibrationCell, type CalibrationOptions } from './shared/resampling/calibrate.js';
export { runConsistency, type ConsistencySpec, type ConsistencyResult, type ConsistencyCheck } from './shared/resampling/consistency.js';
export { NEURAL_DEFAULTS, neuralReplicate, trainCritic, splitRows, type NeuralSettings, type NeuralReplicate } from './shared/estimators/neural/index.js';
export type { NeuralEnsembleSummary } from './shared/resampling/neural-ensemble.js';
export { confidenceInterval, type CiResult } from './shared/resampling/ci.js';
export { permutationPValue, P_VALUE_CONVENTION } from './shared/resampling/permutation.js';
export { prepareJob, type PreparedJob } from './shared/job/prepare.js';
export { loadDataset, parseData, parseCsv, parseJson, parseNpy, parseArrow, selectColumns, type DataFormat } from './shared/data/index.js';
export { connectCluster, type ClusterClientOptions } from './coordinator/client.js';
export {
  inferNetwork,
  type NetworkJob,
  type NetworkOptions,
  type NetworkResult,
  type NetworkEdge,
  type NetworkTargetResult,
  type NetworkSource,
  type NetworkProgress,
} from './shared/job/network.js';
