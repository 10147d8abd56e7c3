using System.Diagnostics;
using Cipherpad.Server.Accounts;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Accounts;

/// <summary>What the human check costs: the browser's work grows with the range, the server's stays one hash.</summary>
public sealed class HumanCheckTests : IDisposable
{
    private const int MaxNumber = 1_000_000;
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
    {
        ["Cipherpad:Accounts:HumanCheck:MaxNumber"] = MaxNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void The_client_tries_about_half_the_range_while_the_server_checks_with_one_hash()
    {
        var check = _factory.Services.GetRequiredService<HumanCheck>();
        var challenges = Enumerable.Range(0, 4).Select(_ => check.Create()).ToList();

        var solving = Stopwatch.StartNew();
        var solutions = challenges.Select(c => (Challenge: c, Number: Journeys.FindHumanCheckNumber(c.Salt, c.Challenge, c.MaxNumber)!.Value)).ToList();
        solving.Stop();
        var fields = solutions.Select(s => Journeys.HumanCheckSolution(s.Challenge.Algorithm, s.Challenge.Challenge, s.Number, s.Challenge.Salt,
            s.Challenge.Signature)).ToList();
        var checking = Stopwatch.StartNew();
        for (var i = 0; i < 250; i++)
        {
            foreach (var field in fields)
            {
                Assert.True(check.Check(field).Succeeded);
            }
        }
        checking.Stop();

        Assert.All(challenges, c => Assert.Equal(MaxNumber, c.MaxNumber));
        // A browser tries number + 1 hashes; the numbers are drawn evenly from the range, so four average half of it
        // (500,000), and an average under a tenth of the range comes up less than once in a million runs.
        var tries = solutions.Average(s => s.Number + 1.0);
        Assert.InRange(tries, MaxNumber / 10.0, MaxNumber);
        // 1,000 checks (a hash, an HMAC and the JSON each) against some 2,000,000 hashes of solving: far apart whatever
        // else the machine is doing, and only if checking does not search.
        Assert.True(checking.Elapsed * 20 < solving.Elapsed, $"1,000 checks took {checking.Elapsed}, solving 4 took {solving.Elapsed}");
    }

    [Fact]
    public void Each_challenge_is_new_and_its_secret_number_lies_in_the_range()
    {
        var check = _factory.Services.GetRequiredService<HumanCheck>();

        var first = check.Create();
        var second = check.Create();

        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.Challenge, second.Challenge);
        Assert.Matches("^[0-9a-f]{24}\\?expires=[0-9]+&$", first.Salt);
        var expires = long.Parse(first.Salt[(first.Salt.IndexOf('=', StringComparison.Ordinal) + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - _factory.Time.GetUtcNow().ToUnixTimeSeconds(), 30 * 60 - 2, 30 * 60);
        Assert.NotNull(Journeys.FindHumanCheckNumber(first.Salt, first.Challenge, first.MaxNumber));
    }
}
