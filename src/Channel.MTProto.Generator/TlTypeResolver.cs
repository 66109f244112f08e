using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Channel.MTProto.Generator;

internal enum TlKind
{
    Int,
    Long,
    Double,
    String,
    Bytes,
    Int128,
    Int256,
    Bool,
    True,
    Vector,
    BareVector,
    Boxed,
    BareConstructor,
    GenericQuery,
    GenericResult,
    Unknown,
}

/// <summary>A TL type reference resolved to its C# shape and the reader/writer calls that move it.</summary>
internal sealed class TlResolvedType
{
    public TlResolvedType(TlKind kind, string csType, TlResolvedType? element = null, int minSize = 4)
    {
        Kind = kind;
        CsType = csType;
        Element = element;
        MinSize = minSize;
    }

    public TlKind Kind { get; }

    /// <summary>Fully qualified C# type, non-nullable form.</summary>
    public string CsType { get; }

    public TlResolvedType? Element { get; }

    /// <summary>The fewest bytes one value takes on the wire (bounds vector counts before allocating).</summary>
    public int MinSize { get; }

    public bool IsValueType => Kind is TlKind.Int or TlKind.Long or TlKind.Double or TlKind.Int128 or TlKind.Int256
        or TlKind.Bool or TlKind.True;
}

/// <summary>
/// Maps TL names to C# names and TL type references to <see cref="TlResolvedType"/>. Naming scheme:
/// constructors and methods are PascalCase of the TL name without namespace (<c>inputPeerUser</c> →
/// <c>InputPeerUser</c>, <c>req_DH_params</c> → <c>ReqDHParams</c>); a boxed type gets the suffix <c>Base</c>
/// (<c>InputPeer</c> → <c>InputPeerBase</c>); a TL namespace becomes a nested static class
/// (<c>messages.sendMessage</c> → <c>Messages.SendMessage</c>). Where a class would share its name with its
/// enclosing namespace class (<c>messages.messages</c>) or, at the root, with a namespace class
/// (<c>updates</c> vs <c>updates.*</c>), it gets the suffix <c>Constructor</c> (or <c>Method</c>).
/// </summary>
internal sealed class TlTypeResolver
{
    private const string Runtime = "global::Channel.MTProto.Tl.";
    private readonly string _rootNamespace;
    private readonly Dictionary<string, TlCombinator> _constructorsByName = new();
    private readonly Dictionary<string, List<TlCombinator>> _constructorsByType = new();
    private readonly Dictionary<TlCombinator, string> _classNames = new();
    private readonly Dictionary<TlCombinator, int> _bareSizes = new();
    private readonly List<TlSchemaError> _errors;

    public TlTypeResolver(IEnumerable<TlCombinator> combinators, string rootNamespace, List<TlSchemaError> errors)
    {
        _rootNamespace = rootNamespace;
        _errors = errors;
        var all = combinators.ToList();
        var namespaceClasses = new HashSet<string>(all.Where(c => c.Namespace is not null).Select(c => Pascal(c.Namespace!)));
        foreach (var combinator in all)
        {
            var name = Pascal(combinator.LocalName);
            var clashes = combinator.Namespace is null ? namespaceClasses.Contains(name) : name == Pascal(combinator.Namespace);
            if (clashes)
            {
                name += combinator.IsFunction ? "Method" : "Constructor";
            }

            _classNames[combinator] = name;
            if (!combinator.IsFunction)
            {
                _constructorsByName[combinator.FullName] = combinator;
                if (!_constructorsByType.TryGetValue(combinator.Result.Name, out var list))
                {
                    _constructorsByType[combinator.Result.Name] = list = new List<TlCombinator>();
                }

                list.Add(combinator);
            }
        }
    }

    /// <summary>Boxed types (in schema order of first appearance) with their constructors.</summary>
    public IReadOnlyDictionary<string, List<TlCombinator>> ConstructorsByType => _constructorsByType;

    public static string Pascal(string tlName)
    {
        var builder = new StringBuilder(tlName.Length);
        foreach (var part in tlName.Split('_'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            builder.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }

        return builder.ToString();
    }

    public static string NamespaceClass(string? tlNamespace) => tlNamespace is null ? string.Empty : Pascal(tlNamespace);

    public string ClassName(TlCombinator combinator) => _classNames[combinator];

    public static string BaseClassName(string tlTypeName)
    {
        var dot = tlTypeName.LastIndexOf('.');
        return Pascal(dot < 0 ? tlTypeName : tlTypeName.Substring(dot + 1)) + "Base";
    }

    public string QualifiedClass(TlCombinator combinator, string? genericArgument = null) =>
        Qualify(combinator.Namespace, ClassName(combinator)) + (genericArgument is null ? string.Empty : "<" + genericArgument + ">");

    public string QualifiedBaseClass(string tlTypeName)
    {
        var dot = tlTypeName.LastIndexOf('.');
        return Qualify(dot < 0 ? null : tlTypeName.Substring(0, dot), BaseClassName(tlTypeName));
    }

    private string Qualify(string? tlNamespace, string className) =>
        "global::" + _rootNamespace + "." + (tlNamespace is null ? string.Empty : Pascal(tlNamespace) + ".") + className;

    public TlResolvedType Resolve(TlTypeRef type, string? genericParameter, int line)
    {
        if (type.IsGenericQuery)
        {
            return new TlResolvedType(TlKind.GenericQuery, Runtime + "ITlMethod<TResult>");
        }

        if (genericParameter is not null && type.Name == genericParameter)
        {
            return new TlResolvedType(TlKind.GenericResult, "TResult");
        }

        switch (type.Name)
        {
            case "int": return new TlResolvedType(TlKind.Int, "int");
            case "long": return new TlResolvedType(TlKind.Long, "long", minSize: 8);
            case "double": return new TlResolvedType(TlKind.Double, "double", minSize: 8);
            case "string": return new TlResolvedType(TlKind.String, "string");
            case "bytes": return new TlResolvedType(TlKind.Bytes, "byte[]");
            case "int128": return new TlResolvedType(TlKind.Int128, Runtime + "TlInt128", minSize: 16);
            case "int256": return new TlResolvedType(TlKind.Int256, Runtime + "TlInt256", minSize: 32);
            case "Bool": return new TlResolvedType(TlKind.Bool, "bool");
            case "true": return new TlResolvedType(TlKind.True, "bool", minSize: 0);
            case "Vector":
            case "vector":
                if (type.Argument is null)
                {
                    _errors.Add(new TlSchemaError(line, "vector without an element type"));
                    return Unknown();
                }

                var element = Resolve(type.Argument, genericParameter, line);
                var boxed = type.Name == "Vector";
                return new TlResolvedType(boxed ? TlKind.Vector : TlKind.BareVector,
                    "global::System.Collections.Generic.IReadOnlyList<" + element.CsType + ">", element, boxed ? 8 : 4);
        }

        if (type.PercentBare)
        {
            if (_constructorsByType.TryGetValue(type.Name, out var constructors) && constructors.Count == 1)
            {
                return Bare(constructors[0]);
            }

            _errors.Add(new TlSchemaError(line, "%" + type.Name + " needs a type with exactly one constructor"));
            return Unknown();
        }

        if (type.LocalName.Length > 0 && char.IsLower(type.LocalName[0]))
        {
            if (_constructorsByName.TryGetValue(type.Name, out var constructor))
            {
                return Bare(constructor);
            }

            _errors.Add(new TlSchemaError(line, "unknown bare constructor '" + type.Name + "'"));
            return Unknown();
        }

        if (_constructorsByType.ContainsKey(type.Name))
        {
            return new TlResolvedType(TlKind.Boxed, QualifiedBaseClass(type.Name));
        }

        _errors.Add(new TlSchemaError(line, "unknown type '" + type.Name + "'"));
        return Unknown();
    }

    private static TlResolvedType Unknown() => new(TlKind.Unknown, Runtime + "ITlObject");

    private TlResolvedType Bare(TlCombinator constructor) =>
        new(TlKind.BareConstructor, QualifiedClass(constructor), minSize: BareSize(constructor));

    /// <summary>Minimum wire size of a constructor's body (no id); conditional fields count as absent.</summary>
    private int BareSize(TlCombinator constructor)
    {
        if (_bareSizes.TryGetValue(constructor, out var known))
        {
            return known;
        }

        _bareSizes[constructor] = 0; // a self-referencing bare constructor counts as empty instead of recursing forever
        var size = 0;
        foreach (var param in constructor.Parameters)
        {
            if (param.IsFlagsField)
            {
                size += 4;
            }
            else if (!param.IsConditional && param.Type is not null)
            {
                size += Resolve(param.Type, constructor.GenericParameter, constructor.Line).MinSize;
            }
        }

        _bareSizes[constructor] = size;
        return size;
    }

    public void Report(int line, string message) => _errors.Add(new TlSchemaError(line, message));

    public static string Hex(uint id) => "0x" + id.ToString("x8", CultureInfo.InvariantCulture) + "u";
}
