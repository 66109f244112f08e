using System.Text.Json;
using Channel.MTProto.Emulator.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Channel.MTProto.Emulator.Control;

/// <summary>Routes for supergroups and broadcast channels (creation and posting share /chats and /messages).</summary>
internal sealed partial class ControlApi
{
    private static void MapChannelRoutes(WebApplication app, EmulatorWorld world)
    {
        app.MapGet("/chats/{id:long}/messages", (long id) => Handle(() => Results.Json(world.ChannelMessages(id))));

        app.MapPost("/chats/{id:long}/invite", (long id, HttpRequest request) => HandleAsync<InviteRequest>(request, body =>
            Results.Json(world.InviteToChannel(id, Reference(body.Inviter, "inviter"),
                (body.Users ?? throw Invalid("users is required.")).Select(u => Reference(u, "users")).ToArray()))));

        app.MapPost("/chats/{id:long}/migrate", (long id, HttpRequest request) => HandleAsync<ChatUserRequest>(request, body =>
            Results.Json(world.MigrateChat(id, Reference(body.User, "user")), statusCode: StatusCodes.Status201Created)));

        app.MapPost("/chats/{id:long}/difference-too-long", (long id, HttpRequest request) => HandleAsync<ChatUserRequest>(request, body =>
        {
            world.ForceChannelDifferenceTooLong(id, body.User is null ? null : Reference(body.User, "user"));
            return Results.Json(new PushedResponse(0));
        }));

        app.MapPost("/chats/{id:long}/channel-too-long", (long id, HttpRequest request) => HandleAsync<ChatUserRequest>(request, body =>
            Results.Json(new PushedResponse(world.ForceChannelTooLong(id, Reference(body.User, "user"), body.Pts)))));
    }

    private sealed class InviteRequest
    {
        public JsonElement? Inviter { get; set; }

        public JsonElement[]? Users { get; set; }
    }

    private sealed class ChatUserRequest
    {
        public JsonElement? User { get; set; }

        public int? Pts { get; set; }
    }
}
