using System.Net.Http.Json;
using System.Text.Json;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests;

/// <summary>The OpenAPI document tells a relying party's developer, or a client generator, how each operation authenticates.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Relying_party_operations_take_HTTP_Basic_or_a_bearer_token_and_the_cipher_pads_need_neither()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var client = factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(RelyingPartyApiSecurity.SchemeName);
        Assert.Equal(("http", "basic"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(RelyingPartyApiSecurity.BearerSchemeName);
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        Assert.False(document.TryGetProperty("security", out _), "no requirement applies to the whole document");
        var paths = document.GetProperty("paths");
        Assert.All(new[]
        {
            paths.GetProperty("/api/v1/challenges").GetProperty("post"),
            paths.GetProperty("/api/v1/challenges/{id}").GetProperty("get"),
            paths.GetProperty("/api/v1/challenges/{id}/verify").GetProperty("post"),
            paths.GetProperty("/api/v1/accounts/policy").GetProperty("get"),
        }, operation =>
        {
            // Two requirements, either of which is enough.
            Assert.Equal(2, operation.GetProperty("security").GetArrayLength());
            Assert.Equal([RelyingPartyApiSecurity.SchemeName, RelyingPartyApiSecurity.BearerSchemeName], RequiredSchemes(operation));
        });
        Assert.Empty(RequiredSchemes(paths.GetProperty("/api/v1/activations").GetProperty("post")));
        Assert.Empty(RequiredSchemes(paths.GetProperty("/api/v1/activations/{activationId}/finish").GetProperty("post")));
    }

    private static string[] RequiredSchemes(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(scheme => scheme.Name)).ToArray()
            : [];
}
