// builtins.derivationStrict: turns derivation attributes into a store derivation
// (drvPath + output paths), using the store-path helpers.
import { NixError } from './errors';
import type { EvalContext } from './runtime';
import type { NixAttrs, Value } from './values';

export function derivationStrict(_ev: EvalContext, _attrs: NixAttrs): Value {
  throw new NixError('derivations are not supported yet');
}
