using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Answers;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.Observability;

/// <summary>
/// <c>/metrics</c> for Prometheus: off unless turned on; then questions issued, answers by result and method, messages
/// sent per channel and request latency, counted as they happen.
/// </summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class MetricsTests
{
    /// <summary>
    /// The sum of the series of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/> (0 when
    /// there is none). A meter is seen by every listener in the process, so other servers of the test run may add series
    /// of their own: only the change across one journey, with nothing else running, is this server's.
    /// </summary>
    private static double Sum(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture));

    [Fact]
    public async Task Metrics_are_off_unless_turned_on()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var response = await factory.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Questions_answers_messages_and_requests_are_counted_for_Prometheus()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string> { ["Cipherpad:Metrics:Enabled"] = "true" });
        using var scraper = factory.CreateClient();
        var before = await scraper.GetStringAsync("/metrics");
        // The exporter serves the same scrape for up to 300 ms.
        await Task.Delay(400);

        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        using (var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com")))
        {
            var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
            var answer = Journeys.AnswerWith(factory, pad, Purpose.Login, challenge.Question);
            await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer[..^1] + (answer[^1] == '0' ? '1' : '0')));
            await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer));
        }
        await factory.SendOutboxAsync();
        var after = await scraper.GetStringAsync("/metrics");
        double Counted(string metric, params string[] labels) => Sum(after, metric, labels) - Sum(before, metric, labels);

        Assert.Equal(1, Counted("cipherpad_questions_issued_total", "method=\"app\"", "purpose=\"login\""));
        Assert.Equal(1, Counted("cipherpad_authorizations_total", "result=\"wrong\"", "method=\"app\"", "purpose=\"login\""));
        Assert.Equal(1, Counted("cipherpad_authorizations_total", "result=\"success\"", "method=\"app\"", "purpose=\"login\""));
        Assert.Equal(1, Counted("cipherpad_outbox_sent_total", "channel=\"sms\""));
        Assert.True(Counted("cipherpad_outbox_sent_total", "channel=\"email\"") >= 1);
        Assert.Contains("cipherpad_outbox_depth{", after, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/v1/challenges/{id:guid}/verify\"", after, StringComparison.Ordinal);
        Assert.DoesNotContain("ann@example.com", after, StringComparison.Ordinal);
    }
}

/// <summary>Metrics are read process-wide: their test runs with nothing else running beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "Process-wide metrics";
}
