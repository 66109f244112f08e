// Issue 11: GramJS as the independent judge of our short updates. After first contact the emulator pushes private
// messages as updateShortMessage and basic-group messages as updateShortChatMessage (as Telegram does); GramJS must
// parse them, turn them into NewMessage events with the right text, sender and chat, and see each message once and
// in order (a wrong pts or seq would make it drop messages or fetch them again through getDifference).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startEmulator, createClient, control, login, Api } from './harness.mjs';

const require = createRequire(import.meta.url);
const { NewMessage } = require('telegram/events');
const { Raw } = require('telegram/events/Raw');

let emulator;
let api;
let gus;
let gusMe;
let carol;
let dave;

/** Collects `count` events the handler accepts, in arrival order; rejects after `ms`. */
function collect(client, builder, count, accept = () => true, ms = 20_000) {
  return new Promise((resolve, reject) => {
    const events = [];
    const timer = setTimeout(() => { client.removeEventHandler(handler, builder); reject(new Error(`${events.length} of ${count} events arrived`)); }, ms);
    function handler(event) {
      if (!accept(event)) return;
      events.push(event);
      if (events.length === count) {
        clearTimeout(timer);
        client.removeEventHandler(handler, builder);
        resolve(events);
      }
    }
    client.addEventHandler(handler, builder);
  });
}

before(async () => {
  emulator = await startEmulator();
  api = control(emulator);
  carol = await api.createUser({ phone: '+1 555 000 3101', firstName: 'Carol', username: 'carol_short' });
  dave = await api.createUser({ phone: '+1 555 000 3102', firstName: 'Dave', username: 'dave_short' });
  gus = createClient(emulator);
  gusMe = await login(gus, { phone: '9996620301', code: '22222' });
});

after(async () => {
  await gus?.destroy();
  await emulator?.stop();
});

test('private messages after first contact arrive as updateShortMessage and GramJS shows text and sender', async () => {
  const shorts = collect(gus, new Raw({ types: [Api.UpdateShortMessage] }), 2);
  const messages = collect(gus, new NewMessage({}), 3, (e) => e.message.message.startsWith('private '));
  await api.sendMessage('carol_short', String(gusMe.id), 'private 1');
  await api.sendMessage('carol_short', String(gusMe.id), 'private 2');
  await api.sendMessage('carol_short', String(gusMe.id), 'private 3');

  const events = await messages;
  assert.deepEqual(events.map((e) => e.message.message), ['private 1', 'private 2', 'private 3']);
  for (const event of events) {
    assert.equal(String(event.message.senderId), String(carol.id));
    assert.equal(event.isPrivate, true);
    assert.equal(event.message.out, false);
  }

  const raw = await shorts;
  assert.deepEqual(raw.map((u) => u.message), ['private 2', 'private 3']);
  assert.ok(raw.every((u) => String(u.userId) === String(carol.id)));
  assert.equal(raw[1].pts, raw[0].pts + 1);
});

test('basic-group messages arrive as updateShortChatMessage after the first, with the right chat and senders', async () => {
  const chat = await api.call('POST', '/chats', { title: 'Short group', members: [String(gusMe.id), 'carol_short', 'dave_short'] });
  const shorts = collect(gus, new Raw({ types: [Api.UpdateShortChatMessage] }), 2);
  const messages = collect(gus, new NewMessage({}), 4, (e) => e.message.message.startsWith('group '));
  const stateBefore = await api.call('GET', `/users/${gusMe.id}/state`);
  await api.call('POST', '/messages', { from: 'carol_short', chat: chat.id, text: 'group 1' });
  await api.call('POST', '/messages', { from: 'carol_short', chat: chat.id, text: 'group 2' });
  await api.call('POST', '/messages', { from: 'dave_short', chat: chat.id, text: 'group 3' });
  await api.call('POST', '/messages', { from: 'dave_short', chat: chat.id, text: 'group 4' });

  const events = await messages;
  assert.deepEqual(events.map((e) => e.message.message), ['group 1', 'group 2', 'group 3', 'group 4']);
  assert.deepEqual(events.map((e) => String(e.message.senderId)), [carol.id, carol.id, dave.id, dave.id].map(String));
  for (const event of events) {
    assert.equal(event.isGroup, true);
    assert.equal(String(event.message.chatId), String(-chat.id)); // GramJS marks basic-group ids negative
  }

  const raw = await shorts;
  assert.deepEqual(raw.map((u) => [u.message, String(u.fromId), String(u.chatId)]),
    [['group 2', String(carol.id), String(chat.id)], ['group 4', String(dave.id), String(chat.id)]]);

  // Two full envelopes (each sender's first message) took the next two seq values; the short ones took none.
  const stateAfter = await api.call('GET', `/users/${gusMe.id}/state`);
  assert.equal(stateAfter.seq, stateBefore.seq + 2);
  assert.equal(stateAfter.pts, stateBefore.pts + 4);
});
