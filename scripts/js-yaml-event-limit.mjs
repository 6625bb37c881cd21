// js-yaml's parseEvents makes an event object for every value of a file
// before its caller can count them: a 66 MB configuration of one flow list
// (`x: [1,1,...]`, 33 million items, inside every size limit) cost 22 s and
// 4.7 GB only to be refused for its number of values, more than the heap of
// a CI runner with 7 GB. js-yaml has no option to stop early, so this adds
// one, `maxEvents`: past it parseEvents throws a YAMLException whose reason
// starts with EVENTS_EXCEEDED (src/config/yaml-source.ts asks it to stop at
// the configuration's value budget). Applied to js-yaml's ES module where it
// is loaded: by the CLI's bundle (scripts/bundle.mjs) and by the tests
// (vitest.config.ts), so both run the same parser.

export const EVENTS_EXCEEDED = 'events exceeded maxEvents';

/** js-yaml's module, loaded by path (the ES build: what `import ... from 'js-yaml'` resolves to). */
export const JS_YAML_MODULE = /[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/;

const PUSH = 'state.events.push(';
const PUSHES = 6;
const THROW = 'function throwError(state, message) {';

/**
 * js-yaml's source with every event added through a check of `maxEvents`.
 * Throws if the source is not laid out as the version this was written for
 * (six pushes and one throwError): a new js-yaml must be looked at, not run
 * without the bound.
 */
export function limitJsYamlEvents(source) {
  const pushes = source.split(PUSH).length - 1;
  if (pushes !== PUSHES || source.split(THROW).length !== 2) {
    throw new Error(`js-yaml-event-limit: js-yaml's parser changed (${pushes} event pushes, expected ${PUSHES}; throwError ${source.includes(THROW) ? 'found' : 'missing'}): update scripts/js-yaml-event-limit.mjs`);
  }
  return `${source.replaceAll(PUSH, 'tenantctlPushEvent(state, ')}
function tenantctlPushEvent(state, event) {
\tif (state.events.length >= state.maxEvents) throwError(state, \`${EVENTS_EXCEEDED} (\${state.maxEvents})\`);
\tstate.events.push(event);
}
`;
}
