namespace Cipherpad.Server.Passkeys;

/// <summary><c>Cipherpad:Passkeys</c>: how passkeys are made and checked.</summary>
public sealed class PasskeyOptions
{
    /// <summary>
    /// The WebAuthn relying party id: the domain passkeys are bound to. Empty: the host of <c>Cipherpad:PublicUrl</c>.
    /// Changing it later makes every registered passkey unusable.
    /// </summary>
    public string RelyingPartyId { get; set; } = "";

    /// <summary>
    /// The attestation asked of new passkeys: <c>none</c> (the default: nothing about the device is learnt or checked),
    /// <c>indirect</c> or <c>direct</c>.
    /// </summary>
    public string Attestation { get; set; } = "none";

    /// <summary>How long a confirmed addition waits for the browser's new passkey.</summary>
    public TimeSpan RegistrationLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
