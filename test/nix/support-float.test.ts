// Unit tests for src/nix/float-format.ts. Expected strings come from nix-instantiate 2.8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloatForJSON, formatFloatForPrint, formatFloatToString, formatG, formatF } from '../../src/nix/float-format';

// [value, --eval print, toString, toJSON] as printed by Nix 2.8
const REF: [number, string, string, string][] = [
  [1, '1', '1.000000', '1'],
  [0.1, '0.1', '0.100000', '0.1'],
  [1.5, '1.5', '1.500000', '1.5'],
  [123456789, '1.23457e+08', '123456789.000000', '1.23457e+08'],
  [5e22, '5e+22', '49999999999999995805696.000000', '5e+22'],
  [0, '0', '0.000000', '0'],
  [-0, '-0', '-0.000000', '-0'],
  [1e-5, '1e-05', '0.000010', '1e-05'],
  [0.0001, '0.0001', '0.000100', '0.0001'],
  [123456.7, '123457', '123456.700000', '123457'],
  [1234567, '1.23457e+06', '1234567.000000', '1.23457e+06'],
  [100000, '100000', '100000.000000', '100000'],
  [1e100, '1e+100', '10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104.000000', '1e+100'],
  [1 / 3, '0.333333', '0.333333', '0.333333'],
  [2.5e-7, '2.5e-07', '0.000000', '2.5e-07'],
  [1e21, '1e+21', '1000000000000000000000.000000', '1e+21'],
  [123456789.123, '1.23457e+08', '123456789.123000', '1.23457e+08'],
  [-1.5, '-1.5', '-1.500000', '-1.5'],
  [0.30000000000000004, '0.3', '0.300000', '0.3'],
  [999999.5, '1e+06', '999999.500000', '1e+06'],
  [9999995, '1e+07', '9999995.000000', '1e+07'],
  [1234565, '1.23456e+06', '1234565.000000', '1.23456e+06'], // exact tie: half to even
  [1234575, '1.23458e+06', '1234575.000000', '1.23458e+06'],
  [0.0000025, '2.5e-06', '0.000003', '2.5e-06'],
  [0.0000015, '1.5e-06', '0.000002', '1.5e-06'],
  [0.0000005, '5e-07', '0.000000', '5e-07'],
  [0.00001234565, '1.23456e-05', '0.000012', '1.23456e-05'],
  [1e-300, '1e-300', '0.000000', '1e-300'],
  [6.626e-34, '6.626e-34', '0.000000', '6.626e-34'],
  [9224617.445991228, '9.22462e+06', '9224617.445991', '9.22462e+06'],
  // exact ties at the 7th decimal (x/128) for large values: %f rounds half to even
  [30795268523333.6953125, '3.07953e+13', '30795268523333.695312', '3.07953e+13'],
  [55439091022776.7578125, '5.54391e+13', '55439091022776.757812', '5.54391e+13'],
  [33778003063311.0703125, '3.3778e+13', '33778003063311.070312', '3.3778e+13'],
];

test('floats print like nix-instantiate 2.8', () => {
  for (const [x, p, s, j] of REF) {
    assert.equal(formatFloatForPrint(x), p, `print ${x}`);
    assert.equal(formatFloatToString(x), s, `toString ${x}`);
    assert.equal(formatFloatForJSON(x), j, `toJSON ${x}`);
  }
});

test('non-finite values', () => {
  assert.equal(formatFloatForPrint(Infinity), 'inf');
  assert.equal(formatFloatForPrint(-Infinity), '-inf');
  assert.equal(formatFloatForPrint(NaN), '-nan'); // inf - inf in Nix prints -nan
  assert.equal(formatFloatForPrint(NaN, '+'), 'nan');
  assert.equal(formatFloatToString(Infinity), 'inf');
  assert.equal(formatFloatToString(-Infinity), '-inf');
  assert.equal(formatFloatForJSON(Infinity), 'inf');
});

test('formatG / formatF with other precisions (printf semantics)', () => {
  assert.equal(formatG(0.5, 1), '0.5');
  assert.equal(formatG(2.5, 1), '2'); // tie to even
  assert.equal(formatG(3.5, 1), '4');
  assert.equal(formatG(123.456, 3), '123');
  assert.equal(formatG(1234.5, 3), '1.23e+03');
  assert.equal(formatF(0.125, 2), '0.12'); // exact tie to even
  assert.equal(formatF(0.375, 2), '0.38');
  assert.equal(formatF(2.5, 0), '2');
  assert.equal(formatF(1.005, 2), '1.00'); // 1.005 is below the tie in binary
});
