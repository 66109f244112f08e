namespace Channel.MTProto.Tl;

/// <summary>A TL object (constructor or method) that can write itself in boxed form: constructor id, then body.</summary>
public interface ITlObject
{
    uint ConstructorId { get; }

    void Write(ref TlWriter writer);
}

/// <summary>A TL method (RPC query), whatever its result type.</summary>
public interface ITlMethod : ITlObject
{
    /// <summary>
    /// Double dispatch to recover the result type: calls <see cref="ITlMethodVisitor{TOut}.Visit{TResult}"/> with
    /// this method typed as <see cref="ITlMethod{TResult}"/>. Used to rebuild generic wrappers
    /// (<c>invokeWithLayer</c>) read from the wire without reflection.
    /// </summary>
    TOut Accept<TOut>(ITlMethodVisitor<TOut> visitor);
}

/// <summary>A TL method whose result is <typeparamref name="TResult"/>; it knows how to move that result.</summary>
/// <remarks>
/// Needed because results such as <c>Vector&lt;long&gt;</c>, <c>Bool</c> and the <c>X</c> of generic methods
/// cannot be read by constructor id alone: the client reads an rpc_result body with the pending method.
/// </remarks>
public interface ITlMethod<TResult> : ITlMethod
{
    TResult ReadResult(ref TlReader reader);

    void WriteResult(ref TlWriter writer, TResult result);
}

public interface ITlMethodVisitor<out TOut>
{
    TOut Visit<TResult>(ITlMethod<TResult> method);
}

/// <summary>Generic wrappers (<c>invokeWithLayer</c>, <c>initConnection</c>, …) expose the query they carry.</summary>
public interface ITlMethodWrapper
{
    ITlMethod InnerQuery { get; }
}

/// <summary>One row of a generated schema's constructor table.</summary>
/// <param name="Id">The constructor id from the schema.</param>
/// <param name="TlName">The TL name, e.g. <c>messages.sendMessage</c>.</param>
/// <param name="ClrType">The generated class (open generic for generic methods).</param>
/// <param name="IsFunction">True for methods.</param>
public readonly record struct TlConstructorInfo(uint Id, string TlName, Type ClrType, bool IsFunction);

/// <summary>Reads one value; used for vector elements and for objects inside gzip_packed.</summary>
public delegate T TlReadFunc<out T>(ref TlReader reader);

/// <summary>Writes one value; used for vector elements.</summary>
public delegate void TlWriteAction<in T>(ref TlWriter writer, T value);
