using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Server.Security;

namespace Cipherpad.Server.Challenges;

/// <summary>
/// The pads an unanswerable question is sealed for (<see cref="ChallengeService.AskOnPageAsync"/>): pads nobody holds, whose
/// secrets are an HMAC of the address under a server secret. A real question names its account's pads by key ids that stay
/// the same from one question to the next; these do too, for each address, so that two questions for the same address do
/// not tell a real account from none. Their number is drawn from the address as well: one for three addresses in four,
/// and each further one, up to <see cref="RequestPayload.MaxDevices"/>, for a quarter of those with one fewer.
/// </summary>
public sealed class NobodysPads(ServerSecrets secrets)
{
    /// <summary>The key of every address's pads.</summary>
    public static readonly ServerSecretDefinition Secret = new("nobodys-pads", () => RandomNumberGenerator.GetBytes(32));

    /// <summary>Nobody's pads for <paramref name="login"/> (normalized here); the caller disposes them.</summary>
    public async Task<IReadOnlyList<DeviceKeys>> ForAsync(string login, CancellationToken cancellationToken)
    {
        var key = await secrets.GetOrCreateAsync(Secret, cancellationToken);
        var address = Accounts.AccountRules.NormalizeEmail(login);
        var draw = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"count\n{address}"));
        var count = 1;
        while (count < RequestPayload.MaxDevices && (draw[count] & 3) == 0)
        {
            count++;
        }
        var pads = new List<DeviceKeys>(count);
        for (var pad = 0; pad < count; pad++)
        {
            var secret = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"pad {pad}\n{address}"));
            pads.Add(new DeviceKeys(secret));
            CryptographicOperations.ZeroMemory(secret);
        }
        return pads;
    }
}
