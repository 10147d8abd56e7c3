using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Server.Security;

namespace Cipherpad.Server.Oidc;

/// <summary>
/// Pairwise subject identifiers (OpenID Connect Core §8.1): each client sees a person under an identifier of its own,
/// an HMAC of the client id and the account id under a server secret, so two sites cannot match their users by it.
/// The secret is made once and kept encrypted under the master key, so identifiers never change.
/// </summary>
public sealed class OidcSubjects(ServerSecrets secrets)
{
    /// <summary>The key of every pairwise identifier.</summary>
    public static readonly ServerSecretDefinition Secret = new("oidc-pairwise-subject", () => RandomNumberGenerator.GetBytes(32));

    public async Task<string> ForAsync(string clientId, Guid accountId, CancellationToken cancellationToken)
    {
        var key = await secrets.GetOrCreateAsync(Secret, cancellationToken);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{clientId}\n{accountId:N}"));
        return Base64Url.EncodeToString(mac.AsSpan(0, 20));
    }
}
