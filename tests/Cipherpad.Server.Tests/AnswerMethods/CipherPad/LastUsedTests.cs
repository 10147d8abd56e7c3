using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.AnswerMethods.CipherPad;

/// <summary>When a pad last answered is kept to the minute: a pad in constant use costs a write a minute, not one per answer.</summary>
public sealed class LastUsedTests : IDisposable
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    [Fact]
    public async Task A_pads_last_use_is_recorded_on_its_first_answer_and_then_at_most_once_a_minute()
    {
        _factory.Time.Stop();
        var pad = await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        Assert.Null(await LastUsedAsync());

        var first = _factory.Time.GetUtcNow();
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(_factory, shop, "ann@example.com", pad));
        Assert.Equal(first, await LastUsedAsync());

        _factory.Time.Offset += TimeSpan.FromSeconds(59);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(_factory, shop, "ann@example.com", pad));
        Assert.Equal(first, await LastUsedAsync());

        _factory.Time.Offset += TimeSpan.FromSeconds(1);
        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(_factory, shop, "ann@example.com", pad));
        Assert.Equal(first.AddMinutes(1), await LastUsedAsync());
    }

    private async Task<DateTimeOffset?> LastUsedAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>().Devices.Select(d => d.LastUsedAt).SingleAsync();
    }

    public void Dispose() => _factory.Dispose();
}
