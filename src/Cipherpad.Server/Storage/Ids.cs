using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cipherpad.Server.Storage;

/// <summary>
/// Row ids: version 7 UUIDs (RFC 9562: the Unix time in milliseconds, then random bits), as
/// <see cref="Guid.CreateVersion7()"/> makes them, with the random bits taken from a buffer of the thread's that
/// <see cref="RandomNumberGenerator"/> fills <see cref="BufferSize"/> bytes at a time.
/// <para>
/// <see cref="Guid.CreateVersion7()"/> asks the kernel for its 16 bytes at every call (a read of <c>/dev/urandom</c> on
/// Linux), and every entity is constructed with a new id, including each one a query reads, whose stored id then replaces it:
/// a login reads six, so six system calls went to ids nobody kept.
/// </para>
/// </summary>
public static class Ids
{
    private const int IdSize = 16;

    /// <summary>Random bytes drawn at once: the ids of 64 rows.</summary>
    public const int BufferSize = 64 * IdSize;

    [ThreadStatic]
    private static byte[]? t_random;

    /// <summary>How many bytes at the end of <see cref="t_random"/> are not used yet.</summary>
    [ThreadStatic]
    private static int t_left;

    /// <summary>A new id for the current time.</summary>
    public static Guid NewVersion7() => NewVersion7(DateTimeOffset.UtcNow);

    /// <summary>A new id for <paramref name="timestamp"/>, which must not be before 1970.</summary>
    public static Guid NewVersion7(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));
        Span<byte> id = stackalloc byte[IdSize];
        TakeRandom(id);
        Span<byte> time = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(time, milliseconds);
        time[2..].CopyTo(id); // 48 bits of milliseconds, big-endian, first
        id[6] = (byte)(0x70 | (id[6] & 0x0F)); // version 7
        id[8] = (byte)(0x80 | (id[8] & 0x3F)); // variant 10xx: RFC 9562
        return new Guid(id, bigEndian: true);
    }

    private static void TakeRandom(Span<byte> destination)
    {
        var random = t_random ??= new byte[BufferSize];
        if (t_left < destination.Length)
        {
            RandomNumberGenerator.Fill(random);
            t_left = BufferSize;
        }
        var taken = random.AsSpan(BufferSize - t_left, destination.Length);
        taken.CopyTo(destination);
        CryptographicOperations.ZeroMemory(taken); // each random byte is used once
        t_left -= destination.Length;
    }
}
