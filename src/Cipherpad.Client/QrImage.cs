using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Cipherpad.Client;

/// <summary>Reads the text of a QR code from an image file (a screenshot or a photo of the site's code).</summary>
public static class QrImage
{
    public static string Decode(string path)
    {
        Image<Rgb24> image;
        try
        {
            image = Image.Load<Rgb24>(path);
        }
        catch (Exception exception) when (exception is UnknownImageFormatException or InvalidImageContentException or IOException)
        {
            throw new CipherpadCliException($"Cannot read an image from {path}: {exception.Message}", 1, "qr");
        }
        using (image)
        {
            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            var source = new RGBLuminanceSource(pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGB24);
            // The finder-pattern search misses some codes under one binarizer that another reads; a clean image (a saved
            // PNG rather than a photo) is also read as a pure code. The first that finds a code wins.
            var attempts = new (Binarizer Binarizer, DecodeHintType Hint)[]
            {
                (new HybridBinarizer(source), DecodeHintType.TRY_HARDER),
                (new GlobalHistogramBinarizer(source), DecodeHintType.TRY_HARDER),
                (new HybridBinarizer(source), DecodeHintType.PURE_BARCODE),
            };
            foreach (var (binarizer, hint) in attempts)
            {
                if (new QRCodeReader().decode(new BinaryBitmap(binarizer), new Dictionary<DecodeHintType, object> { [hint] = true }) is { } result)
                {
                    return result.Text;
                }
            }
            throw new CipherpadCliException($"No QR code was found in {path}.", 1, "qr");
        }
    }
}
