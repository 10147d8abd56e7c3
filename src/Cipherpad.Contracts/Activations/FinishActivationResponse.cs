namespace Cipherpad.Contracts.Activations;

/// <summary>The activated pad: the server's key confirmation, which the pad checks before it stores anything.</summary>
/// <param name="ServerConfirmation">The server's key confirmation (32 bytes), base64url.</param>
/// <param name="DeviceId">The id of the new device.</param>
/// <param name="Email">The account's e-mail, normalized.</param>
public sealed record FinishActivationResponse(string ServerConfirmation, Guid DeviceId, string Email);
