// Issue 5: the runnable emulator's --state file keeps users and messages across a restart; GramJS logs in again
// (a new auth key: keys are not kept) and finds the chat history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, createClient, control, login } from './harness.mjs';

test('users and messages survive an emulator restart with --state', async () => {
  const state = join(mkdtempSync(join(tmpdir(), 'channel-state-')), 'world.json');
  let emulator = await startEmulator(['--state', state]);
  let bob;
  try {
    const api = control(emulator);
    bob = await api.createUser({ phone: '15550009001', firstName: 'Kept', username: 'kept_user', password: 'pw-kept' });
    await api.createUser({ phone: '15550009002', firstName: 'Other' });
    await api.sendMessage('15550009002', '@kept_user', 'still here after a restart');
  } finally {
    const exit = await emulator.stop();
    assert.equal(exit.code, 0, `clean exit: ${JSON.stringify(exit)}`);
  }

  assert.ok(existsSync(state));
  assert.ok(!readFileSync(state, 'utf8').includes('pw-kept'), 'the password itself is not stored');

  emulator = await startEmulator(['--state', state]);
  const client = createClient(emulator);
  try {
    const api = control(emulator);
    const again = await api.user('@kept_user');
    assert.equal(String(again.id), String(bob.id));
    assert.equal(again.hasPassword, true);
    const me = await login(client, { phone: '15550009001', code: (p) => api.code(p), password: 'pw-kept' });
    assert.equal(String(me.id), String(bob.id));
    const dialogs = await client.getDialogs({});
    assert.equal(dialogs.length, 1);
    assert.equal(dialogs[0].message.message, 'still here after a restart');
  } finally {
    await client.destroy();
    await emulator.stop();
  }
});
