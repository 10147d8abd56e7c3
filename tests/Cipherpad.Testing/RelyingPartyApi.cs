using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Accounts;
using Cipherpad.Contracts.Challenges;

namespace Cipherpad.Testing;

/// <summary>The relying-party API as a site calls it, read into the contract types; each call asserts the status it expects.</summary>
public static class RelyingPartyApi
{
    public static async Task<ChallengeResponse> CreateChallengeAsync(this HttpClient relyingParty, CreateChallengeRequest request)
    {
        var response = await relyingParty.PostAsJsonAsync("/api/v1/challenges", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ChallengeResponse>())!;
    }

    public static async Task<VerifyResponse> VerifyAsync(this HttpClient relyingParty, Guid challengeId, VerifyRequest request)
    {
        var response = await relyingParty.PostAsJsonAsync($"/api/v1/challenges/{challengeId}/verify", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VerifyResponse>())!;
    }

    public static async Task<AccountPolicy> PolicyAsync(this HttpClient relyingParty, string login) =>
        (await relyingParty.GetFromJsonAsync<AccountPolicy>($"/api/v1/accounts/policy?login={Uri.EscapeDataString(login)}"))!;
}
