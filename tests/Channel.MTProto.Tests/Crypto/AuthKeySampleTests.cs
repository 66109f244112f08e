using System.Buffers.Binary;
using System.Numerics;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

/// <summary>
/// The spec's auth-key creation sample (/mtproto/samples-auth_key, January 2024 values), replayed end to end
/// with the crypto the handshake uses on both sides.
/// </summary>
public sealed class AuthKeySampleTests
{
    private const string Nonce = "15A084B3B9CA2A17F03925F44B78FE68";
    private const string ServerNonce = "D6701FCD212CEB87C966E5318F5564A8";
    private const string NewNonce = "845FAD32D10A4C7967DA49A89FBE508AD24AA3150992B499B3B2C72CDC0F364C";

    private const string TmpAesKey = "D32E4A7F18252AE2B0406B84633E1117833ED75BDA40011D1E1700E3E08A8AE7";
    private const string TmpAesIv = "4FFC40D969D49934ED3740FF66D9179947A5E1D85C4C7F15555920C1845FAD32";

    private const string EncryptedAnswer =
        "FEF627AC3A88027BC6583F95D82E610066A87B839614EE343CD8D37F2B2C81FC964561BA164F44E4B3C39A6CC74C6E2F2687C2E5872658E4301734B3814D420C" +
        "684D94C0B93C4B335DBB346266CDAD20B3EEC91AE49B59E130EAB877FD03C07BA786DA8EFF7BDDCB773E0C4C1C7C66FE5C5A39D32A76400D71FBD2A09D5BFDF3" +
        "B3976F17C1DA7FD77349CBD97EBC5217181541F43D8DEDB3027DC3989623DCF849FF391832F409903E7620EBBF7675CEFA13CEC90570BB0EE196C5BB67DB169D" +
        "B902C1192F67D9A74B1B9782FF02FD4DB78C76117D6639A6ED87F5DEB37ED49296F2C94EA835D0988A270749C3E6D1D0B0BE88F3985D683E48F2E2AC7648175E" +
        "E72BEA1B52641C23EC8EEFBD6025516E91CCE20C25CB5159B5C9D9CA19A15DD4A44F422946B758EC4C968BDE0832E2389D5B9F3C3AC520AC58753747717F7276" +
        "A7DF3FF841A7ABD18524A3150F537471F73A9818097E82D9645A9CE38F858D510FFC79CE11D96173C22DDE2B0AE490B8CC7B10BCC7BB8879027872E724DCC648" +
        "DDF7AE6F14C3229E7D611463E513D38BE913D0D50E9D439337C0FD8D71C9EF70C602A47173D699308216C7C44C40615BF8E9806A5DFA56F4529AD70E784C1904" +
        "A9488A019A6C7AB7D822A9A6926A1916891302C1827CE54E9D8829EE079D19730DFEBA218D317EB4F22A2418EF9343DA75131FC6F37A80D5EEB93309711244AE" +
        "3A1D4CA1906F10B4F06C8F9BF547A6FEA9A8D0CC910B15E7DA9A0ACF0C2E7934F7A7DBA8EFFE4D135DBD207C609BFC3BAC89BA949DDF754879712F6B97C50A54" +
        "F560D0A75DA8A078A039F21BCA129FCB";

    /// <summary>SHA1(server_DH_inner_data) ‖ server_DH_inner_data ‖ 8 padding bytes.</summary>
    private const string AnswerWithHash =
        "ADDDF2FEB5E14F93EE8D3A5181F9D89A39E4439CBA0D89B515A084B3B9CA2A17F03925F44B78FE68D6701FCD212CEB87C966E5318F5564A803000000FE000100" +
        "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37" +
        "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F642477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4" +
        "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4" +
        "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B" +
        "FE0001009828B2E4CAEC188BB94216F5E2DB632A17630A21FD00C67465E741D26137C8E2B757F349D8DD1B62B601642ACB9E3B390ABF153D3A11615A128ED1D7" +
        "9379D763C14D2DF5CEF99C96945C51290C1FD82C4B482078863B2BC7022C7886C21C0F1D24814C768321C05934303E50AE22CBC83F2A3994BBC3C72E77BF10CD" +
        "B695CBD86655D1BC0A083551E59D0FBFCFA13825A182105A78DA35AF5A15C064275B6E6729049C84209B898675C9110ADCD1CBB2AAB333C05D3E9F70D05FEE7C" +
        "54EFCE927E1B40A719D04D15C7E950EB885E60AAAE990231719DBDDD84C65B2F3A606FE1F78DEA7C8FAD25C1CD7876EB6F5A46270B82D549E31EDD3C2DC2F829" +
        "70A4999CFDC0AB657607B7374780E1C0";

    private const string ClientSecretB =
        "A521C97B9D210812C56055C62FE8C3CE7FC97A75E51D4428F78F7D5F7325FCE03FF70D99039502FB75059DC40E36CF4F4D7A073937CC6DBC86AB864E7B3F26EF" +
        "E833F766856033931BC41F031507DD571FCFEBB28F1B3DF1577A90C25B95C56894AAB64C681961AC68AFA9AADF03752D0E26EADD645A02D7895B64846EB83B3D" +
        "DD458D856870CD8C0765B985C1ED50D5D802DDE67B159C899898A9B738D17802F3D50B83A868738D8502BBE33B8D7FBC3348E3E444352816FD84D300A2A8E211" +
        "7CAC0EAEC654235183187D85548791BF25ABFD1AC97EAB7FA685F67A57E7BBE47B96A99B8F34B8EB523C18AEE074EABACB6FA9A28A41F4F961F41D86B19F4EC1";

    private const string GB =
        "A0BB357C5A5FBC4EC9D8B2171C030CB68A693A8024CD9E3630BAE4CE000A14A5DBF8A40DFB322678A797ED3D591032D0A1C529BE4E76B7EBD5436E7BF7539A9A" +
        "B5A5FE9DD62F37CAE704EFE0C10DD608E5D9554F7B2F7198E99CE29A9A86CCE0FBB1491EBA269DEB6AA20C5CB2134E75E5C70A7C0E7D47EE16F87189D135EDAE" +
        "37EAD992063C11AEA4AC660CF3EBE61B6C21ADAAC2A9317120A6F4D1DA65978FA74BF94CC65A0CA2479D064906E78575049E7654D346CA576C6778F478CDB48F" +
        "CA2FD9202E6E5F95FEF623A206207AFB41619C419357B49F4F8825B37EF7E74811FBA22BDF45730F423793C5049514363232F3358BC5F60A416BDCE7D7BBFB49";

    private const string AuthKey =
        "77379866D71627E6C3635361F9681B03C9EE8A7AAB9552EF513A13315EABC18A118ED649614AE1F01DAB8F71D83341309C5999AD4889E5D9F3E911AAAD00D9DD" +
        "C24273D7B97DD92151F969242F347C8F9D5DE44E8D7E87A69C2AE1757F5ECD20AAFC586EDD34C89AC8D5B8F7C9EB33A0C7F06A69632BCEB8DE03E336E5AF0332" +
        "D4B1F52BA73FBE7A3A6FE8C2268C10B9357E5474A7CCEB0E39FE3B4A92900CD09AF3C307D8FA90CB9DA2AD35643FB0335BD0B7E6D30D1038741EB632E6A97B69" +
        "2A1F76F418AF74337D05539B59DF1D4E16B7E0C87240595DDFD26037CDB7E70DB4B6C5CAE532F49BC6974F6F46FD3CBDCD90EBB6795FD9A43421BCDF893D5C46";

    /// <summary>client_DH_inner_data (retry_id 0) as serialized.</summary>
    private const string ClientData =
        "54B6436615A084B3B9CA2A17F03925F44B78FE68D6701FCD212CEB87C966E5318F5564A80000000000000000FE000100" + GB;

    private const string ClientDataPadding = "C320374A97C7BB863CFF9F97";

    private const string ClientDhEncrypted =
        "79CA5B557095AD847C53D6308A38B62FC9A6F2356C07F298D21C9B0DB4002D90C4C0FB9C72626F9F146B4E3A81F59ED5CC6A0B4F59BC7411CDCA6BDA8C27B6C3" +
        "B6DB548F076BB6CCB6791DB116E6368C7328BA21212121446CE754EC118CF380ED0CB0D798418CE54D7F68FCAE7AF146F4F8DF31F98794FF6EE06C35DE10A865" +
        "18434A9F83CDC05FD5B151A50F63AD87D8529D7AA032498AF9C17C6F02E7EE1E8733F5752186880FA475F2977C7F00E1D8384E20613971F98EFD81A3C6BFB3B8" +
        "F97969FB39D172527961341BBFDC9D2895306365A52F2CB9087C122E53990800BD596E05AA25A5642996AFB43061178A580F21E3C47080418B4CF0B6B10FC0C7" +
        "8595D486B3A3DD401D1BF37257C2584BFD5D71A708B138A6E22F853E522696AA6D1A8532461ABAEA7935A975E3C978A7A00C792CB3ADF688D0B1480C6C016B04" +
        "CD1BC36546CD9ACABAA0C84DB571749B";

    // server_DH_inner_data#b5890dba nonce:int128 server_nonce:int128 g:int dh_prime:bytes g_a:bytes server_time:int
    private const int GOffset = 4 + 16 + 16;
    private const int PrimeOffset = GOffset + 4 + 4;
    private const int GAOffset = PrimeOffset + 256 + 4;
    private const int ServerDhInnerDataLength = GAOffset + 256 + 4;

    [Fact]
    public void DeriveTempAesKeyIv_Sample_MatchesKeyAndIv()
    {
        var key = new byte[32];
        var iv = new byte[32];

        AuthKeyDerivation.DeriveTempAesKeyIv(Hex.Bytes(NewNonce), Hex.Bytes(ServerNonce), key, iv);

        Assert.Equal(TmpAesKey, Hex.Of(key));
        Assert.Equal(TmpAesIv, Hex.Of(iv));
    }

    [Fact]
    public void AesIgeDecrypt_SampleEncryptedAnswer_GivesAnswerWithHash()
    {
        var plain = new byte[EncryptedAnswer.Length / 2];

        AesIge.Decrypt(Hex.Bytes(TmpAesKey), Hex.Bytes(TmpAesIv), Hex.Bytes(EncryptedAnswer), plain);

        Assert.Equal(AnswerWithHash, Hex.Of(plain));
    }

    [Fact]
    public void HandshakeCipherDecrypt_SampleEncryptedAnswer_ReturnsServerDhInnerDataWithoutHashOrPadding()
    {
        var inner = HandshakeCipher.Decrypt(Hex.Bytes(TmpAesKey), Hex.Bytes(TmpAesIv), Hex.Bytes(EncryptedAnswer));

        Assert.Equal(ServerDhInnerDataLength, inner.Length);
        Assert.Equal(AnswerWithHash.Substring(40, 2 * ServerDhInnerDataLength), Hex.Of(inner));
        Assert.Equal(Nonce, Hex.Of(inner.AsSpan(4, 16)));
        Assert.Equal(ServerNonce, Hex.Of(inner.AsSpan(20, 16)));
    }

    [Fact]
    public void HandshakeCipherDecrypt_CorruptedCiphertext_ThrowsSecurityException()
    {
        var encrypted = Hex.Bytes(EncryptedAnswer);
        encrypted[100] ^= 0x80;

        Assert.Throws<MTProtoSecurityException>(() =>
            HandshakeCipher.Decrypt(Hex.Bytes(TmpAesKey), Hex.Bytes(TmpAesIv), encrypted));
    }

    [Fact]
    public void ClientSide_SampleServerAnswer_ProducesExpectedGbAuthKeyAndHashes()
    {
        var inner = HandshakeCipher.Decrypt(Hex.Bytes(TmpAesKey), Hex.Bytes(TmpAesIv), Hex.Bytes(EncryptedAnswer));
        var g = BinaryPrimitives.ReadInt32LittleEndian(inner.AsSpan(GOffset));
        var prime = BigEndian.ToBigInteger(inner.AsSpan(PrimeOffset, 256));
        var gA = BigEndian.ToBigInteger(inner.AsSpan(GAOffset, 256));
        var b = BigEndian.ToBigInteger(Hex.Bytes(ClientSecretB));

        DhGroup.Validate(prime, g);
        DhExchange.ValidatePublicValue(gA, prime);
        var gB = DhExchange.ComputePublicValue(g, b, prime);
        var authKey = DhExchange.ComputeAuthKey(gA, b, prime);

        Assert.Equal(3, g);
        Assert.Equal(DhGroup.KnownPrime, prime);
        Assert.Equal(GB, Hex.Of(BigEndian.ToBytes(gB, 256)));
        Assert.Equal(AuthKey, Hex.Of(authKey));
    }

    [Fact]
    public void ServerSide_SampleClientGb_ComputesTheSameAuthKeyFromItsSide()
    {
        // The sample does not publish the server's a, so this checks the symmetric identity instead:
        // the server computes g_b^a with its a; here (g_a)^b from the client side must agree with g_b^a
        // for a secret we know, proving ComputeAuthKey is one function for both ends.
        var random = new SeededRandomSource(1);
        var (a, gA) = DhExchange.GenerateKeyPair(3, DhGroup.KnownPrime, random);
        var b = BigEndian.ToBigInteger(Hex.Bytes(ClientSecretB));
        var gB = BigEndian.ToBigInteger(Hex.Bytes(GB));

        DhExchange.ValidatePublicValue(gB, DhGroup.KnownPrime);
        Assert.Equal(
            DhExchange.ComputeAuthKey(gA, b, DhGroup.KnownPrime),
            DhExchange.ComputeAuthKey(gB, a, DhGroup.KnownPrime));
    }

    [Fact]
    public void AuthKeyDerivation_SampleAuthKey_MatchesIdHashAndSalt()
    {
        var authKey = Hex.Bytes(AuthKey);
        var idBytes = new byte[8];
        var saltBytes = new byte[8];
        var newNonceHash1 = new byte[16];

        BinaryPrimitives.WriteInt64LittleEndian(idBytes, AuthKeyDerivation.ComputeAuthKeyId(authKey));
        BinaryPrimitives.WriteInt64LittleEndian(saltBytes, AuthKeyDerivation.ComputeFirstSalt(Hex.Bytes(NewNonce), Hex.Bytes(ServerNonce)));
        AuthKeyDerivation.ComputeNewNonceHash(Hex.Bytes(NewNonce), 1, authKey, newNonceHash1);

        Assert.Equal("8AE7A271969A9B1F", Hex.Of(idBytes));
        Assert.Equal("522FB2FFF026A7FE", Hex.Of(saltBytes));
        Assert.Equal("677F483BB89FD206B244A2D1AC38CB31", Hex.Of(newNonceHash1));
    }

    [Fact]
    public void ComputeAuxHash_SampleAuthKey_IsFirstEightBytesOfSha1()
    {
        var authKey = Hex.Bytes(AuthKey);
        var expected = BinaryPrimitives.ReadInt64LittleEndian(System.Security.Cryptography.SHA1.HashData(authKey));

        Assert.Equal(expected, AuthKeyDerivation.ComputeAuxHash(authKey));
        Assert.NotEqual(AuthKeyDerivation.ComputeAuthKeyId(authKey), AuthKeyDerivation.ComputeAuxHash(authKey));
    }

    [Fact]
    public void HandshakeCipherEncrypt_SampleClientData_MatchesEncryptedClientDhParams()
    {
        var random = new FixedRandomSource(Hex.Bytes(ClientDataPadding));

        var encrypted = HandshakeCipher.Encrypt(Hex.Bytes(TmpAesKey), Hex.Bytes(TmpAesIv), Hex.Bytes(ClientData), random);

        Assert.Equal(ClientDhEncrypted, Hex.Of(encrypted));
        Assert.Equal(0, random.Remaining);
    }

    [Fact]
    public void HandshakeCipherDecrypt_SampleClientDhParams_ReturnsClientData()
    {
        // The server's side of set_client_DH_params.
        var inner = HandshakeCipher.Decrypt(Hex.Bytes(TmpAesKey), Hex.Bytes(TmpAesIv), Hex.Bytes(ClientDhEncrypted));

        Assert.Equal(ClientData, Hex.Of(inner));
        Assert.Equal(BigEndian.ToBigInteger(Hex.Bytes(GB)), new BigInteger(inner.AsSpan(48, 256), isUnsigned: true, isBigEndian: true));
    }
}
