// Unit tests for src/nix/bytes.ts (Nix strings are bytes; values checked with nix-instantiate 2.8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bufferToBytes, bytesToBuffer, bytesToUtf8, compareBytes, isAscii, isValidUtf8Bytes, nixSubstring,
  utf8ByteLength, utf8ByteSlice, utf8ToBytes,
} from '../../src/nix/bytes';

const SAMPLES = ['', 'abc', 'é', 'naïve café', '日本語', '😀 smile', 'a\u07ffb\u0800c\uffff', 'x'.repeat(100) + 'é' + '😀'.repeat(40)];

test('utf8ToBytes / bytesToUtf8 agree with Buffer and round-trip', () => {
  for (const s of SAMPLES) {
    const b = utf8ToBytes(s);
    assert.equal(b, Buffer.from(s, 'utf8').toString('latin1'), s);
    assert.ok(/^[\x00-\xff]*$/.test(b));
    assert.equal(bytesToUtf8(b), s);
    assert.equal(utf8ByteLength(s), Buffer.byteLength(s, 'utf8'), s);
    assert.equal(b.length, utf8ByteLength(s));
  }
  // lone surrogates encode as U+FFFD like Buffer
  assert.equal(utf8ToBytes('a\ud800b'), Buffer.from('a\ud800b', 'utf8').toString('latin1'));
  assert.equal(utf8ByteLength('a\ud800b'), Buffer.byteLength('a\ud800b', 'utf8'));
  assert.equal(utf8ToBytes('abc'), 'abc');
  assert.equal(isAscii('abc'), true);
  assert.equal(isAscii('é'), false);
});

test('Nix byte semantics: stringLength / substring', () => {
  const e = utf8ToBytes('é');
  assert.equal(e.length, 2); // builtins.stringLength "é" == 2
  assert.equal(nixSubstring(e, 0, 1), '\xc3'); // substring 0 1 "é" is the first byte
  assert.equal(nixSubstring('abc', 1, -1), 'bc');
  assert.equal(nixSubstring('abc', 5, 2), '');
  assert.equal(nixSubstring('abc', 1, 100), 'bc');
  assert.equal(nixSubstring('abc', 0, 0), '');
  assert.throws(() => nixSubstring('abc', -1, 1), { message: "negative start position in 'substring'" });
  assert.equal(utf8ByteSlice('aé', 1, 2), '\xc3');
  assert.equal(utf8ByteSlice('abc', 1), 'bc');
});

test('UTF-8 validity, buffers and ordering', () => {
  for (const s of SAMPLES) assert.equal(isValidUtf8Bytes(utf8ToBytes(s)), true, s);
  for (const bad of ['\xff', '\xc3', '\xc3(', '\xe0\x80\x80', '\xed\xa0\x80', '\xf4\x90\x80\x80', 'a\xc0\xafb', '\xe2\x82']) {
    assert.equal(isValidUtf8Bytes(bad), false, JSON.stringify(bad));
  }
  const buf = Buffer.from([0, 1, 0x7f, 0x80, 0xff]);
  assert.deepEqual(bytesToBuffer(bufferToBytes(buf)), buf);
  assert.equal(bufferToBytes(new Uint8Array([0x68, 0x69])), 'hi');
  // bytewise order: "é" (0xc3..) sorts after "z"
  assert.equal(compareBytes(utf8ToBytes('é'), 'z'), 1);
  assert.equal(compareBytes('a', 'b'), -1);
  assert.equal(compareBytes('a', 'a'), 0);
});
