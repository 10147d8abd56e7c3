using Cipherpad.Server.Pages;

namespace Cipherpad.Server.Tests.Pages;

/// <summary>Where a confirmed change may send the person next: a page of their account, never another site.</summary>
public sealed class ConfirmChangeNextStepTests
{
    [Theory]
    [InlineData("/account/passkeys/new/0199a1b2-0000-7000-8000-000000000000", true)]
    [InlineData("/account/devices", true)]
    [InlineData("//evil.example/account/", false)]
    [InlineData("/account//evil.example", false)]
    [InlineData("/account/\\evil.example", false)]
    [InlineData("https://evil.example/account/", false)]
    [InlineData("/signin", false)]
    [InlineData("/account", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_a_page_of_the_account_is_a_next_step(string? next, bool allowed) =>
        Assert.Equal(allowed, ConfirmChangeModel.IsNextStep(next));
}
