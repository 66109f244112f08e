using System.Net;
using System.Text.Json;
using Channel.MTProto.Emulator.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Emulator.Control;

/// <summary>
/// The sandbox's HTTP+JSON control API on loopback (Kestrel minimal API): create users, read login codes, send
/// messages as a user, list received messages, revoke sessions, inject flood waits and other rpc_errors, drop connections. Every route
/// and its errors are documented in the emulator README. Errors are <c>{"error": "..."}</c> with 400 (invalid input),
/// 404 (unknown user / no code) or 409 (phone or username taken).
/// </summary>
internal sealed partial class ControlApi : IAsyncDisposable
{
    /// <summary>The largest request body: room for a 32 MiB file in base64.</summary>
    private const long MaxRequestBodyBytes = 48L * 1024 * 1024;

    private readonly WebApplication _app;

    private ControlApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ControlApi> StartAsync(TelegramEmulator emulator, IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);

            // POST /messages carries files as base64: a 20 MiB file is about 28 MB of JSON.
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
        var app = builder.Build();
        MapRoutes(app, emulator);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlApi(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void MapRoutes(WebApplication app, TelegramEmulator emulator)
    {
        var world = emulator.World;
        app.MapGet("/health", () => Results.Json(new HealthResponse("ok", emulator.MainDcId,
            emulator.Dcs.Select(dc => new HealthDc(dc.Key, dc.Value.ToString())).ToArray(), emulator.ConnectionCount)));

        app.MapGet("/users", () => Results.Json(world.Users()));

        app.MapPost("/users", (HttpRequest request) => HandleAsync<CreateUserRequest>(request, body =>
        {
            var user = world.CreateUser(new NewUser(
                Required(body.Phone, "phone"), Required(body.FirstName, "firstName"),
                body.LastName, body.Username, body.Password, body.PasswordHint, body.DcId));
            return Results.Json(user, statusCode: StatusCodes.Status201Created);
        }));

        app.MapGet("/users/{user}", (string user) => Handle(() => Results.Json(world.GetUser(user))));

        app.MapGet("/users/{user}/code", (string user) => Handle(() =>
            world.LastCode(user) is { } code
                ? Results.Json(new CodeResponse(code))
                : Error(StatusCodes.Status404NotFound, "no login code has been sent to this phone.")));

        app.MapGet("/users/{user}/messages", (string user) => Handle(() => Results.Json(world.ReceivedMessages(user))));

        app.MapPost("/users/{user}/block", (string user, HttpRequest request) => HandleAsync<BlockRequest>(request, body =>
        {
            world.Block(user, Reference(body.User, "user"), body.Blocked ?? true);
            return Results.Json(new BlockResponse(body.Blocked ?? true));
        }));

        app.MapGet("/users/{user}/read-outbox/{peer}", (string user, string peer) => Handle(() => Results.Json(new ReadOutboxResponse(world.ReadOutboxMaxId(user, peer)))));

        app.MapPost("/users/{user}/revoke", (string user) => Handle(() => Results.Json(new RevokeResponse(world.RevokeSessions(user)))));

        app.MapPost("/messages", (HttpRequest request) => HandleAsync<SendMessageRequest>(request, body =>
            body.Media is { } media ? SendMedia(world, body, media)
            : body.Chat is { } chat
                ? world.IsChannel(chat)
                    ? Results.Json(world.SendChannelMessage(Reference(body.From, "from"), chat, Required(body.Text, "text")), statusCode: StatusCodes.Status201Created)
                    : Results.Json(world.SendChatMessage(Reference(body.From, "from"), chat, Required(body.Text, "text")), statusCode: StatusCodes.Status201Created)
                : Results.Json(world.SendMessage(Reference(body.From, "from"), Reference(body.To, "to"), Required(body.Text, "text")), statusCode: StatusCodes.Status201Created)));

        app.MapGet("/users/{user}/messages/{id:int}/media", (string user, int id) => Handle(() =>
            world.MessageFile(user, id) is { } file
                ? Results.File(file.Content, file.MimeType, file.FileName)
                : Error(StatusCodes.Status404NotFound, "the message carries no file.")));

        app.MapPost("/faults/file-references", () =>
        {
            world.ExpireFileReferences();
            return Results.Json(new FileReferencesResponse(true));
        });

        app.MapPost("/messages/{id:int}/edit", (int id, HttpRequest request) => HandleAsync<EditRequest>(request, body =>
            Results.Json(world.EditMessage(Reference(body.User, "user"), id, Required(body.Text, "text")))));

        app.MapPost("/messages/delete", (HttpRequest request) => HandleAsync<DeleteRequest>(request, body =>
            Results.Json(new DeleteResponse(world.DeleteMessages(Reference(body.User, "user"), body.Ids ?? throw Invalid("ids is required."), body.Revoke ?? true)))));

        app.MapPost("/messages/read", (HttpRequest request) => HandleAsync<ReadRequest>(request, body =>
            Results.Json(new ReadResponse(world.MarkRead(Reference(body.User, "user"), body.Peer is null ? null : Reference(body.Peer, "peer"), body.Chat, body.MaxId ?? 0)))));

        app.MapPost("/messages/bulk", (HttpRequest request) => HandleAsync<BulkRequest>(request, async body =>
        {
            var bulk = new BulkSendRequest(
                (body.From ?? throw Invalid("from is required: a list of users.")).Select(f => Reference(f, "from")).ToArray(),
                body.To is null ? null : Reference(body.To, "to"), body.Chat, body.Count ?? throw Invalid("count is required."),
                body.RatePerSecond ?? 0, body.Text ?? "bulk", body.StampSentAt == true);
            return body.Wait == true
                ? Results.Json(await world.BulkSendAsync(bulk, request.HttpContext.RequestAborted))
                : Results.Json(world.BulkSendStatus(world.StartBulkSend(bulk)), statusCode: StatusCodes.Status202Accepted);
        }));

        app.MapGet("/messages/bulk/{id}", (string id) => world.BulkSendStatus(id) is { } progress
            ? Results.Json(progress)
            : Error(StatusCodes.Status404NotFound, "no such bulk send."));

        app.MapPost("/chats", (HttpRequest request) => HandleAsync<CreateChatRequest>(request, body =>
        {
            var kind = (body.Kind ?? "group").ToLowerInvariant();
            if (kind is not ("group" or "supergroup" or "channel"))
            {
                throw Invalid("kind must be \"group\" (basic group), \"supergroup\" or \"channel\" (broadcast).");
            }

            var members = (body.Members ?? throw Invalid("members is required.")).Select(m => Reference(m, "members")).ToArray();
            var creator = body.Creator is null ? null : Reference(body.Creator, "creator");
            var created = kind == "group"
                ? world.CreateGroup(Required(body.Title, "title"), members, creator)
                : world.CreateChannel(Required(body.Title, "title"), members, megagroup: kind == "supergroup", creator);
            return Results.Json(created, statusCode: StatusCodes.Status201Created);
        }));

        app.MapGet("/chats", () => Results.Json(world.Chats()));

        app.MapGet("/chats/{id:long}", (long id) => world.FindChat(id) is { } chat ? Results.Json(chat) : Error(StatusCodes.Status404NotFound, "no such chat."));

        MapChannelRoutes(app, world);

        app.MapGet("/users/{user}/connections", (string user) => Handle(() => Results.Json(world.Connections(user))));

        app.MapPost("/users/{user}/drop", (string user) => Handle(() => Results.Json(new DroppedResponse(world.DropConnections(user)))));

        app.MapPost("/users/{user}/updates-too-long", (string user) => Handle(() => Results.Json(new PushedResponse(world.ForceUpdatesTooLong(user)))));

        app.MapPost("/users/{user}/difference-too-long", (string user) => Handle(() =>
        {
            world.ForceDifferenceTooLong(user);
            return Results.Json(new PushedResponse(0));
        }));

        app.MapGet("/users/{user}/state", (string user) => Handle(() => Results.Json(world.GetUpdateState(user))));

        app.MapPost("/faults/flood", (HttpRequest request) => HandleAsync<FloodRequest>(request, body =>
        {
            var method = Required(body.Method, "method");
            var seconds = body.Seconds ?? throw Invalid("seconds is required.");
            var count = body.Count ?? 1;
            world.InjectFlood(method, seconds, count, body.Phone);
            return Results.Json(new FloodResponse(method, seconds, count, body.Phone is not null));
        }));

        app.MapPost("/faults/error", (HttpRequest request) => HandleAsync<ErrorRequest>(request, body =>
        {
            var method = Required(body.Method, "method");
            var error = Required(body.Error, "error");
            var code = body.Code ?? throw Invalid("code is required.");
            var count = body.Count ?? 1;
            world.InjectError(method, code, error, count, body.Phone);
            return Results.Json(new ErrorInjectedResponse(method, code, error, count, body.Phone is not null));
        }));

        app.MapPost("/faults/drop", (HttpRequest request) => HandleAsync<DropRequest>(request, body =>
        {
            if (body.DcId is { } dcId && !emulator.Dcs.ContainsKey(dcId))
            {
                throw Invalid($"dcId {dcId} is not one of this emulator's DCs.");
            }

            emulator.Faults.DropConnections(body.DcId);
            return Results.Json(new DropResponse(body.DcId));
        }));
    }

    private static IResult SendMedia(EmulatorWorld world, SendMessageRequest body, MediaRequest media)
    {
        var kind = EmulatorWorld.ParseMediaKind(media.Kind);
        var attached = new NewMedia(kind, media.Base64, media.FileName, media.MimeType, media.Dc, media.DurationSeconds,
            media.Latitude, media.Longitude, media.Phone, media.FirstName, media.LastName);
        return body.Chat is { } chat
            ? world.IsChannel(chat)
                ? Results.Json(world.SendChannelMedia(Reference(body.From, "from"), chat, body.Text, attached), statusCode: StatusCodes.Status201Created)
                : Results.Json(world.SendChatMedia(Reference(body.From, "from"), chat, body.Text, attached), statusCode: StatusCodes.Status201Created)
            : Results.Json(world.SendMedia(Reference(body.From, "from"), Reference(body.To, "to"), body.Text, attached), statusCode: StatusCodes.Status201Created);
    }

    private static IResult Handle(Func<IResult> action) => HandleCore(() => Task.FromResult(action())).GetAwaiter().GetResult();

    private static async Task<IResult> HandleCore(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (EmulatorWorldException ex)
        {
            return Error(ex.Error switch
            {
                EmulatorWorldError.NotFound => StatusCodes.Status404NotFound,
                EmulatorWorldError.Conflict => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            }, ex.Message);
        }
    }

    /// <summary>Reads a JSON body (an empty body reads as an empty object) and runs the action on it.</summary>
    private static Task<IResult> HandleAsync<TBody>(HttpRequest request, Func<TBody, IResult> action)
        where TBody : new()
        => HandleAsync<TBody>(request, body => Task.FromResult(action(body)));

    private static async Task<IResult> HandleAsync<TBody>(HttpRequest request, Func<TBody, Task<IResult>> action)
        where TBody : new()
    {
        TBody body;
        try
        {
            body = request.ContentLength == 0 || (request.ContentLength is null && !request.HasJsonContentType())
                ? new TBody()
                : await request.ReadFromJsonAsync<TBody>(request.HttpContext.RequestAborted) ?? new TBody();
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, "the body is not valid JSON for this route: " + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, ex.Message);
        }

        return await HandleCore(() => action(body));
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), statusCode: status);

    private static EmulatorWorldException Invalid(string message) => new(EmulatorWorldError.Invalid, message);

    private static string Required(string? value, string name)
        => string.IsNullOrWhiteSpace(value) ? throw Invalid($"{name} is required.") : value;

    /// <summary>A user reference given as a JSON number (user id) or string (id, phone or username).</summary>
    private static string Reference(JsonElement? value, string name) => value switch
    {
        { ValueKind: JsonValueKind.Number } number => number.GetRawText(),
        { ValueKind: JsonValueKind.String } text when !string.IsNullOrWhiteSpace(text.GetString()) => text.GetString()!,
        _ => throw Invalid($"{name} is required: a user id, phone or username."),
    };

    private sealed record HealthDc(int DcId, string Endpoint);

    private sealed record HealthResponse(string Status, int MainDcId, HealthDc[] Dcs, int Connections);

    private sealed record CodeResponse(string Code);

    private sealed record RevokeResponse(int Revoked);

    private sealed record FloodResponse(string Method, int Seconds, int Count, bool PerUser);

    private sealed record ErrorInjectedResponse(string Method, int Code, string Error, int Count, bool PerUser);

    private sealed record DropResponse(int? DcId);

    private sealed record DroppedResponse(int Dropped);

    private sealed record PushedResponse(int Sessions);

    private sealed record DeleteResponse(int Deleted);

    private sealed record ReadResponse(int Pts);

    private sealed record BlockResponse(bool Blocked);

    private sealed record ReadOutboxResponse(int MaxId);

    private sealed class BlockRequest
    {
        public JsonElement? User { get; set; }

        public bool? Blocked { get; set; }
    }

    private sealed class EditRequest
    {
        public JsonElement? User { get; set; }

        public string? Text { get; set; }
    }

    private sealed class DeleteRequest
    {
        public JsonElement? User { get; set; }

        public int[]? Ids { get; set; }

        public bool? Revoke { get; set; }
    }

    private sealed class ReadRequest
    {
        public JsonElement? User { get; set; }

        public JsonElement? Peer { get; set; }

        public long? Chat { get; set; }

        public int? MaxId { get; set; }
    }

    private sealed class BulkRequest
    {
        public JsonElement[]? From { get; set; }

        public JsonElement? To { get; set; }

        public long? Chat { get; set; }

        public int? Count { get; set; }

        public double? RatePerSecond { get; set; }

        public string? Text { get; set; }

        public bool? Wait { get; set; }

        public bool? StampSentAt { get; set; }
    }

    private sealed class CreateChatRequest
    {
        public string? Kind { get; set; }

        public string? Title { get; set; }

        public JsonElement[]? Members { get; set; }

        public JsonElement? Creator { get; set; }
    }

    private sealed record ErrorResponse(string Error);

    private sealed class CreateUserRequest
    {
        public string? Phone { get; set; }

        public string? FirstName { get; set; }

        public string? LastName { get; set; }

        public string? Username { get; set; }

        public string? Password { get; set; }

        public string? PasswordHint { get; set; }

        public int? DcId { get; set; }
    }

    private sealed class SendMessageRequest
    {
        public JsonElement? From { get; set; }

        public JsonElement? To { get; set; }

        public long? Chat { get; set; }

        public string? Text { get; set; }

        public MediaRequest? Media { get; set; }
    }

    /// <summary>The "media" of POST /messages; base64 is decoded by the JSON reader (invalid base64: 400).</summary>
    private sealed class MediaRequest
    {
        public string? Kind { get; set; }

        public string? FileName { get; set; }

        public string? MimeType { get; set; }

        public byte[]? Base64 { get; set; }

        public int? Dc { get; set; }

        public int? DurationSeconds { get; set; }

        public double? Latitude { get; set; }

        public double? Longitude { get; set; }

        public string? Phone { get; set; }

        public string? FirstName { get; set; }

        public string? LastName { get; set; }
    }

    private sealed record FileReferencesResponse(bool Expired);

    private sealed class FloodRequest
    {
        public string? Method { get; set; }

        public int? Seconds { get; set; }

        public int? Count { get; set; }

        public string? Phone { get; set; }
    }

    private sealed class ErrorRequest
    {
        public string? Method { get; set; }

        public int? Code { get; set; }

        public string? Error { get; set; }

        public int? Count { get; set; }

        public string? Phone { get; set; }
    }

    private sealed class DropRequest
    {
        public int? DcId { get; set; }
    }
}
