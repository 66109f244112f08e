using System.Collections.Immutable;
using Channel.MTProto.Generator;
using Channel.MTProto.Tl;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Channel.MTProto.Tests.Tl;

public sealed class TlCSharpEmitterTests
{
    private const string Namespace = "Channel.MTProto.Tl.Sample";

    /// <summary>Exercises the naming rules: keywords, namespace collisions, a field named like its class, shared flag bits.</summary>
    private const string TrickySchema = """
        // LAYER 3
        boolFalse#bc799737 = Bool;
        boolTrue#997275b5 = Bool;
        true#3fedd339 = True;
        peer#00000001 static:int class:string object:long = Peer;
        messages.messages#00000002 messages:Vector<Peer> = messages.Messages;
        messages.slice#00000003 flags:# views:flags.0?int forwards:flags.0?int inexact:flags.1?true flags2:# peer:flags2.3?Peer = messages.Messages;
        updates#00000004 updates:Vector<Vector<Peer>> = Updates;
        updates.state#00000005 pts:int = updates.State;
        salt#00000006 value:long nonce:int128 new_nonce:int256 = Salt;
        salts#00000007 salts:vector<salt> first:%Salt ok:Bool data:bytes rate:double = Salts;
        ---functions---
        invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
        messages.getPeers#00000008 ids:Vector<long> = Vector<Peer>;
        updates.getState#00000009 = updates.State;
        messages.check#0000000a = Bool;
        """;

    [Fact]
    public void Emit_TrickySchema_CompilesAgainstTheRuntime()
    {
        var result = TlCSharpEmitter.Emit(TlSchemaParser.Parse(TrickySchema), Namespace, "SampleSchema");

        Assert.Empty(result.Errors);
        var compilation = Compile(result.Source);
        var errors = compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10)));
        string[] expectedTypes =
        [
            "PeerBase", "Peer", "Messages+MessagesBase", "Messages+MessagesConstructor", "Messages+Slice", "UpdatesBase",
            "UpdatesConstructor", "Updates+StateBase", "Updates+State", "Updates+GetState", "InvokeWithLayer", "InvokeWithLayer`1",
            "Messages+GetPeers", "Messages+Check", "SampleSchema",
        ];
        foreach (var type in expectedTypes)
        {
            Assert.True(compilation.GetTypeByMetadataName(Namespace + "." + type) is not null, type);
        }

        Assert.Null(compilation.GetTypeByMetadataName(Namespace + ".BoolBase"));
        var peer = compilation.GetTypeByMetadataName(Namespace + ".Peer")!;
        Assert.Equal(["Static", "Class", "Object"], peer.GetMembers().OfType<IPropertySymbol>().Where(p => p.SetMethod is not null).Select(p => p.Name));
        var messages = compilation.GetTypeByMetadataName(Namespace + ".Messages+MessagesConstructor")!;
        Assert.Contains(messages.GetMembers(), m => m.Name == "Messages");
    }

    [Fact]
    public void Emit_MethodResults_CarryTheResultType()
    {
        var compilation = Compile(TlCSharpEmitter.Emit(TlSchemaParser.Parse(TrickySchema), Namespace, "SampleSchema").Source);

        string ResultOf(string type) => compilation.GetTypeByMetadataName(Namespace + "." + type)!.Interfaces
            .Single(i => i.Name == "ITlMethod" && i.IsGenericType).TypeArguments[0].ToDisplayString();

        Assert.Equal("System.Collections.Generic.IReadOnlyList<Channel.MTProto.Tl.Sample.PeerBase>", ResultOf("Messages+GetPeers"));
        Assert.Equal("bool", ResultOf("Messages+Check"));
        Assert.Equal("Channel.MTProto.Tl.Sample.Updates.StateBase", ResultOf("Updates+GetState"));
        Assert.Equal("TResult", ResultOf("InvokeWithLayer`1"));
    }

    [Fact]
    public void Emit_UnknownType_ReportsError()
    {
        var result = TlCSharpEmitter.Emit(TlSchemaParser.Parse("a#00000001 b:Missing = A;"), Namespace, "SampleSchema");

        var error = Assert.Single(result.Errors);
        Assert.Contains("Missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Generator_BadSchema_ReportsDiagnostic()
    {
        var driver = CreateDriver(new InMemoryText("/x/broken.tl", "a#00000001 b:Missing = A;"));

        var result = driver.RunGenerators(BaseCompilation(), TestContext.Current.CancellationToken).GetRunResult();

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("TLGEN001", diagnostic.Id);
        Assert.Contains("broken.tl(1)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_UnrelatedCodeEdit_ReusesCachedSchemaOutput()
    {
        var driver = CreateDriver(new InMemoryText("/x/api.tl", "peer#00000001 id:long = Peer;"));
        var compilation = BaseCompilation();
        driver = driver.RunGenerators(compilation, TestContext.Current.CancellationToken);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", cancellationToken: TestContext.Current.CancellationToken));
        var result = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult();

        var step = result.Results[0].TrackedSteps[TlSourceGenerator.TrackingName];
        Assert.All(step.SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Equal("ApiSchema.g.cs", Assert.Single(result.GeneratedTrees).FilePath.Split('/', '\\')[^1]);
    }

    private static GeneratorDriver CreateDriver(AdditionalText text) => CSharpGeneratorDriver.Create(
        [new TlSourceGenerator().AsSourceGenerator()],
        additionalTexts: [text],
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static CSharpCompilation BaseCompilation() => CSharpCompilation.Create("GeneratorTest", references: References(),
        options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    private static CSharpCompilation Compile(string source) => CSharpCompilation.Create(
        "EmitterTest",
        [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), cancellationToken: TestContext.Current.CancellationToken)],
        References(),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static ImmutableArray<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. platform.Select(p => MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(typeof(TlReader).Assembly.Location)];
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
