using Cipherpad.Core.Payloads;
using Cipherpad.Server.Challenges;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Challenges;

/// <summary>
/// The pads an unanswerable question is sealed for: the same for an address every time (as typed in any case), another
/// set for another address, and one for about three addresses in four, never more than a payload can name.
/// </summary>
public sealed class NobodysPadsTests
{
    [Fact]
    public async Task An_address_has_the_same_pads_every_time_and_most_addresses_have_one()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pads = factory.Services.GetRequiredService<NobodysPads>();
        async Task<List<string>> KeyIdsAsync(string address)
        {
            var keys = await pads.ForAsync(address, default);
            var ids = keys.Select(k => k.KeyId).ToList();
            foreach (var key in keys)
            {
                key.Dispose();
            }
            return ids;
        }

        Assert.Equal(await KeyIdsAsync("nobody@example.com"), await KeyIdsAsync(" Nobody@Example.com"));
        Assert.NotEqual(await KeyIdsAsync("nobody@example.com"), await KeyIdsAsync("nobody2@example.com"));
        var counts = new List<int>();
        for (var address = 0; address < 4000; address++)
        {
            counts.Add((await KeyIdsAsync($"{address}@example.com")).Count);
        }
        Assert.All(counts, count => Assert.InRange(count, 1, RequestPayload.MaxDevices));
        Assert.InRange(counts.Count(count => count == 1), 2800, 3200);
        Assert.Contains(counts, count => count >= 3);
    }
}
