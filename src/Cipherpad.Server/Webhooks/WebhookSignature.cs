using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Server.Webhooks;

/// <summary>
/// The Standard Webhooks signature scheme (standardwebhooks.com), so that its libraries verify Cipherpad's messages: the
/// secret is <c>whsec_</c> and 32 random bytes in base64; a message's signature is <c>v1,</c> and the base64 of
/// HMAC-SHA256 under those bytes of <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new signing key, and the secret the relying party is given for it.</summary>
    public static (byte[] Key, string Secret) NewSecret()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (key, SecretPrefix + Convert.ToBase64String(key));
    }

    /// <summary>The <c>webhook-signature</c> header's value.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
}
