using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Channel.MTProto.Generator;

/// <summary>
/// Incremental generator: each <c>*.tl</c> AdditionalFile is parsed and emitted on its own, so editing one
/// schema regenerates only that file, and unrelated C# edits reuse the cached output (the pipeline values
/// are strings and arrays of strings, which compare by value).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class TlSourceGenerator : IIncrementalGenerator
{
    /// <summary>Name of the parse-and-emit step, for incrementality tests.</summary>
    internal const string TrackingName = "TlSchemas";

    private const string RootNamespace = "Channel.MTProto.Tl";

    private static readonly DiagnosticDescriptor SchemaError = new(
        id: "TLGEN001",
        title: "Invalid TL schema",
        messageFormat: "{0}({1}): {2}",
        category: "Channel.MTProto.Generator",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var schemas = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".tl", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) =>
            {
                var name = Path.GetFileNameWithoutExtension(file.Path);
                var text = file.GetText(cancellationToken)?.ToString() ?? string.Empty;
                var (ns, schemaClass) = Names(name);
                var result = TlCSharpEmitter.Emit(TlSchemaParser.Parse(text), ns, schemaClass);
                return new GeneratedSchema(
                    Path.GetFileName(file.Path),
                    schemaClass + ".g.cs",
                    result.Source,
                    result.Errors.Select(e => e.Line + "\n" + e.Message).ToImmutableArray());
            })
            .WithTrackingName(TrackingName);

        context.RegisterSourceOutput(schemas, static (output, schema) =>
        {
            foreach (var error in schema.Errors)
            {
                var split = error.IndexOf('\n');
                output.ReportDiagnostic(Diagnostic.Create(SchemaError, Location.None,
                    schema.FileName, error.Substring(0, split), error.Substring(split + 1)));
            }

            output.AddSource(schema.HintName, SourceText.From(schema.Source, Encoding.UTF8));
        });
    }

    /// <summary>
    /// api.tl → <c>Channel.MTProto.Tl.Api</c> / <c>ApiSchema</c>; mtproto.tl → <c>Channel.MTProto.Tl.Mt</c> /
    /// <c>MtSchema</c>; any other <c>name.tl</c> → <c>Channel.MTProto.Tl.Name</c> / <c>NameSchema</c>.
    /// </summary>
    internal static (string Namespace, string SchemaClass) Names(string fileName)
    {
        var shortName = fileName.Equals("mtproto", StringComparison.OrdinalIgnoreCase) ? "Mt" : TlTypeResolver.Pascal(fileName);
        return (RootNamespace + "." + shortName, shortName + "Schema");
    }

    private sealed class GeneratedSchema : IEquatable<GeneratedSchema>
    {
        public GeneratedSchema(string fileName, string hintName, string source, ImmutableArray<string> errors)
        {
            FileName = fileName;
            HintName = hintName;
            Source = source;
            Errors = errors;
        }

        public string FileName { get; }

        public string HintName { get; }

        public string Source { get; }

        public ImmutableArray<string> Errors { get; }

        public bool Equals(GeneratedSchema? other) =>
            other is not null && FileName == other.FileName && HintName == other.HintName && Source == other.Source
            && Errors.SequenceEqual(other.Errors);

        public override bool Equals(object? obj) => Equals(obj as GeneratedSchema);

        public override int GetHashCode() => (FileName.GetHashCode() * 31) + Source.Length;
    }
}
