using System.Reflection;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Tests.Tl;

/// <summary>
/// Builds an instance of any generated TL class with every property set (or, with <c>fillOptional: false</c>,
/// every optional property left empty), nested objects picked among the constructors of the field's type and
/// vectors of two items. Deterministic for a given seed.
/// </summary>
internal sealed class TlObjectFiller(int seed, bool fillOptional)
{
    private const int ShallowDepth = 3;
    private const int MaxDepth = 24;
    private static readonly NullabilityInfoContext Nullability = new();

    // Declared before ConstructorsByBase: static initialisers run in text order.
    public static IReadOnlyList<TlConstructorInfo> AllConstructors { get; } = [.. ApiSchema.Constructors, .. MtSchema.Constructors];

    private static readonly Dictionary<Type, Type[]> ConstructorsByBase = AllConstructors
        .Where(c => !c.IsFunction)
        .GroupBy(c => c.ClrType.BaseType!)
        .ToDictionary(g => g.Key, g => g.Select(c => c.ClrType).ToArray());

    private readonly Random _random = new(seed);

    /// <summary>An instance of a generated class; open generic methods get <c>help.getConfig</c> as their query.</summary>
    public ITlObject Create(Type type) => (ITlObject)Fill(Close(type), 0);

    private static Type Close(Type type) => type.IsGenericTypeDefinition ? type.MakeGenericType(typeof(ConfigBase)) : type;

    private object Fill(Type type, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"filler recursed too deep at {type}");
        }

        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null)
            {
                continue;
            }

            var optional = Nullability.Create(property).WriteState == NullabilityState.Nullable;
            if (optional && !fillOptional)
            {
                continue;
            }

            if (property.PropertyType == typeof(bool) && !fillOptional)
            {
                continue; // true flags (and plain Bool fields, for which false is as valid as true)
            }

            property.SetValue(instance, Value(property.PropertyType, depth));
        }

        return instance;
    }

    private object Value(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(int))
        {
            return _random.Next(int.MinValue, int.MaxValue);
        }

        if (underlying == typeof(long))
        {
            return _random.NextInt64(long.MinValue, long.MaxValue);
        }

        if (underlying == typeof(double))
        {
            return _random.NextDouble() * 1000;
        }

        if (underlying == typeof(bool))
        {
            return true;
        }

        if (underlying == typeof(string))
        {
            return _random.Next(3) switch { 0 => string.Empty, 1 => "héllo, мир " + _random.Next(), _ => new string('x', _random.Next(250, 300)) };
        }

        if (underlying == typeof(byte[]))
        {
            var bytes = new byte[_random.Next(3) == 0 ? _random.Next(254, 600) : _random.Next(0, 20)];
            _random.NextBytes(bytes);
            return bytes;
        }

        if (underlying == typeof(TlInt128))
        {
            return new TlInt128((ulong)_random.NextInt64(), (ulong)_random.NextInt64());
        }

        if (underlying == typeof(TlInt256))
        {
            return new TlInt256(new TlInt128((ulong)_random.NextInt64(), 1), new TlInt128(2, (ulong)_random.NextInt64()));
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = underlying.GetGenericArguments()[0];
            var array = Array.CreateInstance(element, 2);
            for (var i = 0; i < array.Length; i++)
            {
                array.SetValue(Value(element, depth + 1), i);
            }

            return array;
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(ITlMethod<>))
        {
            // Only help.getConfig's result type is used to close generic methods.
            return new Channel.MTProto.Tl.Api.Help.GetConfig();
        }

        if (underlying.IsAbstract)
        {
            return Fill(PickConstructor(underlying, depth), depth + 1);
        }

        return Fill(underlying, depth + 1);
    }

    /// <summary>Random constructor near the top; the one with the fewest object fields deeper down, so recursion ends.</summary>
    private Type PickConstructor(Type baseType, int depth)
    {
        var candidates = ConstructorsByBase[baseType];
        if (depth < ShallowDepth)
        {
            return candidates[_random.Next(candidates.Length)];
        }

        return candidates.MinBy(ObjectFieldCount)!;
    }

    private static int ObjectFieldCount(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Count(p => p.SetMethod is not null && (p.PropertyType.IsClass || p.PropertyType.IsInterface)
            && p.PropertyType != typeof(string) && p.PropertyType != typeof(byte[]));
}
