using Cipherpad.Server.Security;

namespace Cipherpad.Server.Tests.Security;

/// <summary>The slow hashes of security answers run a few at a time, and a request that cannot start in time is told so.</summary>
public sealed class SlowHashesTests
{
    [Fact]
    public async Task When_every_slot_is_hashing_a_further_request_is_told_the_server_is_busy_and_later_ones_are_served()
    {
        using var hashes = new SlowHashes { QueueTimeout = TimeSpan.FromMilliseconds(100) };
        var stored = Hashing.HashSecurityAnswer("blue teapot", 1000);
        var slots = Math.Max(1, Environment.ProcessorCount / 2);
        using var holdSlots = new ManualResetEventSlim();
        var busy = Enumerable.Range(0, slots).Select(_ => hashes.RunAsync<string>(() =>
        {
            holdSlots.Wait(TimeSpan.FromSeconds(30));
            return "long work";
        }, default)).ToList();

        var refused = await hashes.MatchesAsync("blue teapot", stored, default);
        holdSlots.Set();
        await Task.WhenAll(busy);
        var served = await hashes.MatchesAsync("blue teapot", stored, default);

        Assert.Null(refused);
        Assert.All(busy, work => Assert.Equal("long work", work.Result));
        Assert.True(served);
    }
}
