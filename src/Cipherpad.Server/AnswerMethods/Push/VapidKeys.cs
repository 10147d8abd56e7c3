using System.Buffers.Text;
using System.Security.Cryptography;
using Cipherpad.Server.Security;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>
/// The server's Web Push identity (VAPID, RFC 8292): one P-256 key pair made on first use and kept encrypted under the
/// master key, the same for every server instance. Browsers bind a pad's push subscription to its public key.
/// </summary>
public sealed class VapidKeys(ServerSecrets secrets)
{
    /// <summary>The private scalar of the key pair.</summary>
    public static readonly ServerSecretDefinition Secret = new("vapid-p256", () =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportParameters(true).D!;
    });

    private (string PublicKey, string PrivateKey)? _read;

    /// <summary>
    /// The public key (65 bytes, uncompressed) and the private scalar (32 bytes), both base64url. Read from the database
    /// once per process: the pair never changes.
    /// </summary>
    public async Task<(string PublicKey, string PrivateKey)> GetAsync(CancellationToken cancellationToken) =>
        _read ??= await ReadAsync(cancellationToken);

    private async Task<(string PublicKey, string PrivateKey)> ReadAsync(CancellationToken cancellationToken)
    {
        var privateKey = await secrets.GetOrCreateAsync(Secret, cancellationToken);
        using var pair = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey });
        var point = pair.ExportParameters(false).Q;
        return (Base64Url.EncodeToString([0x04, .. point.X!, .. point.Y!]), Base64Url.EncodeToString(privateKey));
    }
}
