using System.Globalization;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>Many accounts connected at once (a correctness check, not timed): each gets its own pushes, and a group
/// of all of them reaches every member.</summary>
public sealed class ScaleTests
{
    private const int Users = 200;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoHundredConnectedUsers_EachReceivesItsPrivateAndGroupPushes()
    {
        await using var host = await WorldTestHost.StartAsync();
        var phones = Enumerable.Range(0, Users).Select(i => "99966" + (30000 + i).ToString(CultureInfo.InvariantCulture)).ToArray();
        var clients = new MTProtoClient[Users];
        await Parallel.ForEachAsync(Enumerable.Range(0, Users), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (i, _) => clients[i] = (await host.LoginAsync(phones[i])).Client);
        host.World.CreateUser(new NewUser("9996639999", "Sender"));
        var group = host.World.CreateGroup("Everyone", phones);

        for (var i = 0; i < Users; i++)
        {
            host.World.SendMessage("9996639999", phones[i], "for " + phones[i]);
        }

        host.World.SendChatMessage(phones[0], group.Id, "to all");

        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var own = Assert.IsType<UpdatesConstructor>(await client.Updates.ReadAsync(Ct));
            Assert.Equal("for " + phones[i], ((Message)((UpdateNewMessage)own.Updates[0]).Message).MessageValue);
            var groupPush = Assert.IsType<UpdatesConstructor>(await client.Updates.ReadAsync(Ct));
            var message = (Message)((UpdateNewMessage)groupPush.Updates[0]).Message;
            Assert.Equal((group.Id, "to all"), (((PeerChat)message.PeerId).ChatId, message.MessageValue));
        }));
        Assert.All(phones, phone => Assert.Single(host.World.Connections(phone)));
    }
}
