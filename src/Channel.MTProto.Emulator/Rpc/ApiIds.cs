namespace Channel.MTProto.Emulator.Rpc;

/// <summary>Constructor ids of the invoke wrappers and of the API methods the emulator answers (api.tl, layer 198).</summary>
internal static class ApiIds
{
    public const uint InvokeAfterMsg = 0xcb9f372d;
    public const uint InvokeAfterMsgs = 0x3dc4b4f0;
    public const uint InitConnection = 0xc1cd5ea9;
    public const uint InvokeWithLayer = 0xda9b0d0d;
    public const uint InvokeWithoutUpdates = 0xbf9459b7;
    public const uint InputClientProxy = 0x75588b3f;

    public const uint JsonObjectValue = 0xc0de1bd9;
    public const uint JsonNull = 0x3f6d7b68;
    public const uint JsonBool = 0xc7345e6a;
    public const uint JsonNumber = 0x2be0dfa4;
    public const uint JsonString = 0xb71e767a;
    public const uint JsonArray = 0xf7444763;
    public const uint JsonObject = 0x99c1d49d;

    public const uint HelpGetConfig = 0xc4f9186b;
    public const uint HelpGetNearestDc = 0x1fb33026;
    public const uint Config = 0xcc1a241e;
    public const uint DcOption = 0x18b7a10d;
    public const uint NearestDc = 0x8e1a1775;
}
