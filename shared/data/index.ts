/** Data layer: readers, validation and column selection. */
export type { Dataset, Matrix } from './matrix.js';
export { columnsToMatrix, gatherRows, hstack } from './matrix.js';
export { datasetHash } from './hash.js';
export { parseCsv, type CsvOptions } from './csv.js';
export { parseJson } from './json.js';
export { parseNpy, parseNpyHeader, type NpyHeader } from './npy.js';
export { parseArrow } from './arrow.js';
export { loadDataset, parseData, formatOf, type DataFormat } from './load.js';
export { selectColumns, resolveColumn, parseColumnList } from './select.js';
export { makeDataset, parseTextCell } from './cells.js';
