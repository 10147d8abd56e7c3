using QRCoder;

namespace Cipherpad.Server.Challenges;

public static class QrCodes
{
    /// <summary>A PNG of <paramref name="text"/> with medium error correction, 6 pixels per module.</summary>
    public static byte[] Png(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(6);
    }

    public static string PngDataUrl(string text) => "data:image/png;base64," + Convert.ToBase64String(Png(text));
}
