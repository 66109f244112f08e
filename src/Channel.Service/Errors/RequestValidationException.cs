namespace Channel.Service.Errors;

/// <summary>One bad request field: the proto field name and what is wrong with it (never the value itself).</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The request is malformed; maps to INVALID_ARGUMENT with google.rpc.BadRequest field violations.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldViolation> violations)
    : Exception("The request is invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    /// <summary>Throws when <paramref name="violations"/> is not empty.</summary>
    public static void ThrowIfAny(List<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }
}
