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
public sealed class MetricsTests
{
    /// <summary>The value of the one series of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>.</summary>
    private static double Value(string exposition, string metric, params string[] labels)
    {
        var series = exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .ToList();
        Assert.True(series.Count == 1, $"{metric} {string.Join(",", labels)}: {series.Count} series in{Environment.NewLine}{exposition}");
        return double.Parse(series[0][(series[0].LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

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

        var exposition = await factory.CreateClient().GetStringAsync("/metrics");

        Assert.Equal(1, Value(exposition, "cipherpad_questions_issued_total", "method=\"app\"", "purpose=\"login\""));
        Assert.Equal(1, Value(exposition, "cipherpad_authorizations_total", "result=\"wrong\"", "method=\"app\"", "purpose=\"login\""));
        Assert.Equal(1, Value(exposition, "cipherpad_authorizations_total", "result=\"success\"", "method=\"app\"", "purpose=\"login\""));
        Assert.True(Value(exposition, "cipherpad_outbox_sent_total", "channel=\"email\"") >= 1);
        Assert.Equal(1, Value(exposition, "cipherpad_outbox_sent_total", "channel=\"sms\""));
        Assert.Equal(0, Value(exposition, "cipherpad_outbox_depth"));
        Assert.Contains("http_server_request_duration_seconds_bucket{", exposition, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/v1/challenges/{id:guid}/verify\"", exposition, StringComparison.Ordinal);
        Assert.DoesNotContain("ann@example.com", exposition, StringComparison.Ordinal);
    }
}
