using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Tests.Tl;

public sealed class TlRoundTripTests
{
    // api.tl layer 198 has 2,090 combinators with ids besides `vector`; boolFalse, boolTrue and true map to bool.
    private const int ApiCombinators = 2087;

    // mtproto.tl: 50 combinators with ids (the TLS hello description has none).
    private const int MtCombinators = 50;

    [Fact]
    public void ConstructorTables_CoverTheWholeSchema_CountsMatch()
    {
        Assert.Equal(ApiCombinators, ApiSchema.ConstructorCount);
        Assert.Equal(ApiCombinators, ApiSchema.Constructors.Count);
        Assert.Equal(MtCombinators, MtSchema.Constructors.Count);
        Assert.Equal(198, ApiSchema.Layer);
    }

    [Fact]
    public void ConstructorIds_AcrossBothSchemas_AreUnique()
    {
        var duplicates = TlObjectFiller.AllConstructors.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.Empty(duplicates);
        Assert.DoesNotContain(TlObjectFiller.AllConstructors, c => c.Id is TlServiceMessages.GzipPackedId or TlServiceMessages.RpcResultId
            or TlServiceMessages.MsgContainerId or TlServiceMessages.VectorId);
    }

    [Fact]
    public void RoundTrip_EveryConstructorWithAllFieldsSet_BytesAreStable() => AssertRoundTripForAll(fillOptional: true, seed: 198);

    [Fact]
    public void RoundTrip_EveryConstructorWithOptionalFieldsEmpty_BytesAreStable() => AssertRoundTripForAll(fillOptional: false, seed: 2026);

    private static void AssertRoundTripForAll(bool fillOptional, int seed)
    {
        var filler = new TlObjectFiller(seed, fillOptional);
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var constructor in TlObjectFiller.AllConstructors)
        {
            try
            {
                var original = filler.Create(constructor.ClrType);
                Assert.Equal(constructor.Id, original.ConstructorId);
                var bytes = TlSerializer.ToArray(original);
                var parsed = TlSerializer.Deserialize(bytes);
                Assert.Equal(original.GetType(), parsed.GetType());
                Assert.Equal(bytes, TlSerializer.ToArray(parsed));
                checkedCount++;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                failures.Add($"{constructor.TlName}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(ApiCombinators + MtCombinators, checkedCount);
    }
}
