// Issue 14: media through the emulator as GramJS (an independent client) sees it. GramJS downloads a document and a
// photo posted through the control API (client.downloadMedia) byte-identical, also a document stored on another DC
// (GramJS exports its authorization there itself), and uploads a file with sendFile (small and big parts) that the
// other side receives intact: through the control API's file fetch and through a second GramJS client's download;
// a document posted into a supergroup downloads byte-identical through channels.getMessages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { startEmulator, createClient, control, login, Api } from './harness.mjs';

const require = createRequire(import.meta.url);
const { CustomFile } = require('telegram/client/uploads');

let emulator;
let api;
let alice;
let bob;
let bobMe;

const ALICE = '9996620001';
const BOB = '15550014002';

before(async () => {
  emulator = await startEmulator(['--dcs', '2,4']);
  api = control(emulator);
  await api.createUser({ phone: BOB, firstName: 'Bob', username: 'bob_media', dcId: 2 });
  alice = createClient(emulator);
  bob = createClient(emulator);
  await login(alice, { phone: ALICE, code: '22222' });
  bobMe = await login(bob, { phone: BOB, code: (p) => api.code(p) });
});

after(async () => {
  await alice?.destroy();
  await bob?.destroy();
  await emulator?.stop();
});

/** POST /messages from Bob to Alice with the media; returns Alice's copy as GramJS fetches it. */
async function postToAlice(media, text = '') {
  const sent = await api.call('POST', '/messages', { from: BOB, to: ALICE, text, media });
  const [message] = await alice.getMessages(bobMe.id, { ids: [sent.received.id] });
  assert.ok(message, 'GramJS found the message');
  return { sent, message };
}

/** GET /users/{user}/messages/{id}/media: the bytes the emulator stored. */
async function storedBytes(user, id) {
  const response = await fetch(`${emulator.ready.control}/users/${encodeURIComponent(user)}/messages/${id}/media`);
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

test('GramJS downloads a document posted through the control API byte-identical', async () => {
  const content = randomBytes(3 * 1024 * 1024 + 12345);
  const { message } = await postToAlice({ kind: 'document', fileName: 'manual.pdf', mimeType: 'application/pdf', base64: content.toString('base64') }, 'the manual');
  assert.ok(message.media instanceof Api.MessageMediaDocument);
  assert.equal(message.message, 'the manual');
  assert.equal(message.file.name, 'manual.pdf');
  assert.equal(message.file.mimeType, 'application/pdf');
  assert.equal(Number(message.file.size), content.length);
  const downloaded = await alice.downloadMedia(message, {});
  assert.ok(Buffer.isBuffer(downloaded));
  assert.ok(downloaded.equals(content), 'the bytes GramJS downloaded are the bytes posted');
});

test('GramJS downloads a document posted into a supergroup through the control API byte-identical (channels.getMessages)', async () => {
  const chat = await api.call('POST', '/chats', { kind: 'supergroup', title: 'Files', members: [BOB, ALICE] });
  const content = randomBytes(1024 * 1024 + 4321);
  const posted = await api.call('POST', '/messages', { from: BOB, chat: chat.id, text: 'for the group', media: { kind: 'document', fileName: 'group.bin', mimeType: 'application/x-group', base64: content.toString('base64') } });
  const dialogs = await alice.invoke(new Api.messages.GetDialogs({ offsetPeer: new Api.InputPeerEmpty(), limit: 100 }));
  const entity = dialogs.chats.find((c) => String(c.id) === String(chat.id));
  assert.ok(entity instanceof Api.Channel && entity.megagroup);
  const [message] = await alice.getMessages(entity, { ids: [posted.id] });
  assert.ok(message?.media instanceof Api.MessageMediaDocument, 'the post carries the document');
  assert.equal(message.message, 'for the group');
  assert.equal(message.file.name, 'group.bin');
  const downloaded = await alice.downloadMedia(message, {});
  assert.ok(downloaded.equals(content), 'the bytes GramJS downloaded are the bytes posted');
});

test('GramJS downloads a photo posted through the control API byte-identical', async () => {
  const content = randomBytes(200_000);
  const { message } = await postToAlice({ kind: 'photo', base64: content.toString('base64') });
  assert.ok(message.media instanceof Api.MessageMediaPhoto);
  assert.ok(message.photo.sizes.length >= 1);
  const downloaded = await alice.downloadMedia(message, {});
  assert.ok(downloaded.equals(content));
});

test('GramJS downloads a document stored on another DC (it exports its authorization there)', async () => {
  const content = randomBytes(700_000);
  const { message } = await postToAlice({ kind: 'document', fileName: 'far.bin', base64: content.toString('base64'), dc: 4 });
  assert.equal(message.media.document.dcId, 4);
  const downloaded = await alice.downloadMedia(message, {});
  assert.ok(downloaded.equals(content));
});

test('a voice message posted through the control API reaches GramJS as a voice document', async () => {
  const { message } = await postToAlice({ kind: 'voice', base64: randomBytes(4000).toString('base64'), durationSeconds: 3 });
  assert.ok(message.voice, 'GramJS sees a voice note');
  assert.equal(message.media.voice, true);
});

test('a small file GramJS uploads with sendFile arrives intact on the other side', async () => {
  const content = randomBytes(300 * 1024 + 17);
  const sent = await alice.sendFile('bob_media', {
    file: new CustomFile('notes.bin', content.length, '', content),
    caption: 'notes',
    forceDocument: true,
  });
  assert.ok(sent.id > 0);
  const inbox = await api.received('bob_media');
  const copy = inbox.find((m) => m.text === 'notes');
  assert.ok(copy?.media, 'Bob received the document');
  assert.equal(copy.media.fileName, 'notes.bin');
  assert.equal(copy.media.size, content.length);
  assert.ok((await storedBytes(BOB, copy.id)).equals(content));

  const [received] = await bob.getMessages(undefined, { ids: [copy.id] });
  assert.ok((await bob.downloadMedia(received, {})).equals(content), 'Bob (GramJS) downloads the same bytes');
});

test('a big file (over 10 MiB: saveBigFilePart) GramJS uploads arrives intact', async () => {
  const content = randomBytes(11 * 1024 * 1024 + 5);
  await alice.sendFile('bob_media', {
    file: new CustomFile('big.bin', content.length, '', content),
    caption: 'big one',
    forceDocument: true,
    workers: 4,
  });
  const copy = (await api.received('bob_media')).find((m) => m.text === 'big one');
  assert.equal(copy.media.size, content.length);
  assert.ok((await storedBytes(BOB, copy.id)).equals(content));
});
