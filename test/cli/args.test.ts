// Upstream's command line: option parsing, validation order and messages (spec §3.2),
// through the real CLI.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { Sandbox, exists } from './helpers';
import { parseArgs } from '../../src/cli/getopt';
import { OPTION_SPECS, USAGE, parseUpstream } from '../../src/cli/upstream-options';

const sb = new Sandbox();
after(() => sb.cleanup());

describe('getopt (Getopt::Long gnu_getopt no_bundling)', () => {
  it('permutes options anywhere and stops at --', () => {
    const r = parseArgs(['create', '--bridge', 'br0', 'foo', '--', '--port', 'x'], OPTION_SPECS);
    assert.deepEqual(r.args, ['create', 'foo', '--port', 'x']);
    assert.deepEqual(r.options, [{ name: 'bridge', values: ['br0'] }]);
    assert.deepEqual(r.errors, []);
  });
  it('accepts abbreviations, any case, single dash and --opt=value', () => {
    const r = parseArgs(['--ENS', '-auto', '--Host-A=1.2.3.4', '-local-address', '5.6.7.8', '--config='], OPTION_SPECS);
    assert.deepEqual(r.options, [
      { name: 'ensure-unique-name', values: [] },
      { name: 'auto-start', values: [] },
      { name: 'host-address', values: ['1.2.3.4'] },
      { name: 'local-address', values: ['5.6.7.8'] },
      { name: 'config', values: [''] },
    ]);
    assert.deepEqual(r.errors, []);
  });
  it('an exact name wins over longer names sharing its prefix', () => {
    const r = parseArgs(['--config', 'x'], OPTION_SPECS);
    assert.deepEqual(r.options, [{ name: 'config', values: ['x'] }]);
  });
  it('a mandatory value takes the next word whatever it is', () => {
    const r = parseArgs(['--config', '--help'], OPTION_SPECS, 'help');
    assert.deepEqual(r.options, [{ name: 'config', values: ['--help'] }]);
    assert.equal(r.stopped, false);
  });
  it('reports errors with Getopt::Long messages', () => {
    const r = parseArgs(['--conf', 'x', '-h', '--Bogus', '--bridge'], OPTION_SPECS);
    assert.deepEqual(r.errors, [
      'Option conf is ambiguous (config, config-file)',
      'Option h is ambiguous (help, host-address)',
      'Unknown option: bogus',
      'Option bridge requires an argument',
    ]);
  });
  it('two-value options and flags given a value', () => {
    assert.deepEqual(parseArgs(['--option', 'a'], OPTION_SPECS).errors, ['Insufficient arguments for option option']);
    assert.deepEqual(parseArgs(['--option'], OPTION_SPECS).errors, ['Option option requires an argument']);
    assert.deepEqual(parseArgs(['--impure=1'], OPTION_SPECS).errors, ['Option impure does not take an argument']);
    // `=` only splits after a double dash, as in Getopt::Long with no_getopt_compat.
    assert.deepEqual(parseArgs(['-bridge=x'], OPTION_SPECS).errors, ['Unknown option: bridge=x']);
  });
  it('forwards Nix flags in upstream order (one-value and flags first, then two-value)', () => {
    const r = parseUpstream(['--option', 'a', 'b', '--impure', '--log-format', 'raw', '--override-input', 'i', 'r']);
    assert.deepEqual(r.opts.nixFlags, ['--impure', '--log-format', 'raw', '--option', 'a', 'b', '--override-input', 'i', 'r']);
  });
});

describe('the CLI: help and option errors', () => {
  for (const argv of [['--help'], ['list', '--help'], ['create', 'foo', '-help'], ['start', 'nosuch', '--HEL'], ['--bogus', '--help']]) {
    it(`${argv.join(' ')} prints the usage on stdout and exits 0`, () => {
      const r = sb.run(argv);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, USAGE);
      assert.ok(r.stdout.startsWith('Usage: nixos-container list\n       nixos-container create <container-name>\n'));
    });
  }
  it('--help runs nothing else', () => {
    const r = sb.run(['create', 'helponly', '--help']);
    assert.equal(r.status, 0);
    assert.equal(exists(sb.conf('helponly')), false);
  });
  it('an option error exits 1 with the message on stderr', () => {
    for (const [argv, msg] of [
      [['list', '--bogus'], 'Unknown option: bogus\n'],
      [['list', '--conf', 'x'], 'Option conf is ambiguous (config, config-file)\n'],
      [['-h'], 'Option h is ambiguous (help, host-address)\n'],
      [['create', 'foo', '--bridge'], 'Option bridge requires an argument\n'],
      [['run', 'foo', 'ls', '-la'], 'Unknown option: la\n'],
    ] as [string[], string][]) {
      const r = sb.run(argv);
      assert.equal(r.status, 1, argv.join(' '));
      assert.equal(r.stderr, msg);
      assert.equal(r.stdout, '');
    }
  });
});

describe('the CLI: validation order and messages', () => {
  const cases: [string[], string][] = [
    [['list', '--host-address', '10.0.0.1'], 'With --host-address set, --local-address is required as well!\n'],
    [['--local-address', '10.0.0.2'], 'With --host-address set, --local-address is required as well!\n'],
    [[], 'nixos-container: no action specified\n'],
    [['--config', 'x', '--config-file', 'y'], 'nixos-container: no action specified\n'],
    [['create', 'foo', '--config', 'x', '--config-file', 'y'],
      '--config and --config-file are mutually incompatible. Please define one or the other, but not both\n'],
    [['update', 'nosuch', '--config=', '--config-file='],
      '--config and --config-file are mutually incompatible. Please define one or the other, but not both\n'],
    [['create'], 'nixos-container: no container name specified\n'],
    [['start'], 'nixos-container: no container name specified\n'],
    [['create', '../x'], "nixos-container: invalid container name ‘../x’: it contains '/'; a name is not a path\n"],
    [['create', 'a/b'], "nixos-container: invalid container name ‘a/b’: it contains '/'; a name is not a path\n"],
    [['create', ''], 'nixos-container: invalid container name ‘’: the name is empty\n'],
    [['status', 'a b'], "nixos-container: invalid container name ‘a b’: only letters, digits, '-' and '_' are allowed\n"],
    [['destroy', '..'], "nixos-container: invalid container name ‘..’: it is a relative directory name\n"],
    [['create', 'a_b'],
      "nixos-container: invalid container name ‘a_b’: underscores are not allowed (systemd-nspawn refuses them in machine names); use '-' instead\n"],
    [['create', '--', '-ab'], "nixos-container: invalid container name ‘-ab’: a name cannot start with '-'\n"],
    [['create', 'abcdefghijkl'], 'nixos-container: container name ‘abcdefghijkl’ is too long\n'],
    [['frob', 'nosuch'], 'nixos-container: container ‘nosuch’ does not exist\n'],
    [['create', 'foo', '--flake', '.#c'],
      'nixos-container: --flake needs a Nix installation with flakes (`nix build`), which this nixos-container does not use; build the system with Nix and pass --system-path, or use --config / --config-file\n'],
    [['create', 'foo', '--nixos-path', '/x'],
      'nixos-container: --nixos-path needs a Nix installation with a nixpkgs checkout, which this nixos-container does not use; configurations are evaluated against its own NixOS modules (use --config / --config-file)\n'],
    [['create', 'foo', '--config-file', '/nonexistent/x.nix'],
      'nixos-container: cannot read config file ‘/nonexistent/x.nix’: No such file or directory\n'],
    [['create', 'foo', '--system-path', '/nonexistent/sys'],
      'nixos-container: system path ‘/nonexistent/sys’ is not an existing directory\n'],
    [['start', 'foo', '--all'], 'nixos-container: start --all takes no container name\n'],
  ];
  for (const [argv, msg] of cases) {
    it(`${JSON.stringify(argv)} -> ${msg.trim()}`, () => {
      const r = sb.run(argv);
      assert.equal(r.stderr, msg);
      assert.equal(r.stdout, '');
      assert.equal(r.status, 1);
    });
  }
  it('no failed check leaves a container behind', () => {
    assert.deepEqual(fs.readdirSync(sb.confDir()), []);
    assert.deepEqual(fs.readdirSync(sb.p('var', 'lib', 'nixos-containers')), []);
  });
  it('the 11-character limit admits 11 characters', () => {
    const r = sb.run(['create', 'abcdefghijk', '--system-path', sb.fakeToplevel()]);
    assert.doesNotMatch(r.stderr, /too long/);
    assert.match(r.stderr, /^host IP is 10\.233\.1\.1, container IP is 10\.233\.1\.2\n/);
    sb.run(['destroy', 'abcdefghijk']);
  });
});

describe('the CLI: a missing container, for every verb', () => {
  const verbs = ['start', 'stop', 'restart', 'terminate', 'update', 'login', 'root-login', 'run', 'show-ip', 'show-host-key'];
  for (const verb of verbs) {
    it(`${verb} nosuch`, () => {
      const r = sb.run([verb, 'nosuch']);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'nixos-container: container ‘nosuch’ does not exist\n');
    });
  }
  it('status nosuch prints gone, then the error', () => {
    const r = sb.run(['status', 'nosuch']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, 'gone\n');
    assert.equal(r.stderr, 'nixos-container: container ‘nosuch’ does not exist\n');
  });
  it('status --json nosuch', () => {
    const r = sb.run(['status', 'nosuch', '--json']);
    assert.equal(r.status, 1);
    assert.deepEqual(JSON.parse(r.stdout), { name: 'nosuch', status: 'gone' });
  });
  it('destroy nosuch succeeds silently', () => {
    const r = sb.run(['destroy', 'nosuch']);
    assert.deepEqual(r, { status: 0, stdout: '', stderr: '' });
  });
  it('list with no containers prints nothing', () => {
    assert.deepEqual(sb.run(['list']), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(JSON.parse(sb.run(['list', '--json']).stdout), []);
  });
});
