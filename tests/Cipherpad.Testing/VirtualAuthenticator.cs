using System.Text.Json;
using Microsoft.Playwright;

namespace Cipherpad.Testing;

/// <summary>
/// Chromium's virtual authenticator on one page (the DevTools WebAuthn domain): a platform authenticator that verifies its
/// user at once, standing in for a fingerprint reader; with <c>prf</c>, it also gives WebAuthn's PRF extension.
/// </summary>
public sealed class VirtualAuthenticator(ICDPSession session, string id)
{
    public static async Task<VirtualAuthenticator> AttachAsync(IPage page, bool prf = false)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var added = await session.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true, ["hasPrf"] = prf,
            },
        });
        return new VirtualAuthenticator(session, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    public async Task<List<JsonElement>> CredentialsAsync()
    {
        var result = await session.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = id });
        return [.. result!.Value.GetProperty("credentials").EnumerateArray()];
    }

    /// <summary>Puts the passkey back with its counter at zero, as a copy made earlier would sign.</summary>
    public async Task ResetCounterAsync()
    {
        var credential = (await CredentialsAsync()).Single();
        var copy = JsonSerializer.Deserialize<Dictionary<string, object>>(credential.GetRawText())!;
        copy["signCount"] = 0;
        await session.SendAsync("WebAuthn.removeCredential", new Dictionary<string, object>
        {
            ["authenticatorId"] = id, ["credentialId"] = credential.GetProperty("credentialId").GetString()!,
        });
        await session.SendAsync("WebAuthn.addCredential", new Dictionary<string, object> { ["authenticatorId"] = id, ["credential"] = copy });
    }
}
