using Cipherpad.Server.Web;

namespace Cipherpad.Server.Challenges;

/// <summary>The rule for an action's description, wherever a relying party gives one (the API, OpenID Connect).</summary>
public static class ActionDescription
{
    /// <summary>Why <paramref name="description"/> (trimmed) cannot be shown on a cipher pad, or null.</summary>
    public static string? Problem(string? description, string what)
    {
        if (string.IsNullOrEmpty(description) || description.Length > Core.Payloads.RequestPayload.MaxDescriptionLength)
        {
            return $"An action needs a {what} of 1 to {Core.Payloads.RequestPayload.MaxDescriptionLength} characters (UTF-16 code units: " +
                "an emoji counts as two), shown to the user.";
        }
        return DisplayText.Problem(description, what)?.ToString();
    }
}
