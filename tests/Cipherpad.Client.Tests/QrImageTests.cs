using System.Security.Cryptography;
using Cipherpad.Server.Challenges;

namespace Cipherpad.Client.Tests;

/// <summary>The CLI reads back every QR code the server draws, whatever the payload's bits happen to be.</summary>
public sealed class QrImageTests
{
    [Fact]
    public void Fifty_request_payloads_drawn_by_the_server_all_read_back_from_their_PNG()
    {
        var folder = Directory.CreateTempSubdirectory("cipherpad-qr-");
        try
        {
            for (var i = 0; i < 50; i++)
            {
                // A login payload as the server seals it for a pad, with a random question, expiry and device secret.
                using var pad = new Core.Answers.DeviceKeys(RandomNumberGenerator.GetBytes(32));
                var payload = Core.Payloads.RequestPayload.ForLogin("DemoShop", RandomNumberGenerator.GetString("0123456789", 8),
                    DateTimeOffset.UtcNow.AddMinutes(3).AddSeconds(i)).Seal([pad]);
                var png = Path.Combine(folder.FullName, $"{i}.png");
                File.WriteAllBytes(png, QrCodes.Png(payload));

                Assert.Equal(payload, QrImage.Decode(png));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
