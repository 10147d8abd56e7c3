using Cipherpad.Server.Problems;

namespace Cipherpad.Server.Tests;

/// <summary>Every error code has a status, a title and a stable wire name that no other code shares.</summary>
public sealed class ProblemCatalogueTests
{
    [Fact]
    public void Every_code_maps_to_a_client_or_server_error_status()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            var (status, title) = ProblemResults.Describe(code);
            Assert.InRange(status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(title), code.ToString());
        }
    }

    [Fact]
    public void Wire_names_are_kebab_case_and_unique()
    {
        var names = Enum.GetValues<ErrorCode>().Select(c => c.WireName()).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches("^[a-z]+(-[a-z]+)*$", name));
        Assert.Equal("sms-daily-limit-reached", ErrorCode.SmsDailyLimitReached.WireName());
    }

    [Fact]
    public void A_problem_carries_the_code_the_field_the_text_and_the_facts()
    {
        var problem = Errors.WrongActivationCode(3).ToProblem().ProblemDetails;

        Assert.Equal((403, "The activation code is wrong, already used or expired; 3 attempt(s) left from this address."), (problem.Status!.Value, problem.Detail!));
        Assert.Equal("wrong-activation-code", problem.Extensions["code"]);
        Assert.Equal("clientConfirmation", problem.Extensions["field"]);
        Assert.Equal(3, problem.Extensions["attemptsLeft"]);
    }
}
