// Shared harness for the interop tests: starts our emulator as a separate process, reads its ready line,
// and builds GramJS clients that trust the emulator's RSA key and connect to its loopback endpoints.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const { TelegramClient, Api } = require('telegram');
const { StringSession } = require('telegram/sessions');
const { ConnectionTCPFull, ConnectionTCPAbridged, ConnectionTCPObfuscated } = require('telegram/network/connection');
const RSA = require('telegram/crypto/RSA');
const bigInt = require('big-integer');
const { Logger, LogLevel } = require('telegram/extensions/Logger');

export { Api, StringSession };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function emulatorCommand() {
  const configured = process.env.CHANNEL_EMULATOR_DLL;
  for (const candidate of [configured,
    join(repoRoot, 'src/Channel.MTProto.Emulator/bin/Release/net10.0/Channel.MTProto.Emulator.dll'),
    join(repoRoot, 'src/Channel.MTProto.Emulator/bin/Debug/net10.0/Channel.MTProto.Emulator.dll')]) {
    if (candidate && existsSync(candidate)) return ['dotnet', [candidate]];
  }
  throw new Error('The emulator is not built: run `dotnet build -c Release` first (scripts/test.sh does).');
}

/** Starts the emulator process; resolves with its parsed ready line plus a stop() function. */
export async function startEmulator(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'channel-interop-'));
  const [cmd, baseArgs] = emulatorCommand();
  const child = spawn(cmd, [...baseArgs, '--listen', '127.0.0.1:0', '--rsa-key', join(dir, 'emulator-key.pem'), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (chunk) => stderr.push(chunk.toString()));
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));

  const ready = await new Promise((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => rej(new Error(`emulator did not become ready:\n${stderr.join('')}`)), 60_000);
    lines.once('line', (line) => { clearTimeout(timer); try { res(JSON.parse(line)); } catch (e) { rej(new Error(`bad ready line: ${line}`)); } });
    child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`emulator exited (${code}) before ready:\n${stderr.join('')}`)); });
  });

  trustKey(ready.publicKeyPem, ready.fingerprint);
  return {
    ready,
    stderr: () => stderr.join(''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Registers the emulator's public key in GramJS's key table (an internal map keyed by signed-decimal fingerprint). */
export function trustKey(pem, fingerprint) {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const toBig = (b64url) => bigInt(Buffer.from(b64url, 'base64url').toString('hex'), 16);
  RSA._serverKeys.set(bigInt(fingerprint).toString(), { n: toBig(jwk.n), e: toBig(jwk.e).toJSNumber() });
}

function endpointsByDc(ready) {
  const map = new Map();
  for (const dc of ready.dcs ?? [{ dcId: ready.dcId, endpoint: ready.endpoint }]) {
    const [host, port] = dc.endpoint.split(':');
    map.set(dc.dcId, { host, port: Number(port) });
  }
  return map;
}

const transports = { full: ConnectionTCPFull, abridged: ConnectionTCPAbridged, obfuscated: ConnectionTCPObfuscated };

/**
 * GramJS's StringSession stores the port as a signed 16-bit int, so save() throws for the ephemeral ports
 * (> 32767) the emulator listens on. Store it in two's complement and undo that when loading.
 */
export class EmulatorSession extends StringSession {
  constructor(session = '') {
    super(session);
    if (this._port < 0) this._port += 0x10000;
  }

  save() {
    const port = this._port;
    try {
      if (port > 0x7fff) this._port = port - 0x10000;
      return super.save();
    } finally {
      this._port = port;
    }
  }
}

/**
 * GramJS on Node always dials port 80 (or 443 for WSS) and takes DC addresses from help.getConfig.
 * A connection subclass keeps GramJS's own codec and only redirects the port to the emulator's listener.
 */
export function createClient(emulator, { session = '', transport = 'full', dcId = emulator.ready.dcId, apiId = 1, apiHash = 'interop' } = {}) {
  const endpoints = endpointsByDc(emulator.ready);
  const Base = transports[transport];
  class EmulatorConnection extends Base {
    constructor(options) {
      const target = endpoints.get(options.dcId) ?? endpoints.get(emulator.ready.dcId);
      super({ ...options, ip: target.host, port: target.port });
    }
  }
  const stringSession = new EmulatorSession(session);
  const home = endpoints.get(dcId);
  if (!session) stringSession.setDC(dcId, home.host, home.port);
  const client = new TelegramClient(stringSession, apiId, apiHash, {
    connection: EmulatorConnection,
    connectionRetries: 2,
    retryDelay: 200,
    autoReconnect: false,
    baseLogger: new Logger(LogLevel.ERROR),
  });
  return client;
}

/**
 * The emulator's HTTP control API (its address is the ready line's "control"): create users, read login codes,
 * send messages as a user, revoke sessions, inject faults. Failed calls reject with the API's error message.
 */
export function control(emulator) {
  const base = emulator.ready.control;
  if (!base) throw new Error('the emulator printed no "control" address');
  async function call(method, path, body) {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = new Error(`${method} ${path}: ${response.status} ${json?.error ?? text}`);
      error.status = response.status;
      throw error;
    }
    return json;
  }
  return {
    createUser: (user) => call('POST', '/users', user),
    user: (ref) => call('GET', `/users/${encodeURIComponent(ref)}`),
    code: async (phone) => (await call('GET', `/users/${encodeURIComponent(phone)}/code`)).code,
    sendMessage: (from, to, text) => call('POST', '/messages', { from, to, text }),
    received: (ref) => call('GET', `/users/${encodeURIComponent(ref)}/messages`),
    revoke: (ref) => call('POST', `/users/${encodeURIComponent(ref)}/revoke`),
    flood: (rule) => call('POST', '/faults/flood', rule),
    drop: (dcId) => call('POST', '/faults/drop', dcId === undefined ? {} : { dcId }),
    health: () => call('GET', '/health'),
    call,
  };
}

/**
 * Logs a GramJS client in with client.start(): the code comes from `code` (a string, or a function of the phone
 * that may read the control API), the 2FA password from `password` (string or async function).
 * Any error GramJS reports fails the login instead of retrying forever.
 */
export async function login(client, { phone, code, password, onError }) {
  await client.start({
    phoneNumber: phone,
    phoneCode: async () => (typeof code === 'function' ? code(phone) : code),
    password: password === undefined ? undefined : async (hint) => (typeof password === 'function' ? password(hint) : password),
    onError: onError ?? (async (err) => { throw err; }),
  });
  return client.getMe();
}

/** Resolves with the first event of `builder` the handler accepts on `client`, rejects after `ms`. */
export function nextEvent(client, builder, accept = () => true, ms = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { client.removeEventHandler(handler, builder); reject(new Error('no event arrived')); }, ms);
    function handler(event) {
      if (!accept(event)) return;
      clearTimeout(timer);
      client.removeEventHandler(handler, builder);
      resolve(event);
    }
    client.addEventHandler(handler, builder);
  });
}

/**
 * An emulator with two logged-in GramJS clients: alice on a test number (code 22222), bob a control-API user on DC 2
 * (code read from the control API). `stop()` ends all three.
 */
export async function startPair({ alicePhone, bobPhone, bobUsername }) {
  const emulator = await startEmulator();
  const api = control(emulator);
  await api.createUser({ phone: bobPhone, firstName: 'Bob', username: bobUsername, dcId: 2 });
  const alice = createClient(emulator);
  const bob = createClient(emulator);
  const aliceMe = await login(alice, { phone: alicePhone, code: '22222' });
  const bobMe = await login(bob, { phone: bobPhone.replace(/[^0-9]/g, ''), code: (p) => api.code(p) });
  return {
    emulator, api, alice, bob, aliceMe, bobMe,
    async stop() {
      await alice.destroy();
      await bob.destroy();
      await emulator.stop();
    },
  };
}
