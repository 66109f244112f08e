using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Channel.Contracts;

namespace Channel.Persistence.Outbox;

/// <summary>
/// The contracts the outbox accepts, by the name stored in <see cref="OutboxMessage.MessageType"/>, and the JSON
/// settings of <see cref="OutboxMessage.Body"/> (camelCase, like the bus envelope). Adding a contract means adding it here.
/// </summary>
public static class OutboxMessageTypes
{
    private static readonly FrozenDictionary<string, Type> ByName = new[]
    {
        typeof(InboundMessageReceived),
        typeof(MessageSentFromOtherDevice),
        typeof(InboundMessageEdited),
        typeof(InboundMessagesDeleted),
        typeof(OutboundMessagesRead),
        typeof(AccountStatusChanged),
        typeof(OutboundMessageSent),
        typeof(OutboundMessageFailed),
    }.ToFrozenDictionary(type => type.Name, StringComparer.Ordinal);

    /// <summary>camelCase, web defaults: the same shape MassTransit's serializer gives the message inside its envelope.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    public static IReadOnlyCollection<Type> All => ByName.Values;

    /// <summary>The stored name of a contract type; throws when the outbox does not know the type.</summary>
    public static string NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ByName.TryGetValue(type.Name, out var known) && known == type
            ? type.Name
            : throw new ArgumentException($"{type.FullName} is not a Channel.Contracts event the outbox publishes.", nameof(type));
    }

    public static bool TryResolve(string name, [NotNullWhen(true)] out Type? type) => ByName.TryGetValue(name, out type);
}
