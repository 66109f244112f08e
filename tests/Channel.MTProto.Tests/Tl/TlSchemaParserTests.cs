using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using Channel.MTProto.Generator;

namespace Channel.MTProto.Tests.Tl;

public sealed partial class TlSchemaParserTests
{
    [Fact]
    public void Parse_FlagsAndConditionalFields_AreModelled()
    {
        const string Schema = """
            // LAYER 7
            user#4b46c37e flags:# self:flags.10?true flags2:# id:long username:flags.3?string usernames:flags2.0?Vector<Username> = User;
            """;

        var model = TlSchemaParser.Parse(Schema);

        Assert.Empty(model.Errors);
        Assert.Equal(7, model.Layer);
        var user = Assert.Single(model.Combinators);
        Assert.Equal(0x4b46c37eu, user.Id);
        Assert.False(user.IsFunction);
        Assert.Equal(["flags", "self", "flags2", "id", "username", "usernames"], user.Parameters.Select(p => p.Name));
        Assert.True(user.Parameters[0].IsFlagsField);
        Assert.Equal(("flags", 10), (user.Parameters[1].ConditionField, user.Parameters[1].ConditionBit));
        Assert.Equal("true", user.Parameters[1].Type!.Name);
        Assert.Equal(("flags2", 0), (user.Parameters[5].ConditionField, user.Parameters[5].ConditionBit));
        Assert.Equal("Vector", user.Parameters[5].Type!.Name);
        Assert.Equal("Username", user.Parameters[5].Type!.Argument!.Name);
    }

    [Fact]
    public void Parse_SectionsGenericsAndBareTypes_AreModelled()
    {
        const string Schema = """
            future_salt#0949d9dc valid_since:int valid_until:int salt:long = FutureSalt;
            future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> = FutureSalts;
            tlsBlockRandom length:int = TlsBlock;
            vector#1cb5c415 {t:Type} # [ t ] = Vector t;
            ---functions---
            invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
            ---types---
            msg_copy#e06046b2 orig_message:%Message = MessageCopy;
            """;

        var model = TlSchemaParser.Parse(Schema);

        Assert.Empty(model.Errors);
        Assert.Equal(["future_salt", "future_salts", "invokeWithLayer", "msg_copy"], model.Combinators.Select(c => c.FullName));
        var salts = model.Combinators[1].Parameters[2].Type!;
        Assert.Equal(("vector", "future_salt"), (salts.Name, salts.Argument!.Name));
        var invoke = model.Combinators[2];
        Assert.True(invoke.IsFunction);
        Assert.Equal("X", invoke.GenericParameter);
        Assert.True(invoke.Parameters[1].Type!.IsGenericQuery);
        Assert.False(model.Combinators[3].IsFunction);
        Assert.True(model.Combinators[3].Parameters[0].Type!.PercentBare);
    }

    [Fact]
    public void Parse_MalformedLine_ReportsErrorWithLine()
    {
        var model = TlSchemaParser.Parse("ok#1 = Ok;\nbroken#zz a:int = Broken;\nno_semicolon#2 = X");

        Assert.Single(model.Combinators);
        Assert.Equal([2, 3], model.Errors.Select(e => e.Line));
    }

    /// <summary>
    /// Constructor ids are taken from the file; this checks they are the layer's: each is the CRC32 of the
    /// definition normalised the way Telegram computes it (no id, bytes → string, no <c>?true</c> flags,
    /// no braces, <c>Vector&lt;T&gt;</c> → <c>Vector T</c>).
    /// </summary>
    [Fact]
    public void ApiSchema_EveryId_IsCrc32OfNormalisedDefinition()
    {
        var mismatches = new List<string>();
        var checkedCount = 0;
        foreach (var line in File.ReadLines(SchemaPath("api.tl")))
        {
            var match = DefinitionPattern().Match(line.Trim());
            if (!match.Success || match.Groups["name"].Value == "vector")
            {
                continue;
            }

            var normalised = (match.Groups["name"].Value + match.Groups["rest"].Value)
                .Replace(":bytes ", ":string ", StringComparison.Ordinal).Replace("?bytes ", "?string ", StringComparison.Ordinal)
                .Replace("<", " ", StringComparison.Ordinal).Replace(">", string.Empty, StringComparison.Ordinal)
                .Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal);
            normalised = TrueFlagPattern().Replace(normalised, string.Empty);
            var crc = Crc32.HashToUInt32(Encoding.ASCII.GetBytes(normalised));
            if (crc != Convert.ToUInt32(match.Groups["id"].Value, 16))
            {
                mismatches.Add(match.Groups["name"].Value);
            }

            checkedCount++;
        }

        Assert.Empty(mismatches);
        Assert.Equal(2090, checkedCount);
    }

    [Fact]
    public void Parse_VendoredSchemas_HaveNoErrors()
    {
        var api = TlSchemaParser.Parse(File.ReadAllText(SchemaPath("api.tl")));
        var mt = TlSchemaParser.Parse(File.ReadAllText(SchemaPath("mtproto.tl")));

        Assert.Empty(api.Errors);
        Assert.Empty(mt.Errors);
        Assert.Equal(198, api.Layer);
        Assert.Equal(2090, api.Combinators.Count);
        Assert.Equal(50, mt.Combinators.Count);
    }

    internal static string SchemaPath(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Channel.MTProto", "Schema", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("schema not found above the test output directory", file);
    }

    [GeneratedRegex(@"^(?<name>[\w.]+)#(?<id>[0-9a-f]+)(?<rest>.*);$")]
    private static partial Regex DefinitionPattern();

    [GeneratedRegex(@" \w+:flags\d*\.\d+\?true")]
    private static partial Regex TrueFlagPattern();
}
