using System.Net;
using Channel.MTProto.Client;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.Client;

/// <summary>Which help.getConfig dc_options the client uses for a DC, and in what order beside the configured addresses.</summary>
public sealed class DcAddressBookTests
{
    private static readonly DcOptionBase[] RealLikeOptions =
    [
        new DcOption { Id = 4, Ipv6 = true, IpAddress = "2001:67c:4e8:f004::a", Port = 443 },
        new DcOption { Id = 4, IpAddress = "149.154.167.91", Port = 443 },
        new DcOption { Id = 4, MediaOnly = true, IpAddress = "149.154.164.250", Port = 443 },
        new DcOption { Id = 4, Cdn = true, IpAddress = "149.154.167.99", Port = 443 },
        new DcOption { Id = 4, TcpoOnly = true, IpAddress = "149.154.167.98", Port = 80 },
        new DcOption { Id = 4, MediaOnly = true, Ipv6 = true, IpAddress = "2001:67c:4e8:f004::b", Port = 443 },
        new DcOption { Id = 5, IpAddress = "91.108.56.130", Port = 443 },
        new DcOption { Id = 5, IpAddress = "not an address", Port = 443 },
        new DcOption { Id = 5, IpAddress = "91.108.56.131", Port = 0 },
        new DcOption { Id = 7, Cdn = true, IpAddress = "91.108.56.200", Port = 443 },
    ];

    [Fact]
    public void GetEndPoints_General_Ipv4BeforeIpv6_NoCdnNoTcpoOnlyNoMediaOnly()
    {
        var book = new DcAddressBook(new Dictionary<int, IReadOnlyList<string>> { [2] = ["127.0.0.1:2002"] });
        book.Merge(RealLikeOptions);

        Assert.Equal(
            [IPEndPoint.Parse("149.154.167.91:443"), IPEndPoint.Parse("[2001:67c:4e8:f004::a]:443")],
            book.GetEndPoints(4, forMedia: false));
        Assert.Equal([IPEndPoint.Parse("91.108.56.130:443")], book.GetEndPoints(5, forMedia: false));
        Assert.Empty(book.GetEndPoints(7, forMedia: false));
        Assert.Empty(book.GetEndPoints(7, forMedia: true));
    }

    [Fact]
    public void GetEndPoints_Media_MediaOnlyFirstThenGeneral()
    {
        var book = new DcAddressBook(new Dictionary<int, IReadOnlyList<string>> { [2] = ["127.0.0.1:2002"] });
        book.Merge(RealLikeOptions);

        Assert.Equal(
            [
                IPEndPoint.Parse("149.154.164.250:443"), IPEndPoint.Parse("[2001:67c:4e8:f004::b]:443"),
                IPEndPoint.Parse("149.154.167.91:443"), IPEndPoint.Parse("[2001:67c:4e8:f004::a]:443"),
            ],
            book.GetEndPoints(4, forMedia: true));
    }

    [Fact]
    public void GetEndPoints_ConfiguredDc_ConfiguredAddressesFirst()
    {
        var book = new DcAddressBook(new Dictionary<int, IReadOnlyList<string>> { [4] = ["127.0.0.1:2004"] });
        book.Merge(RealLikeOptions);

        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2004"), book.GetEndPoints(4, forMedia: false)[0]);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:2004"), book.GetEndPoints(4, forMedia: true)[0]);
        Assert.Equal(3, book.GetEndPoints(4, forMedia: false).Count);
    }

    [Fact]
    public void GetEndPoints_UnknownDc_EmptyUntilMerged_AndALaterConfigReplacesWhatItLists()
    {
        var book = new DcAddressBook(new Dictionary<int, IReadOnlyList<string>> { [2] = ["127.0.0.1:2002"] });
        Assert.Empty(book.GetEndPoints(4, forMedia: false));

        book.Merge(RealLikeOptions);
        book.Merge([new DcOption { Id = 4, IpAddress = "10.0.0.4", Port = 443 }]);

        Assert.Equal([IPEndPoint.Parse("10.0.0.4:443")], book.GetEndPoints(4, forMedia: true));
        Assert.Equal([IPEndPoint.Parse("91.108.56.130:443")], book.GetEndPoints(5, forMedia: false));
        Assert.Equal(2, book.FirstConfiguredDcId);
    }
}
