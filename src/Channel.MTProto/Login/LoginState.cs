using System.Buffers;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Login;

/// <summary>
/// The pending login, kept in <see cref="Client.MTProtoSessionState.LoginState"/> so SignIn after a process restart
/// uses the same phone_code_hash on the same DC and auth key as SendCode (a new session per step gives
/// PHONE_CODE_EXPIRED). It holds the phone number: it lives only in the session state, which is stored encrypted.
/// </summary>
/// <param name="Phone">The phone in digits.</param>
/// <param name="PhoneCodeHash">From auth.sentCode; never leaves the library.</param>
/// <param name="CodeType">Where the last code went.</param>
/// <param name="DcId">The DC that sent the code (after any PHONE_MIGRATE).</param>
/// <param name="PasswordPending">SignIn answered SESSION_PASSWORD_NEEDED: CheckPassword is next.</param>
internal sealed record LoginState(string Phone, string PhoneCodeHash, CodeType CodeType, int DcId, bool PasswordPending)
{
    private const int FormatVersion = 1;

    /// <summary>TL primitives: version ‖ phone ‖ hash ‖ code type ‖ dc ‖ password pending.</summary>
    public byte[] Serialize()
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new TlWriter(output);
        writer.WriteInt32(FormatVersion);
        writer.WriteString(Phone);
        writer.WriteString(PhoneCodeHash);
        writer.WriteInt32((int)CodeType);
        writer.WriteInt32(DcId);
        writer.WriteBool(PasswordPending);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a saved login state.</exception>
    public static LoginState Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new TlReader(data);
            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new FormatException($"Unsupported login state version {version}.");
            }

            var state = new LoginState(reader.ReadString(), reader.ReadString(), (CodeType)reader.ReadInt32(), reader.ReadInt32(), reader.ReadBool());
            reader.EnsureAtEnd();
            return state;
        }
        catch (TlDeserializationException ex)
        {
            throw new FormatException("The saved login state is malformed.", ex);
        }
    }
}
