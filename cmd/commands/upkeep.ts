// The commands that neither check nor plan, in one module: rarer, and one module loads faster than
// the many chunks each alone would make.
export { registerDeliver } from './deliver.js';
export { registerExport } from './export.js';
export { registerHistory } from './history.js';
export { registerInit } from './init.js';
