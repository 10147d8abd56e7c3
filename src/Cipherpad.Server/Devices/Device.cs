namespace Cipherpad.Server.Devices;

/// <summary>An activated cipher pad; its secret is stored encrypted under the master key.</summary>
public sealed class Device
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
    public required byte[] SecretProtected { get; set; }
    public DateTimeOffset ActivatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A one-time activation code sent by SMS; the code is encrypted because the key agreement needs it.</summary>
public sealed class ActivationCodeRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public required byte[] CodeProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>An activation in progress: the server's ephemeral key, kept encrypted so any instance can finish it.</summary>
public sealed class ActivationSession
{
    public required string Id { get; set; }
    public Guid ActivationCodeId { get; set; }
    public required byte[] EphemeralKeyProtected { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
