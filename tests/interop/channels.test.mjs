// Issue 14: supergroups and broadcast channels through the emulator, checked by GramJS. A supergroup made through
// the control API shows in GramJS's dialogs with its pts; GramJS reads its history, receives a live channel message
// (NewMessage) and posts into it; a channel GramJS creates itself takes an invitee; updates.getChannelDifference
// pages and answers errors as Telegram does. Any reply GramJS cannot parse fails these tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startPair, nextEvent, Api } from './harness.mjs';

const require = createRequire(import.meta.url);
const { NewMessage } = require('telegram/events');

let pair;
let emulator;
let api;
let alice;
let bob;
let aliceMe;
let bobMe;

before(async () => {
  pair = await startPair({ alicePhone: '9996620003', bobPhone: '+1 555 000 3003', bobUsername: 'bob_channels' });
  ({ emulator, api, alice, bob, aliceMe, bobMe } = pair);
});

after(async () => {
  await pair?.stop();
});

test('a supergroup from the control API: GramJS sees it in its dialogs with pts and reads its history', async () => {
  const chat = await api.call('POST', '/chats', { kind: 'supergroup', title: 'Support', members: ['15550003003', String(aliceMe.id)] });
  assert.equal(chat.kind, 'supergroup');
  assert.equal(String(chat.creatorId), String(bobMe.id));
  await api.call('POST', '/messages', { from: '@bob_channels', chat: chat.id, text: 'first in the supergroup' });
  await api.call('POST', '/messages', { from: String(aliceMe.id), chat: chat.id, text: 'second in the supergroup' });

  const dialogs = await alice.invoke(new Api.messages.GetDialogs({ offsetPeer: new Api.InputPeerEmpty(), limit: 100 }));
  const dialog = dialogs.dialogs.find((d) => d.peer instanceof Api.PeerChannel && String(d.peer.channelId) === String(chat.id));
  assert.ok(dialog, 'the supergroup is among the dialogs');
  assert.equal(dialog.pts, 3); // channelCreate, then the two messages
  const entity = dialogs.chats.find((c) => String(c.id) === String(chat.id));
  assert.ok(entity instanceof Api.Channel && entity.megagroup && !entity.broadcast);
  assert.equal(entity.title, 'Support');

  const history = [...await alice.getMessages(entity, { limit: 10 })];
  assert.deepEqual(history.map((m) => m.message ?? ''), ['second in the supergroup', 'first in the supergroup', '']);
  assert.equal(history[0].out, true);
  assert.equal(String(history[1].senderId), String(bobMe.id));
  assert.ok(history[2] instanceof Api.MessageService && history[2].action instanceof Api.MessageActionChannelCreate);
  assert.deepEqual(history.map((m) => m.id), [3, 2, 1]); // ids are the channel's own
});

test('a live supergroup message reaches GramJS (NewMessage), and GramJS posts back', async () => {
  const chat = await api.call('POST', '/chats', { kind: 'supergroup', title: 'Live', members: ['@bob_channels', String(aliceMe.id)] });
  await alice.invoke(new Api.messages.GetDialogs({ offsetPeer: new Api.InputPeerEmpty(), limit: 100 }));
  const received = nextEvent(alice, new NewMessage({}), (e) => e.message.message === 'live in the supergroup');
  await api.call('POST', '/messages', { from: '@bob_channels', chat: chat.id, text: 'live in the supergroup' });
  const event = await received;
  assert.equal(event.isGroup, true);
  assert.equal(event.isChannel, true);
  assert.equal(String(event.message.senderId), String(bobMe.id));

  const answered = nextEvent(bob, new NewMessage({}), (e) => e.message.message === 'answer from GramJS');
  await event.message.reply({ message: 'answer from GramJS' });
  const answer = await answered;
  assert.equal(answer.message.replyTo?.replyToMsgId, event.message.id);
  const stored = await api.call('GET', `/chats/${chat.id}/messages`);
  assert.equal(stored.at(-1).text, 'answer from GramJS');
});

test('a broadcast channel GramJS creates: invite, post, and a member cannot post', async () => {
  const created = await alice.invoke(new Api.channels.CreateChannel({ title: 'News', about: '', broadcast: true }));
  const channel = created.chats[0];
  assert.ok(channel instanceof Api.Channel && channel.broadcast && channel.creator);
  const bobUser = await alice.getInputEntity('bob_channels');
  await alice.invoke(new Api.channels.InviteToChannel({ channel, users: [bobUser] }));
  const received = nextEvent(bob, new NewMessage({}), (e) => e.message.message === 'news item');
  await alice.sendMessage(channel, { message: 'news item' });
  const event = await received;
  assert.equal(event.message.post, true);
  assert.equal(event.isChannel, true);
  assert.equal(event.isGroup, false);

  const full = await bob.invoke(new Api.channels.GetFullChannel({ channel: event.message.peerId.channelId }));
  assert.equal(full.fullChat.participantsCount, 2);
  await assert.rejects(() => bob.sendMessage(event.message.peerId, { message: 'not allowed' }), /CHAT_WRITE_FORBIDDEN/);
});

test('updates.getChannelDifference pages by limit, then is empty; wrong arguments get Telegram errors', async () => {
  const chat = await api.call('POST', '/chats', { kind: 'supergroup', title: 'Diff', members: ['@bob_channels', String(aliceMe.id)] });
  for (let i = 0; i < 5; i++) await api.call('POST', '/messages', { from: '@bob_channels', chat: chat.id, text: `m${i}` });
  // The control API's 64-bit access hash does not survive JSON.parse: take it from GramJS's own dialogs.
  const dialogs = await alice.invoke(new Api.messages.GetDialogs({ offsetPeer: new Api.InputPeerEmpty(), limit: 100 }));
  const entity = dialogs.chats.find((c) => String(c.id) === String(chat.id));
  const channel = new Api.InputChannel({ channelId: entity.id, accessHash: entity.accessHash });
  const filter = new Api.ChannelMessagesFilterEmpty();
  const first = await alice.invoke(new Api.updates.GetChannelDifference({ channel, filter, pts: 1, limit: 3 }));
  assert.ok(first instanceof Api.updates.ChannelDifference);
  assert.equal(first.final, false);
  assert.equal(first.pts, 4);
  assert.deepEqual(first.newMessages.map((m) => m.message), ['m0', 'm1', 'm2']);
  const second = await alice.invoke(new Api.updates.GetChannelDifference({ channel, filter, pts: first.pts, limit: 3 }));
  assert.equal(second.final, true);
  assert.deepEqual(second.newMessages.map((m) => m.message), ['m3', 'm4']);
  const empty = await alice.invoke(new Api.updates.GetChannelDifference({ channel, filter, pts: second.pts, limit: 3 }));
  assert.ok(empty instanceof Api.updates.ChannelDifferenceEmpty && empty.final && empty.timeout > 0);

  await api.call('POST', `/chats/${chat.id}/difference-too-long`, { user: String(aliceMe.id) });
  const tooLong = await alice.invoke(new Api.updates.GetChannelDifference({ channel, filter, pts: 1, limit: 3 }));
  assert.ok(tooLong instanceof Api.updates.ChannelDifferenceTooLong);
  assert.equal(tooLong.dialog.pts, 6);
  assert.deepEqual(tooLong.messages.map((m) => m.message), ['m4', 'm3', 'm2']);

  await assert.rejects(() => alice.invoke(new Api.updates.GetChannelDifference({ channel, filter, pts: 99, limit: 3 })), /PERSISTENT_TIMESTAMP_INVALID/);
  const wrongHash = new Api.InputChannel({ channelId: entity.id, accessHash: entity.accessHash.add(1) });
  await assert.rejects(() => alice.invoke(new Api.updates.GetChannelDifference({ channel: wrongHash, filter, pts: 1, limit: 3 })), /CHANNEL_INVALID/);
  const other = await bob.invoke(new Api.channels.CreateChannel({ title: 'Private', about: '', broadcast: true }));
  const foreign = new Api.InputChannel({ channelId: other.chats[0].id, accessHash: other.chats[0].accessHash });
  await assert.rejects(() => alice.invoke(new Api.updates.GetChannelDifference({ channel: foreign, filter, pts: 1, limit: 3 })), /CHANNEL_PRIVATE/);
});

test('messages.migrateChat turns a basic group into a supergroup GramJS can follow', async () => {
  const group = await api.call('POST', '/chats', { kind: 'group', title: 'Old group', members: [String(aliceMe.id), '@bob_channels'] });
  await api.call('POST', '/messages', { from: '@bob_channels', chat: group.id, text: 'before the migration' });
  const result = await alice.invoke(new Api.messages.MigrateChat({ chatId: BigInt(group.id) }));
  const channel = result.chats.find((c) => c instanceof Api.Channel);
  const old = result.chats.find((c) => c instanceof Api.Chat);
  assert.ok(channel.megagroup);
  assert.ok(old.deactivated && String(old.migratedTo.channelId) === String(channel.id));
  const oldHistory = await alice.getMessages(new Api.InputPeerChat({ chatId: BigInt(group.id) }), { limit: 5 });
  assert.ok(oldHistory[0].action instanceof Api.MessageActionChatMigrateTo);
  const newHistory = await alice.getMessages(channel, { limit: 5 });
  assert.ok(newHistory[0].action instanceof Api.MessageActionChannelMigrateFrom);
  const full = await alice.invoke(new Api.channels.GetFullChannel({ channel }));
  assert.equal(String(full.fullChat.migratedFromChatId), String(group.id));
});
