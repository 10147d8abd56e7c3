using Cipherpad.Server.Challenges;
using Cipherpad.Server.Tests.Accounts;

namespace Cipherpad.Server.Tests.Challenges;

/// <summary>
/// The back-off of <see cref="SourceThrottles"/> on a stopped clock, so each wait is exact: five failures from one source
/// before it waits, twenty from all sources together before the account-wide layer acts, fifteen minutes at most.
/// </summary>
public sealed class SourceThrottlesTests : WithAnAccount
{
    private const string Scope = "answer";
    private const string Attacker = "203.0.113.9";
    private const string Owner = "198.51.100.1";

    private SourceThrottles Throttles => Service<SourceThrottles>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Time.Stop();
    }

    /// <summary>Wrong guesses from <paramref name="source"/>, each taken as an attempt first; a guesser that must wait, waits.</summary>
    private async Task FailAsync(string source, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            if (await WaitAsync(source) is { } wait)
            {
                Time.Offset += wait;
            }
            Assert.Null(await Throttles.TryReserveAsync(Ann.Id, Scope, source, default));
        }
    }

    private Task<TimeSpan?> WaitAsync(string source, string scope = Scope) => Throttles.BlockedForAsync(Ann.Id, scope, source, default);

    [Fact]
    public async Task A_source_may_fail_four_times_and_waits_one_second_after_the_fifth()
    {
        await FailAsync(Attacker, 4);
        Assert.Null(await WaitAsync(Attacker));

        await FailAsync(Attacker);

        Assert.Equal(TimeSpan.FromSeconds(1), await WaitAsync(Attacker));
    }

    [Fact]
    public async Task A_source_waits_twice_as_long_after_each_further_failure()
    {
        await FailAsync(Attacker, 4);
        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 5; i++)
        {
            await FailAsync(Attacker);
            waits.Add(await WaitAsync(Attacker));
        }

        Assert.Equal([1, 2, 4, 8, 16], waits.Select(w => w?.TotalSeconds));
    }

    [Fact]
    public async Task The_wait_stops_growing_at_the_maximum()
    {
        await FailAsync(Attacker, 4 + 10); // the tenth would wait 512 s, the eleventh 1024 s
        Assert.Equal(TimeSpan.FromSeconds(512), await WaitAsync(Attacker));

        await FailAsync(Attacker);
        Assert.Equal(TimeSpan.FromMinutes(15), await WaitAsync(Attacker));
        await FailAsync(Attacker, 30);
        Assert.Equal(TimeSpan.FromMinutes(15), await WaitAsync(Attacker));
    }

    [Fact]
    public async Task A_block_runs_out_as_time_passes()
    {
        await FailAsync(Attacker, 6);
        Assert.Equal(TimeSpan.FromSeconds(2), await WaitAsync(Attacker));

        Time.Offset += TimeSpan.FromMilliseconds(1500);
        Assert.Equal(TimeSpan.FromMilliseconds(500), await WaitAsync(Attacker));
        Time.Offset += TimeSpan.FromMilliseconds(500);
        Assert.Null(await WaitAsync(Attacker));
    }

    [Fact]
    public async Task A_source_that_waited_out_its_block_waits_longer_at_its_next_failure()
    {
        await FailAsync(Attacker, 5);
        Time.Offset += TimeSpan.FromSeconds(1);
        Assert.Null(await WaitAsync(Attacker));

        await FailAsync(Attacker);

        Assert.Equal(TimeSpan.FromSeconds(2), await WaitAsync(Attacker));
    }

    [Fact]
    public async Task A_success_clears_the_back_off_and_the_count_starts_again()
    {
        await FailAsync(Owner, 6);
        Assert.NotNull(await WaitAsync(Owner));

        await Throttles.RecordSuccessAsync(Ann.Id, Scope, Owner, default);
        Assert.Null(await WaitAsync(Owner));
        await FailAsync(Owner, 4);
        Assert.Null(await WaitAsync(Owner));
        await FailAsync(Owner);
        Assert.Equal(TimeSpan.FromSeconds(1), await WaitAsync(Owner));
    }

    [Fact]
    public async Task One_source_waiting_does_not_hold_up_another()
    {
        await FailAsync(Attacker, 8);

        Assert.Null(await WaitAsync(Owner));
    }

    [Fact]
    public async Task Failures_at_answers_do_not_hold_up_security_questions()
    {
        await FailAsync(Attacker, 8);

        Assert.Null(await WaitAsync(Attacker, "security-question"));
    }

    [Fact]
    public async Task After_twenty_failures_from_many_sources_new_sources_wait_but_the_owners_does_not()
    {
        await Throttles.RecordSuccessAsync(Ann.Id, Scope, Owner, default);
        for (var i = 0; i < 19; i++)
        {
            await FailAsync($"203.0.113.{i}"); // one failure each: no source alone is throttled
        }
        Assert.Null(await WaitAsync("192.0.2.200"));

        await FailAsync("203.0.113.19");

        Assert.Equal(TimeSpan.FromSeconds(1), await WaitAsync("192.0.2.200"));
        Assert.Equal(TimeSpan.FromSeconds(1), await WaitAsync("203.0.113.0"));
        Assert.Null(await WaitAsync(Owner));
    }

    [Fact]
    public async Task The_account_wide_wait_also_doubles_and_runs_out()
    {
        for (var i = 0; i < 22; i++)
        {
            await FailAsync($"203.0.113.{i}");
        }
        Assert.Equal(TimeSpan.FromSeconds(4), await WaitAsync("192.0.2.200"));

        Time.Offset += TimeSpan.FromSeconds(4);

        Assert.Null(await WaitAsync("192.0.2.200"));
    }

    [Fact]
    public async Task The_owners_success_lifts_the_account_wide_wait_for_everyone()
    {
        for (var i = 0; i < 20; i++)
        {
            await FailAsync($"203.0.113.{i}");
        }
        Assert.NotNull(await WaitAsync("192.0.2.200"));

        await Throttles.RecordSuccessAsync(Ann.Id, Scope, Owner, default);

        Assert.Null(await WaitAsync("192.0.2.200"));
    }
}
