// jsdom without the fetch family that browsers (and Node) have: hand Node's own to the test window, so the
// typed client runs in component tests as it does in the browser. FormData, Blob and File come along so a
// body built in a test is one Node's Request understands.
const { TestEnvironment } = require('jest-environment-jsdom');

const FROM_NODE = ['fetch', 'Request', 'Response', 'Headers', 'FormData', 'Blob', 'File', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'structuredClone'];

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of FROM_NODE) if (typeof globalThis[name] !== 'undefined') this.global[name] = globalThis[name];
  }
}

module.exports = JsdomWithFetch;
