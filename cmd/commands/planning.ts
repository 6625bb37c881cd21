// The commands that diff the configuration against the database, in one module: they share the
// planner and its renderers, and one module loads faster than the many chunks each alone would make.
export { registerApply } from './apply.js';
export { registerDrift } from './drift.js';
export { registerPlan } from './plan.js';
