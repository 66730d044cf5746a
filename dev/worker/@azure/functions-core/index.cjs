"use strict";
// A stand-in for `@azure/functions-core`, the module the Azure Functions Node worker hands to
// `@azure/functions`. It records what the app registers, which is exactly what the worker would
// receive: the programming model, and each function's metadata with its handler.
// The local host serves these registrations, and the tests load the built bundle with this
// folder on NODE_PATH to see what Azure would see.
const functions = [];
const hooks = [];
let programmingModel;

module.exports = {
  version: "stand-in",
  functions,
  hooks,
  getProgrammingModel: () => programmingModel,
  setProgrammingModel(model) {
    programmingModel = model;
  },
  registerFunction(metadata, callback) {
    if (functions.some((f) => f.metadata.name === metadata.name)) throw new Error(`function ${metadata.name} registered twice`);
    functions.push({ metadata, callback });
    return {
      dispose: () =>
        functions.splice(
          functions.findIndex((f) => f.metadata.name === metadata.name),
          1,
        ),
    };
  },
  registerHook(hookName, callback) {
    hooks.push({ hookName, callback });
    return { dispose() {} };
  },
  log() {},
};
