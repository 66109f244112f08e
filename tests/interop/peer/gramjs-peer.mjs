// Driven by the C# test Channel.MTProto.Tests.Interop.GramJsPeerTests: GramJS logs in to an emulator that the C#
// test started in-process, sends a message to a user logged in with OUR client, then waits for that user's reply
// (GramJS's live NewMessage handler must fire). One JSON line per step on stdout; exit code 0 only on success.
import { createRequire } from 'node:module';
import { createClient, login, trustKey } from '../harness.mjs';

const require = createRequire(import.meta.url);
const { NewMessage } = require('telegram/events');

const config = JSON.parse(process.env.CHANNEL_PEER_CONFIG ?? '{}');
const step = (name, data = {}) => console.log(JSON.stringify({ step: name, ...data }));

const timer = setTimeout(() => { step('timeout'); process.exit(3); }, 60_000);
trustKey(config.publicKeyPem, config.fingerprint);
const client = createClient({ ready: config });
try {
  const me = await login(client, { phone: config.phone, code: config.code });
  step('logged-in', { id: me.id.toString() });

  const reply = new Promise((resolve) => {
    client.addEventHandler((event) => {
      if (event.message.message === config.expectReply) resolve(event.message);
    }, new NewMessage({}));
  });
  const peer = await client.getInputEntity(config.peerPhone);
  const sent = await client.sendMessage(peer, { message: config.text });
  step('sent', { id: sent.id });

  const message = await reply;
  step('reply-received', { id: message.id, from: message.senderId?.toString() });
  clearTimeout(timer);
  await client.destroy();
  process.exit(0);
} catch (error) {
  step('error', { message: String(error?.errorMessage ?? error?.message ?? error) });
  process.exit(2);
}
