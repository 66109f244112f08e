// Issue 5: GramJS chats through the emulator. Two GramJS clients log in; one sends, the other's NewMessage handler
// fires; a message sent through the control API reaches a live handler; a client that was offline sees what it
// missed through getHistory, getDialogs and an explicit updates.getDifference; random_id is idempotent; edits,
// deletions and read receipts arrive as updates. Any reply GramJS cannot parse fails these tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startPair, nextEvent, createClient, login, Api } from './harness.mjs';

const require = createRequire(import.meta.url);
const { NewMessage } = require('telegram/events');
const { Raw } = require('telegram/events/Raw');

let pair;
let emulator;
let api;
let alice;
let bob;
let aliceMe;
let bobMe;

before(async () => {
  pair = await startPair({ alicePhone: '9996620001', bobPhone: '+1 555 000 2002', bobUsername: 'bob_interop' });
  ({ emulator, api, alice, bob, aliceMe, bobMe } = pair);
});

after(async () => {
  await pair?.stop();
});

test('a message GramJS sends reaches the other GramJS client live (NewMessage fires)', async () => {
  const received = nextEvent(bob, new NewMessage({}), (e) => e.message.message === 'hello bob');
  const sent = await alice.sendMessage('bob_interop', { message: 'hello bob' });
  assert.ok(sent.id > 0);
  const event = await received;
  assert.equal(String(event.message.senderId), String(aliceMe.id));
  assert.equal(event.message.out, false);
  assert.equal(event.isPrivate, true);
  const inbox = await api.received('bob_interop');
  assert.ok(inbox.some((m) => m.text === 'hello bob' && String(m.fromId) === String(aliceMe.id)));
});

test('a message sent through the control API reaches the live GramJS handler, and GramJS can reply to it', async () => {
  const received = nextEvent(alice, new NewMessage({}), (e) => e.message.message === 'from the control API');
  await api.sendMessage('@bob_interop', '9996620001', 'from the control API');
  const event = await received;
  assert.equal(String(event.message.senderId), String(bobMe.id));
  const replied = nextEvent(bob, new NewMessage({}), (e) => e.message.message === 'reply');
  await event.message.reply({ message: 'reply' });
  await replied;
});

test('the same random_id sent twice makes one message', async () => {
  const peer = await alice.getInputEntity('bob_interop');
  const before = (await api.received('bob_interop')).length;
  const randomId = BigInt(Date.now()) * 1000n + 7n;
  const first = await alice.invoke(new Api.messages.SendMessage({ peer, message: 'only once', randomId }));
  const second = await alice.invoke(new Api.messages.SendMessage({ peer, message: 'only once', randomId }));
  assert.ok(first instanceof Api.UpdateShortSentMessage);
  assert.equal(second.id, first.id);
  assert.equal(second.pts, first.pts);
  const after = await api.received('bob_interop');
  assert.equal(after.length, before + 1);
});

test('edits, read receipts and deletions arrive as updates', async () => {
  const sent = await alice.sendMessage('bob_interop', { message: 'to be edited' });
  const edited = nextEvent(bob, new Raw({ types: [Api.UpdateEditMessage] }));
  await alice.editMessage('bob_interop', { message: sent.id, text: 'edited' });
  assert.equal((await edited).message.message, 'edited');

  const readReceipt = nextEvent(alice, new Raw({ types: [Api.UpdateReadHistoryOutbox] }));
  await bob.markAsRead(aliceMe.id);
  assert.ok((await readReceipt).maxId >= sent.id);

  const deleted = nextEvent(bob, new Raw({ types: [Api.UpdateDeleteMessages] }));
  await alice.deleteMessages('bob_interop', [sent.id], { revoke: true });
  assert.equal((await deleted).messages.length, 1);
});

test('a client that was offline sees the messages it missed (history, dialogs, updates.getDifference)', async () => {
  const state = await bob.invoke(new Api.updates.GetState());
  await bob.disconnect();
  for (let i = 1; i <= 3; i++) await alice.sendMessage('bob_interop', { message: `missed ${i}` });
  await api.sendMessage('9996620001', 'bob_interop', 'missed 4');
  await bob.connect();

  const history = await bob.getMessages(aliceMe.id, { limit: 10 });
  const texts = history.map((m) => m.message);
  for (const text of ['missed 1', 'missed 2', 'missed 3', 'missed 4']) assert.ok(texts.includes(text), `history has ${text}: ${texts}`);
  assert.equal(texts[0], 'missed 4', 'newest first');

  const dialogs = await bob.getDialogs({});
  const withAlice = dialogs.find((d) => String(d.id) === String(aliceMe.id));
  assert.ok(withAlice, 'a dialog with alice');
  assert.equal(withAlice.message.message, 'missed 4');
  assert.ok(withAlice.unreadCount >= 4);

  const difference = await bob.invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: state.qts }));
  assert.ok(difference instanceof Api.updates.Difference, difference.className);
  assert.deepEqual(difference.newMessages.map((m) => m.message), ['missed 1', 'missed 2', 'missed 3', 'missed 4']);
  assert.equal(difference.state.pts, state.pts + 4);
  assert.ok(difference.users.some((u) => String(u.id) === String(aliceMe.id)));
  const empty = await bob.invoke(new Api.updates.GetDifference({ pts: difference.state.pts, date: difference.state.date, qts: 0 }));
  assert.ok(empty instanceof Api.updates.DifferenceEmpty);
});

test('a difference larger than the slice size comes as differenceSlice with an intermediate state', async () => {
  const state = await bob.invoke(new Api.updates.GetState());
  for (let i = 0; i < 105; i++) await api.sendMessage('9996620001', 'bob_interop', `bulk ${i}`);
  const slice = await bob.invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: 0 }));
  assert.ok(slice instanceof Api.updates.DifferenceSlice, slice.className);
  assert.equal(slice.newMessages.length, 100);
  assert.equal(slice.intermediateState.pts, state.pts + 100);
  const rest = await bob.invoke(new Api.updates.GetDifference({ pts: slice.intermediateState.pts, date: slice.intermediateState.date, qts: 0 }));
  assert.ok(rest instanceof Api.updates.Difference, rest.className);
  assert.deepEqual(rest.newMessages.map((m) => m.message), ['bulk 100', 'bulk 101', 'bulk 102', 'bulk 103', 'bulk 104']);
});

test('revoking a user\'s sessions through the control API makes the next call fail with a 401', async () => {
  const carol = createClient(emulator);
  try {
    await login(carol, { phone: '9996620003', code: '22222' });
    assert.equal((await api.revoke('9996620003')).revoked, 1);
    await carol.connect().catch(() => {});
    await assert.rejects(carol.invoke(new Api.updates.GetState()), (err) => {
      assert.equal(err.code, 401);
      assert.equal(err.errorMessage, 'SESSION_REVOKED');
      return true;
    });
  } finally {
    await carol.destroy();
  }
});

test('an injected flood wait reaches GramJS as FLOOD_WAIT_X, then calls succeed again', async () => {
  await api.flood({ method: 'contacts.resolveUsername', seconds: 120, count: 1, phone: '9996620001' });
  await assert.rejects(alice.invoke(new Api.contacts.ResolveUsername({ username: 'bob_interop' })), (err) => {
    assert.equal(err.code, 420);
    assert.equal(err.seconds, 120);
    return true;
  });
  const resolved = await alice.invoke(new Api.contacts.ResolveUsername({ username: 'bob_interop' }));
  assert.equal(String(resolved.users[0].id), String(bobMe.id));
});
