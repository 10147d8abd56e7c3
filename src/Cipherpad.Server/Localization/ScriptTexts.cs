using Microsoft.Extensions.Localization;

namespace Cipherpad.Server.Localization;

/// <summary>
/// The texts that the pages' scripts write (<c>wwwroot/js</c>), handed to them in the page's language as a JSON block that
/// the layout writes and the scripts read by their English.
/// </summary>
public static class ScriptTexts
{
    private static readonly string[] Keys =
    [
        "Time left to answer: {0}",
        "This question has expired.",
        "Ask for a new one",
        "Copy",
        "Copy the question",
        "Copied",
        "Select and copy it yourself",
        "Checking you are a person… {0}%",
        "The form is sent as soon as the check is done.",
        "The check that you are a person needs a secure connection (https). Open this page through https and try again.",
        "The check that you are a person did not work out. Send the form or reload the page for a new one.",
        "Checked: you are a person. You can send the form.",
        "The check that you are a person failed in this browser. Send the form or reload the page for a new one.",
        "Sending…",
        "This browser cannot use passkeys; use another way, or a newer browser.",
        "Your device did not answer with a passkey ({0}). Try again, or use another way.",
    ];

    /// <summary>Each script text by its English, in the current UI language.</summary>
    public static Dictionary<string, string> In(IStringLocalizer localizer) => Keys.ToDictionary(key => key, key => localizer[key].Value);
}
