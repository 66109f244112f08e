// Issue: MTProto connection. GramJS (written by no one here) must complete the key exchange with our emulator
// using its legacy RSA format, then get a help.getConfig answer it can parse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, createClient, Api } from './harness.mjs';

let emulator;
before(async () => { emulator = await startEmulator(); });
after(async () => { await emulator?.stop(); });

for (const transport of ['full', 'abridged', 'obfuscated']) {
  test(`GramJS ${transport} transport: key exchange and help.getConfig`, async () => {
    const client = createClient(emulator, { transport });
    try {
      await client.connect();
      const config = await client.invoke(new Api.help.GetConfig());
      assert.ok(config instanceof Api.Config, 'help.getConfig returns a config');
      assert.equal(config.thisDc, emulator.ready.dcId);
      const [host, port] = emulator.ready.endpoint.split(':');
      assert.ok(config.dcOptions.some((o) => o.id === emulator.ready.dcId && o.ipAddress === host && o.port === Number(port)),
        `dc_options point at the emulator's listener: ${JSON.stringify(config.dcOptions.map((o) => [o.id, o.ipAddress, o.port]))}`);
      assert.ok(config.messageLengthMax >= 4096);
      const nearest = await client.invoke(new Api.help.GetNearestDc());
      assert.equal(nearest.thisDc, emulator.ready.dcId);
    } finally {
      await client.destroy();
    }
  });
}

test('GramJS gets a proper rpc_error for a method the emulator does not implement', async () => {
  const client = createClient(emulator);
  try {
    await client.connect();
    await assert.rejects(client.invoke(new Api.help.GetPremiumPromo()), (err) => {
      assert.equal(typeof err.errorMessage, 'string');
      assert.ok(err.code >= 400, `code ${err.code}`);
      return true;
    });
  } finally {
    await client.destroy();
  }
});

test('GramJS parses gzip_packed results, with two calls in flight', async () => {
  // A second emulator that gzips every result: GramJS must unpack them, including the getConfig of connect().
  const gzipping = await startEmulator(['--gzip-threshold', '0']);
  const client = createClient(gzipping);
  try {
    await client.connect();
    const [config, nearest] = await Promise.all([
      client.invoke(new Api.help.GetConfig()),
      client.invoke(new Api.help.GetNearestDc()),
    ]);
    assert.ok(config instanceof Api.Config);
    assert.equal(nearest.thisDc, gzipping.ready.dcId);
  } finally {
    await client.destroy();
    await gzipping.stop();
  }
});
