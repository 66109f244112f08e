using System.Buffers.Binary;

namespace Channel.MTProto.Emulator.World;

/// <summary>Width and height from a PNG (IHDR) or JPEG (first SOF marker) header, so photoSize says the truth; (0, 0)
/// for anything else (the emulator does not decode or re-encode images as Telegram does).</summary>
internal static class ImageDimensions
{
    public static (int Width, int Height) Read(ReadOnlySpan<byte> image)
    {
        if (image.Length >= 24 && image[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return (Clamp(BinaryPrimitives.ReadUInt32BigEndian(image[16..])), Clamp(BinaryPrimitives.ReadUInt32BigEndian(image[20..])));
        }

        if (image.Length < 4 || image[0] != 0xFF || image[1] != 0xD8)
        {
            return (0, 0);
        }

        var position = 2;
        while (position + 9 <= image.Length && image[position] == 0xFF)
        {
            var marker = image[position + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(image[(position + 2)..]);

            // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(image[(position + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(image[(position + 5)..]));
            }

            if (length < 2)
            {
                break;
            }

            position += 2 + length;
        }

        return (0, 0);
    }

    private static int Clamp(uint value) => value > int.MaxValue ? 0 : (int)value;
}
