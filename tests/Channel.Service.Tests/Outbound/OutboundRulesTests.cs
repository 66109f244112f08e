extern alias service;

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using AccountSendLanes = service::Channel.Service.Outbound.AccountSendLanes;
using MessageEntity = Channel.Contracts.MessageEntity;
using OutboundIdentities = service::Channel.Service.Outbound.OutboundIdentities;
using OutboundOptions = service::Channel.Service.Outbound.OutboundOptions;
using OutboundOptionsValidator = service::Channel.Service.Outbound.OutboundOptionsValidator;
using OutboundPeer = service::Channel.Service.Outbound.OutboundPeer;
using OutboundRequestValidator = service::Channel.Service.Outbound.OutboundRequestValidator;
using TelegramAccountId = Channel.Domain.Accounts.TelegramAccountId;

namespace Channel.Service.Tests.Outbound;

/// <summary>The rules under the outbound use case: derived ids, request validation, the account lanes' pacing and flood hold.</summary>
public sealed class OutboundRulesTests
{
    private static readonly TelegramAccountId Account = new(Guid.Parse("7d1c1e2a-6b39-4f55-8a0e-2a4c9b0d7e11"));
    private static readonly TelegramAccountId Other = new(Guid.Parse("a3f0e6c2-1d4b-4e8a-9c77-55b1d2e3f409"));

    [Fact]
    public void RandomId_SameAccountAndKey_SameIdElseDifferent()
    {
        Assert.Equal(OutboundIdentities.RandomId(Account, "k"), OutboundIdentities.RandomId(Account, "k"));
        Assert.NotEqual(OutboundIdentities.RandomId(Account, "k"), OutboundIdentities.RandomId(Account, "k2"));
        Assert.NotEqual(OutboundIdentities.RandomId(Account, "k"), OutboundIdentities.RandomId(Other, "k"));
        Assert.NotEqual(OutboundIdentities.SentEventId(Account, "k"), OutboundIdentities.FailedEventId(Account, "k"));
    }

    [Fact]
    public void Validate_NoPeerEmptyTextEntityOutsideTextUnknownTypeLongKey_OneViolationEach()
    {
        var violations = OutboundRequestValidator.Validate(
            peer: null,
            text: " ",
            entities: [],
            replyTo: -1,
            idempotencyKey: new string('k', 129));
        Assert.Equal(["peer", "text", "reply_to_message_id", "idempotency_key"], violations.Select(v => v.Field));

        var entityViolations = OutboundRequestValidator.Validate(
            new OutboundPeer(OutboundPeer.Username, "@ada_customer"),
            "Hello",
            [new MessageEntity { Type = "bold", Offset = 3, Length = 3 }, new MessageEntity { Type = "sparkle", Offset = 0, Length = 1 }],
            replyTo: null,
            idempotencyKey: "k");
        Assert.Equal(["entities[0]", "entities[1].type"], entityViolations.Select(v => v.Field));
    }

    [Theory]
    [InlineData(OutboundPeer.UserId, "0", "peer.user_id")]
    [InlineData(OutboundPeer.ChatId, "-5", "peer.chat_id")]
    [InlineData(OutboundPeer.Username, "a b", "peer.username")]
    [InlineData(OutboundPeer.Phone, "12", "peer.phone")]
    public void Validate_MalformedPeer_NamesTheOneofField(string kind, string value, string field)
    {
        var violation = Assert.Single(OutboundRequestValidator.Validate(new OutboundPeer(kind, value), "Hi", [], null, "k"));
        Assert.Equal(field, violation.Field);
    }

    [Fact]
    public void Options_RetentionUnderOneDay_RejectedNamingTheKey()
    {
        var result = new OutboundOptionsValidator().Validate(null, new OutboundOptions { Retention = TimeSpan.FromHours(23) });
        Assert.True(result.Failed);
        Assert.Contains("Outbound:Retention", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lanes_SecondSendOfAnAccount_WaitsForTheInterval_OtherAccountsDoNot()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var lanes = new AccountSendLanes(Options.Create(new OutboundOptions { SendInterval = TimeSpan.FromSeconds(1) }), time);
        (await lanes.EnterAsync(Account, CancellationToken.None)).Dispose();

        var second = lanes.EnterAsync(Account, CancellationToken.None);
        (await lanes.EnterAsync(Other, CancellationToken.None)).Dispose();
        Assert.False(second.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        (await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Dispose();
    }

    [Fact]
    public void Lanes_FloodWait_HoldsTheAccountUntilItIsOver()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var lanes = new AccountSendLanes(Options.Create(new OutboundOptions()), time);
        lanes.FloodWait(Account, TimeSpan.FromSeconds(10));
        lanes.FloodWait(Account, TimeSpan.FromSeconds(3)); // a shorter wait does not shorten the longer one

        Assert.Equal(TimeSpan.FromSeconds(10), lanes.FloodRemaining(Account));
        Assert.Equal(TimeSpan.Zero, lanes.FloodRemaining(Other));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, lanes.FloodRemaining(Account));
    }
}
