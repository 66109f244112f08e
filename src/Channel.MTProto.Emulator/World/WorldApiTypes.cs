namespace Channel.MTProto.Emulator.World;

/// <summary>A user to create in the emulated world (in-process or through POST /users).</summary>
/// <param name="Phone">International digits, '+' and separators allowed (stored as digits).</param>
/// <param name="FirstName">Required, as on Telegram.</param>
/// <param name="Password">A 2FA password: stored as an SRP verifier only.</param>
/// <param name="DcId">Home DC; default: the DC in a test number (99966XYYYY), else the emulator's main DC.</param>
public sealed record NewUser(
    string Phone,
    string FirstName,
    string? LastName = null,
    string? Username = null,
    string? Password = null,
    string? PasswordHint = null,
    int? DcId = null);

/// <summary>A user as tests and the control API see it.</summary>
public sealed record EmulatorUser(
    long Id,
    long AccessHash,
    string Phone,
    string FirstName,
    string? LastName,
    string? Username,
    int DcId,
    bool HasPassword,
    int Pts);

/// <summary>One copy of a private message, in the box of <paramref name="OwnerId"/>.</summary>
/// <param name="Id">The message id in the owner's box (private-chat ids are per user).</param>
/// <param name="PeerId">The other user of the chat.</param>
/// <param name="Out">True for the sender's copy.</param>
public sealed record EmulatorMessage(
    int Id,
    long OwnerId,
    long PeerId,
    long FromId,
    bool Out,
    string Text,
    DateTimeOffset Date,
    DateTimeOffset? EditDate,
    int Pts);

/// <summary>Both copies of a message sent through the world API.</summary>
public sealed record SentMessage(EmulatorMessage Sent, EmulatorMessage? Received);

/// <summary>A user's update state, as updates.getState would answer it.</summary>
public sealed record EmulatorUpdateState(int Pts, int Qts, int Seq, int UnreadCount);

/// <summary>A failure of the world API (unknown user, invalid input, conflict), with a message safe to show.</summary>
public sealed class EmulatorWorldException(EmulatorWorldError error, string message) : Exception(message)
{
    public EmulatorWorldError Error { get; } = error;
}

public enum EmulatorWorldError
{
    Invalid,
    NotFound,
    Conflict,
}
