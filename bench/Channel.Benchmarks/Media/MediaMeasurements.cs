using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Channel.Benchmarks.Inbound;
using Channel.Grpc.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Channel.Benchmarks.Media;

/// <summary>
/// The media figures of docs/benchmarks.md: MiB/s through the service against the emulator (both processes, a real
/// RabbitMQ for the inbound event that carries the media id), one file and several in parallel, beside the same
/// bytes copied over plain TCP on loopback. Download: a customer posts the file through the control API; the helpdesk
/// streams it with DownloadMedia (first byte to last). Upload: UploadMedia into the service (kept in SQLite), then
/// SendMessage with it, which uploads it to Telegram and sends it; both legs are timed. Every copy is checked
/// byte-identical outside the timings.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Channel.Benchmarks -- media --size-mib 20 --parallel 10</c>.</remarks>
internal static class MediaMeasurements
{
    private const int MiB = 1024 * 1024;

    public static async Task RunAsync(string[] args)
    {
        var sizeMiB = int.Parse(InboundMeasurements.Option(args, "--size-mib", "20"), CultureInfo.InvariantCulture);
        var parallel = int.Parse(InboundMeasurements.Option(args, "--parallel", "10"), CultureInfo.InvariantCulture);
        var content = RandomNumberGenerator.GetBytes(sizeMiB * MiB);

        foreach (var streams in new[] { 1, parallel })
        {
            var copy = await LoopbackCopy.RunAsync(content, streams);
            Report($"Raw loopback TCP copy, {streams} × {sizeMiB} MiB", streams * (long)content.Length, copy, null);
        }

        await using var rig = await LoadRig.StartAsync("--Outbound:SendInterval=00:00:00", $"--Media:MaxUploadBytes={content.Length}");
        var accounts = await rig.OnboardAsync(parallel);
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Service.Channel);
        using var control = new HttpClient { BaseAddress = rig.Emulator.Control!, Timeout = TimeSpan.FromMinutes(5) };

        // Download: the first account's customer posts the file; the event names its media.
        await using var inbound = await EventConsumer.StartAsync(rig.Broker.AmqpUri, "Channel.Contracts:InboundMessageReceived", envelope: true);
        var arrived = inbound.Expect("bench-file", 1);
        await PostMediaAsync(control, accounts[0].Sender, accounts[0].Phone, "bench-file", content);
        await arrived.WaitAsync(TimeSpan.FromMinutes(2));
        var mediaId = MediaIdOf(inbound.LastBody);

        foreach (var streams in new[] { 1, parallel })
        {
            var cpu = Cpu(rig);
            var watch = Stopwatch.StartNew();
            var copies = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => DownloadAsync(messages, accounts[0].Id, mediaId)));
            watch.Stop();
            if (copies.Any(c => !c.AsSpan().SequenceEqual(content)))
            {
                throw new InvalidOperationException("A download differs from the posted file.");
            }

            Report($"DownloadMedia through the service, {streams} × {sizeMiB} MiB (one account, the same file)", streams * (long)content.Length, watch.Elapsed, Since(rig, cpu));
        }

        // Upload: each account's customer wrote first, so replies address them by user id.
        await Task.WhenAll(accounts.Skip(1).Select(a => rig.Control.SendMessageAsync(a.Sender, a.Phone, "hello")));
        var customers = await Task.WhenAll(accounts.Select(a => rig.Control.UserIdAsync(a.Sender)));
        foreach (var streams in new[] { 1, parallel })
        {
            var cpu = Cpu(rig);
            var watch = Stopwatch.StartNew();
            var legs = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => UploadAndSendAsync(messages, accounts[i], customers[i], content, $"up-{streams}-{i}")));
            watch.Stop();
            foreach (var (i, leg) in legs.Index())
            {
                var received = await control.GetFromJsonAsync<JsonElement>($"users/{accounts[i].Sender}/messages");
                var id = received.EnumerateArray().Last().GetProperty("id").GetInt32();
                var stored = await control.GetByteArrayAsync($"users/{accounts[i].Sender}/messages/{id}/media");
                if (!stored.AsSpan().SequenceEqual(content))
                {
                    throw new InvalidOperationException($"Upload {i} arrived different (message {leg.MessageId}).");
                }
            }

            var intoService = TimeSpan.FromTicks((long)legs.Average(l => l.Upload.Ticks));
            var toTelegram = TimeSpan.FromTicks((long)legs.Average(l => l.Send.Ticks));
            Report(
                $"UploadMedia + SendMessage through the service, {streams} × {sizeMiB} MiB ({streams} account(s); per file: into the service {intoService.TotalSeconds:F2} s, to Telegram and sent {toTelegram.TotalSeconds:F2} s)",
                streams * (long)content.Length, watch.Elapsed, Since(rig, cpu));
        }
    }

    private static (TimeSpan Service, TimeSpan Emulator) Cpu(LoadRig rig) => (ProcessStats.CpuTime(rig.Service.ProcessId), ProcessStats.CpuTime(rig.Emulator.ProcessId));

    private static (TimeSpan Service, TimeSpan Emulator) Since(LoadRig rig, (TimeSpan Service, TimeSpan Emulator) start)
    {
        var now = Cpu(rig);
        return (now.Service - start.Service, now.Emulator - start.Emulator);
    }

    private static void Report(string what, long bytes, TimeSpan elapsed, (TimeSpan Service, TimeSpan Emulator)? cpu) =>
        InboundMeasurements.Report($"{what}: {elapsed.TotalSeconds:F2} s = {bytes / (double)MiB / elapsed.TotalSeconds:N0} MiB/s"
            + (cpu is { } used ? $" (CPU s: service {used.Service.TotalSeconds:F1}, emulator {used.Emulator.TotalSeconds:F1})" : string.Empty));

    private static async Task PostMediaAsync(HttpClient control, string from, string to, string caption, byte[] content)
    {
        using var response = await control.PostAsJsonAsync("messages", new
        {
            from, to, text = caption,
            media = new { kind = "document", fileName = "bench.bin", mimeType = "application/octet-stream", base64 = content },
        });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /messages with media: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string MediaIdOf(byte[] envelope)
    {
        using var json = JsonDocument.Parse(envelope);
        return json.RootElement.GetProperty("message").GetProperty("media").GetProperty("mediaId").GetString()
            ?? throw new InvalidOperationException("The event carries no media id.");
    }

    private static async Task<byte[]> DownloadAsync(TelegramMessages.TelegramMessagesClient messages, string accountId, string mediaId)
    {
        using var call = messages.DownloadMedia(new DownloadMediaRequest { AccountId = accountId, MediaId = mediaId });
        using var content = new MemoryStream();
        await foreach (var part in call.ResponseStream.ReadAllAsync())
        {
            if (part.PartCase == DownloadMediaResponse.PartOneofCase.Data)
            {
                part.Data.WriteTo(content);
            }
        }

        return content.ToArray();
    }

    private static async Task<(TimeSpan Upload, TimeSpan Send, int MessageId)> UploadAndSendAsync(
        TelegramMessages.TelegramMessagesClient messages, LoadAccount account, long customer, byte[] content, string key)
    {
        var watch = Stopwatch.StartNew();
        using var call = messages.UploadMedia();
        await call.RequestStream.WriteAsync(new UploadMediaRequest { Info = new UploadInfo { AccountId = account.Id, FileName = "bench.bin", MimeType = "application/octet-stream", Size = content.Length } });
        for (var offset = 0; offset < content.Length; offset += MiB)
        {
            await call.RequestStream.WriteAsync(new UploadMediaRequest { Data = ByteString.CopyFrom(content, offset, Math.Min(MiB, content.Length - offset)) });
        }

        await call.RequestStream.CompleteAsync();
        var upload = await call;
        var uploaded = watch.Elapsed;
        var sent = await messages.SendMessageAsync(new SendMessageRequest
        {
            AccountId = account.Id, Peer = new Peer { UserId = customer }, Text = key, IdempotencyKey = key,
            Media = new AttachedMedia { UploadId = upload.UploadId, Kind = "document" },
        });
        return (uploaded, watch.Elapsed - uploaded, sent.TelegramMessageId);
    }
}
