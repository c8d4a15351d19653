// Lazy access to the pure helper modules written alongside the evaluator
// (posix-regex, float-format, toml, json-parse, store-path, versions).
// Loaded on first use, so start-up stays cheap and a missing module only breaks the
// builtins that need it.

/* eslint-disable @typescript-eslint/no-var-requires */
const cache: Record<string, any> = {};

function load(name: string): any {
  let m = cache[name];
  if (m === undefined) {
    m = require('./' + name);
    cache[name] = m;
  }
  return m;
}

export const floatFormat = (): any => load('float-format');
export const posixRegex = (): any => load('posix-regex');
export const toml = (): any => load('toml');
export const jsonParse = (): any => load('json-parse');
export const storePath = (): any => load('store-path');
export const versions = (): any => load('versions');

export function formatFloatForPrint(x: number): string {
  return floatFormat().formatFloatForPrint(x);
}
export function formatFloatToString(x: number): string {
  return floatFormat().formatFloatToString(x);
}
export function formatFloatForJSON(x: number): string {
  return floatFormat().formatFloatForJSON(x);
}
