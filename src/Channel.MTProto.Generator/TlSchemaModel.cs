using System.Collections.Generic;

namespace Channel.MTProto.Generator;

/// <summary>A parsed .tl file: every combinator with an explicit <c>#id</c>, plus the layer from the header.</summary>
internal sealed class TlSchemaModel
{
    public TlSchemaModel(int? layer, IReadOnlyList<TlCombinator> combinators, IReadOnlyList<TlSchemaError> errors)
    {
        Layer = layer;
        Combinators = combinators;
        Errors = errors;
    }

    public int? Layer { get; }

    public IReadOnlyList<TlCombinator> Combinators { get; }

    public IReadOnlyList<TlSchemaError> Errors { get; }
}

/// <summary>One constructor (<c>IsFunction == false</c>) or method of the schema.</summary>
internal sealed class TlCombinator
{
    public TlCombinator(string fullName, uint id, bool isFunction, string? genericParameter,
        IReadOnlyList<TlParam> parameters, TlTypeRef result, int line)
    {
        FullName = fullName;
        Id = id;
        IsFunction = isFunction;
        GenericParameter = genericParameter;
        Parameters = parameters;
        Result = result;
        Line = line;
        var dot = fullName.LastIndexOf('.');
        Namespace = dot < 0 ? null : fullName.Substring(0, dot);
        LocalName = dot < 0 ? fullName : fullName.Substring(dot + 1);
    }

    /// <summary>The TL name including its namespace, e.g. <c>messages.sendMessage</c>.</summary>
    public string FullName { get; }

    public string? Namespace { get; }

    public string LocalName { get; }

    public uint Id { get; }

    public bool IsFunction { get; }

    /// <summary>The <c>{X:Type}</c> parameter of generic methods such as <c>invokeWithLayer</c>.</summary>
    public string? GenericParameter { get; }

    public IReadOnlyList<TlParam> Parameters { get; }

    /// <summary>The boxed type a constructor belongs to, or the result type of a method.</summary>
    public TlTypeRef Result { get; }

    public int Line { get; }
}

/// <summary>A field of a combinator: <c>name:type</c>, <c>name:#</c> or <c>name:flags.N?type</c>.</summary>
internal sealed class TlParam
{
    public TlParam(string name, TlTypeRef? type, bool isFlagsField, string? conditionField, int conditionBit)
    {
        Name = name;
        Type = type;
        IsFlagsField = isFlagsField;
        ConditionField = conditionField;
        ConditionBit = conditionBit;
    }

    public string Name { get; }

    /// <summary>Null only for <c>#</c> (flags) fields.</summary>
    public TlTypeRef? Type { get; }

    public bool IsFlagsField { get; }

    /// <summary>The <c>#</c> field this field depends on (<c>flags</c>, <c>flags2</c>), or null if unconditional.</summary>
    public string? ConditionField { get; }

    public int ConditionBit { get; }

    public bool IsConditional => ConditionField is not null;
}

/// <summary>
/// A type reference as written: <c>int</c>, <c>Vector&lt;long&gt;</c>, <c>vector&lt;%Message&gt;</c>,
/// <c>messages.Chats</c>, <c>future_salt</c> (a bare constructor), <c>!X</c>.
/// </summary>
internal sealed class TlTypeRef
{
    public TlTypeRef(string name, TlTypeRef? argument, bool percentBare, bool isGenericQuery)
    {
        Name = name;
        Argument = argument;
        PercentBare = percentBare;
        IsGenericQuery = isGenericQuery;
    }

    /// <summary>The name without <c>%</c>, <c>!</c> or type arguments.</summary>
    public string Name { get; }

    public TlTypeRef? Argument { get; }

    /// <summary>Written as <c>%Type</c>: the (single) constructor of Type, without its id.</summary>
    public bool PercentBare { get; }

    /// <summary>Written as <c>!X</c>: a query of the method's generic type parameter.</summary>
    public bool IsGenericQuery { get; }

    public string LocalName
    {
        get
        {
            var dot = Name.LastIndexOf('.');
            return dot < 0 ? Name : Name.Substring(dot + 1);
        }
    }

    public override string ToString() =>
        (IsGenericQuery ? "!" : PercentBare ? "%" : string.Empty) + Name + (Argument is null ? string.Empty : "<" + Argument + ">");
}

internal sealed class TlSchemaError
{
    public TlSchemaError(int line, string message)
    {
        Line = line;
        Message = message;
    }

    public int Line { get; }

    public string Message { get; }

    public override string ToString() => "line " + Line + ": " + Message;
}
