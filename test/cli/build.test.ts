// create/update success paths with the real system builder (--config, --config-file):
// configuration.nix content, profile generations, the edit-then-update workflow.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox, exists } from './helpers';

const sb = new Sandbox();
after(() => sb.cleanup());

// The firewall would pull nftables from the archive; keep these builds local and quick.
const BASE = 'networking.firewall.enable = false;';

function generations(name: string): string[] {
  return fs.readdirSync(sb.profile(name)).filter((f) => /^system-\d+-link$/.test(f)).sort();
}
function current(name: string): string {
  return fs.realpathSync(path.join(sb.profile(name), 'system'));
}

describe('create and update with the system builder', () => {
  it('create --config writes upstream\'s configuration.nix and a first generation', () => {
    const extra = `${BASE} environment.etc."greeting".text = "one";`;
    const r = sb.run(['create', 'b1', '--config', extra]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^host IP is 10\.233\.1\.1, container IP is 10\.233\.1\.2\n/);
    assert.equal(fs.readFileSync(path.join(sb.containerRoot('b1'), 'etc', 'nixos', 'configuration.nix'), 'utf8'),
      '{ config, lib, pkgs, ... }:\n\n{ boot.isContainer = true;\n  networking.hostName = lib.mkDefault "b1";\n' +
      `  networking.useDHCP = false;\n  ${extra}\n}\n`);
    assert.deepEqual(generations('b1'), ['system-1-link']);
    assert.equal(fs.readFileSync(path.join(current('b1'), 'etc', 'greeting'), 'utf8'), 'one');
  });

  it('update --config makes a new generation and replaces configuration.nix', () => {
    const r = sb.run(['update', 'b1', '--config', `${BASE} environment.etc."greeting".text = "two";`]);
    assert.deepEqual(r, { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(generations('b1'), ['system-1-link', 'system-2-link']);
    assert.equal(fs.readFileSync(path.join(current('b1'), 'etc', 'greeting'), 'utf8'), 'two');
    assert.match(fs.readFileSync(path.join(sb.containerRoot('b1'), 'etc', 'nixos', 'configuration.nix'), 'utf8'), /"two"/);
    assert.equal(exists(path.join(sb.containerRoot('b1'), 'etc', 'nixos', 'configuration.nix.new')), false);
  });

  it('a failing update names the error and changes nothing', () => {
    const cfg = path.join(sb.containerRoot('b1'), 'etc', 'nixos', 'configuration.nix');
    const before = fs.readFileSync(cfg, 'utf8');
    const top = current('b1');
    const r = sb.run(['update', 'b1', '--config', 'environment.etc."greeting".text = 42;']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: .*greeting/s);
    assert.match(r.stderr, /\nnixos-container: failed to build container configuration\n$/);
    assert.equal(fs.readFileSync(cfg, 'utf8'), before);
    assert.equal(current('b1'), top);
    assert.deepEqual(generations('b1'), ['system-1-link', 'system-2-link']);
    assert.equal(exists(`${cfg}.new`), false);
  });

  it('edit configuration.nix, then update', () => {
    const cfg = path.join(sb.containerRoot('b1'), 'etc', 'nixos', 'configuration.nix');
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace('"two"', '"three"'));
    const r = sb.run(['update', 'b1']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(current('b1'), 'etc', 'greeting'), 'utf8'), 'three');
    assert.equal(generations('b1').length, 3);
  });

  it('create --config-file with a space in its path (#382133)', () => {
    const dir = sb.p('my configs');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'c.nix');
    fs.writeFileSync(file, `{ ... }: { ${BASE} environment.etc."greeting".text = "from-file"; }\n`);
    const r = sb.run(['create', 'b2', '--config-file', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(sb.containerRoot('b2'), 'etc', 'nixos', 'configuration.nix'), 'utf8'),
      /\n {2}imports = \[ \(\/\. \+ ".*\/my configs\/c\.nix"\) \];\n/);
    assert.equal(fs.readFileSync(path.join(current('b2'), 'etc', 'greeting'), 'utf8'), 'from-file');
  });

  it('create with a failing assertion leaves nothing (test b0rk)', () => {
    const r = sb.run(['create', 'b0rk', '--config',
      `${BASE} assertions = [ { assertion = false; message = "b0rk on purpose"; } ];`]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /b0rk on purpose/);
    assert.match(r.stderr, /nixos-container: failed to build initial container configuration\n$/);
    for (const p of [sb.conf('b0rk'), sb.containerRoot('b0rk'), sb.profile('b0rk'), sb.gcroots('b0rk')]) {
      assert.equal(exists(p), false, p);
    }
  });

  it('destroy removes both', () => {
    for (const n of ['b1', 'b2']) {
      assert.deepEqual(sb.run(['destroy', n]), { status: 0, stdout: '', stderr: '' });
      assert.equal(exists(sb.containerRoot(n)), false);
      assert.equal(exists(sb.profile(n)), false);
    }
    assert.equal(sb.run(['list']).stdout, '');
  });
});
