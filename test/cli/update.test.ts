// update: a failed build changes nothing (configuration.nix, profile); missing sources and
// flake-made containers get clear errors.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox, exists } from './helpers';

const sb = new Sandbox();
after(() => sb.cleanup());

function imperative(name: string, config: string): string {
  sb.writeConf(name, 'PRIVATE_NETWORK=1\nHOST_ADDRESS=10.233.1.1\nLOCAL_ADDRESS=10.233.1.2\nHOST_BRIDGE=\nHOST_PORT=\nAUTO_START=0\n');
  const etc = path.join(sb.containerRoot(name), 'etc', 'nixos');
  fs.mkdirSync(etc, { recursive: true });
  const cfg = path.join(etc, 'configuration.nix');
  fs.writeFileSync(cfg, config);
  return cfg;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!exists(d)) return;
    for (const e of fs.readdirSync(d)) {
      const p = path.join(d, e);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[p] = '-> ' + fs.readlinkSync(p);
      else if (st.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('update', () => {
  const original = '{ config, lib, pkgs, ... }:\n\n{ boot.isContainer = true;\n  networking.hostName = lib.mkDefault "up1";\n  networking.useDHCP = false;\n  \n}\n';
  it('a new configuration that does not build leaves configuration.nix and the profile as they were', () => {
    const cfg = imperative('up1', original);
    fs.mkdirSync(sb.profile('up1'), { recursive: true });
    fs.symlinkSync(sb.fakeToplevel('up1'), path.join(sb.profile('up1'), 'system-1-link'));
    fs.symlinkSync('system-1-link', path.join(sb.profile('up1'), 'system'));
    const before = { ...snapshot(sb.containerRoot('up1')), ...snapshot(sb.profile('up1')) };
    for (const args of [['--config', 'services.nginx.enable = ;'], ['--config', '{{{ syntax']]) {
      const r = sb.run(['update', 'up1', ...args]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /nixos-container: failed to build container configuration\n$/);
      assert.equal(fs.readFileSync(cfg, 'utf8'), original);
      assert.deepEqual({ ...snapshot(sb.containerRoot('up1')), ...snapshot(sb.profile('up1')) }, before);
    }
  });
  it('update --config-file with a missing file changes nothing', () => {
    const cfg = imperative('up2', original);
    const r = sb.run(['update', 'up2', '--config-file', sb.p('nope.nix')]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `nixos-container: cannot read config file ‘${sb.p('nope.nix')}’: No such file or directory\n`);
    assert.equal(fs.readFileSync(cfg, 'utf8'), original);
  });
  it('update without configuration.nix says how to give it one', () => {
    sb.writeConf('up3', 'PRIVATE_NETWORK=1\n');
    const r = sb.run(['update', 'up3']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^nixos-container: container ‘up3’ has no .*configuration\.nix .*pass --config or --config-file/);
  });
  it('a container made from a flake needs Nix to update', () => {
    sb.writeConf('up4', 'PRIVATE_NETWORK=1\nFLAKE=github:me/flake\n');
    const r = sb.run(['update', 'up4']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^nixos-container: container ‘up4’ was created from a flake \(FLAKE=github:me\/flake\)/);
  });
  it('--flake and --nixos-path are refused', () => {
    imperative('up5', original);
    assert.match(sb.run(['update', 'up5', '--flake', '.']).stderr, /--flake needs a Nix installation/);
    assert.match(sb.run(['update', 'up5', '--nixos-path', '/x']).stderr, /--nixos-path needs a Nix installation/);
  });
  it('a container made with --system-path gets a configuration.nix only from a successful update', () => {
    sb.writeConf('up6', 'PRIVATE_NETWORK=1\n');
    const bad = sb.run(['update', 'up6', '--config', 'this is ( not nix']);
    assert.equal(bad.status, 1);
    assert.equal(exists(sb.containerRoot('up6')), false, 'no directories left behind');
    const good = sb.run(['update', 'up6', '--config', 'networking.firewall.enable = false;']);
    assert.equal(good.status, 0, good.stderr);
    assert.match(fs.readFileSync(path.join(sb.containerRoot('up6'), 'etc', 'nixos', 'configuration.nix'), 'utf8'),
      /networking\.firewall\.enable = false;/);
    assert.ok(exists(path.join(sb.profile('up6'), 'system')));
  });
});
