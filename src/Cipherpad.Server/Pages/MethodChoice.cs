using Cipherpad.Server.AnswerMethods;

namespace Cipherpad.Server.Pages;

/// <summary>
/// The "choose your methods" checkboxes, one per registered answer method (<c>_MethodChoice.cshtml</c>), used at
/// registration, at recovery and on the methods page. Each box is named after the method's <see cref="IAnswerMethod.Name"/>.
/// </summary>
public sealed record MethodChoice(IReadOnlyList<IAnswerMethod> Methods, IReadOnlyCollection<string> Checked)
{
    /// <summary>The registered methods whose box was ticked in <paramref name="form"/>.</summary>
    public static List<string> Read(IFormCollection form, AccountMethods methods)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(methods);
        return methods.Known(methods.Registered.Select(m => m.Name).Where(name => form[name] == "true"));
    }
}
