extern alias service;

using EventIds = service::Channel.Service.Runtime.EventIds;
using TelegramAccountId = Channel.Domain.Accounts.TelegramAccountId;

namespace Channel.Service.Tests.Runtime;

public sealed class EventIdsTests
{
    private static readonly TelegramAccountId Account = new(Guid.Parse("0b8f6a8e-1f0e-4c55-9d61-93b7f0c3d2a1"));

    [Fact]
    public void Create_RfcDnsExample_MatchesTheKnownAnswer()
    {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        var dns = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"), EventIds.Create(dns, "www.example.com"));
    }

    [Fact]
    public void ForMessage_SameFact_SameVersion5Id()
    {
        var first = EventIds.ForMessage(Account, "user", 42, 7);
        var again = EventIds.ForMessage(Account, "user", 42, 7);

        Assert.Equal(first, again);
        Assert.Equal(5, EventIds.VersionOf(first));
    }

    [Fact]
    public void ForMessage_AnyPartDiffers_DifferentId()
    {
        var id = EventIds.ForMessage(Account, "user", 42, 7);

        Assert.NotEqual(id, EventIds.ForMessage(Account, "user", 42, 8));
        Assert.NotEqual(id, EventIds.ForMessage(Account, "group", 42, 7));
        Assert.NotEqual(id, EventIds.ForMessage(Account, "user", 43, 7));
        Assert.NotEqual(id, EventIds.ForMessage(new TelegramAccountId(Guid.NewGuid()), "user", 42, 7));
        Assert.NotEqual(id, EventIds.ForEdit(Account, "user", 42, 7, 1_700_000_000));
    }

    [Fact]
    public void ForDeletion_ThousandsOfIds_DoesNotOverflowTheStack()
    {
        var ids = Enumerable.Range(1, 20_000).ToArray();

        Assert.Equal(EventIds.ForDeletion(Account, null, ids), EventIds.ForDeletion(Account, null, ids));
    }
}
