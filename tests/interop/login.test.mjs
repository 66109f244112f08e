// Issue 5: GramJS (written by no one here) logs in to the emulator: a test number with its fixed code, an account
// with a 2FA password (SRP), a wrong password first, and a phone that lives on another DC (PHONE_MIGRATE_X).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, createClient, control, login, Api } from './harness.mjs';

let emulator;
let api;
before(async () => {
  emulator = await startEmulator(['--dcs', '2,4']);
  api = control(emulator);
});
after(async () => { await emulator?.stop(); });

test('GramJS logs in with a test number and its code (X five times), then getMe and getState work', async () => {
  const client = createClient(emulator);
  try {
    const me = await login(client, { phone: '9996621234', code: '22222' });
    assert.equal(me.phone, '9996621234');
    assert.equal(me.firstName, 'Test 2-1234');
    assert.ok(me.self, 'getMe returns the self user');
    const user = await api.user('9996621234');
    assert.equal(String(me.id), String(user.id));
    const state = await client.invoke(new Api.updates.GetState());
    assert.ok(state instanceof Api.updates.State);
    assert.ok(await client.checkAuthorization(), 'the auth key is authorized');
  } finally {
    await client.destroy();
  }
});

test('GramJS logs in with a code read from the control API and a 2FA password, after a wrong one', async () => {
  const phone = '15550001001';
  await api.createUser({ phone, firstName: 'Tfa', lastName: 'User', password: 'correct horse', passwordHint: 'horse', dcId: 2 });
  const client = createClient(emulator);
  const errors = [];
  const passwords = ['wrong battery', 'correct horse'];
  const hints = [];
  try {
    const me = await login(client, {
      phone,
      code: (p) => api.code(p),
      password: (hint) => { hints.push(hint); return passwords.shift(); },
      onError: async (err) => { errors.push(err.errorMessage ?? err.message); return false; },
    });
    assert.equal(me.firstName, 'Tfa');
    assert.deepEqual(errors, ['PASSWORD_HASH_INVALID']);
    assert.deepEqual(hints, ['horse', 'horse']);
  } finally {
    await client.destroy();
  }
});

test('GramJS follows PHONE_MIGRATE_4 to the DC where the test number lives and logs in there', async () => {
  const client = createClient(emulator, { dcId: 2 });
  try {
    const me = await login(client, { phone: '9996645678', code: '44444' });
    assert.equal(me.phone, '9996645678');
    assert.equal(client.session.dcId, 4);
    assert.equal((await api.user('9996645678')).dcId, 4);
  } finally {
    await client.destroy();
  }
});

test('GramJS sees a wrong code as PHONE_CODE_INVALID and the unauthorized key as not logged in', async () => {
  const client = createClient(emulator);
  const errors = [];
  const codes = ['12345', '22222'];
  try {
    await client.connect();
    assert.equal(await client.checkAuthorization(), false);
    await login(client, {
      phone: '9996627777',
      code: () => codes.shift(),
      onError: async (err) => { errors.push(err.errorMessage ?? err.message); return false; },
    });
    assert.deepEqual(errors, ['PHONE_CODE_INVALID']);
  } finally {
    await client.destroy();
  }
});
