using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Tests.Storage;

public sealed class IdsTests
{
    [Fact]
    public void An_id_is_a_version_7_uuid_that_starts_with_its_time_in_milliseconds()
    {
        var at = new DateTimeOffset(2026, 12, 6, 14, 30, 15, 123, TimeSpan.Zero);

        var id = Ids.NewVersion7(at);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2); // RFC 9562's variant, 10xx
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16)
            | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(at.ToUnixTimeMilliseconds(), milliseconds);
        // The same layout as the runtime's own version 7 UUIDs, so ids of both kinds sort together by time.
        Assert.Equal(Guid.CreateVersion7(at).ToString()[..13], id.ToString()[..13]);
    }

    [Fact]
    public void Ids_of_one_millisecond_differ_across_many_buffer_refills_and_threads()
    {
        var at = DateTimeOffset.UtcNow;
        const int perThread = 20 * Ids.BufferSize / 16;
        var ids = new Guid[4][];

        Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = ids.Length }, thread =>
            ids[thread] = Enumerable.Range(0, perThread).Select(_ => Ids.NewVersion7(at)).ToArray());

        var all = ids.SelectMany(batch => batch).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        // 74 random bits each: if the buffer were handed out twice, ids would repeat; if the bytes were not random, the
        // bits would not be near half ones.
        var ones = all.Sum(id => id.ToByteArray(bigEndian: true)[9..].Sum(b => System.Numerics.BitOperations.PopCount(b)));
        var bits = all.Length * 7 * 8;
        Assert.InRange(ones / (double)bits, 0.49, 0.51);
    }

    [Fact]
    public void A_time_before_1970_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ids.NewVersion7(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero)));
    }
}
