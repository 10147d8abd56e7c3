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
        return [.. methods.Registered.Select(m => m.Name).Where(name => form[name] == "true")];
    }

    /// <summary>A person's first choice, at registration: every registered method offered, the cipher pad ticked.</summary>
    public static MethodChoice First(AccountMethods methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        return new(methods.Registered, [AnswerMethods.CipherPad.CipherPadMethod.MethodName]);
    }

    /// <summary>
    /// The choice at recovery: the methods the account has on stay ticked, so that recovering changes none of them unless
    /// the person does; and the cipher pad, which recovery activates anew.
    /// </summary>
    public static async Task<MethodChoice> KeepingAsync(AccountMethods methods, Guid accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(methods);
        var on = await methods.OnAsync(accountId, cancellationToken);
        return new(methods.Registered, [AnswerMethods.CipherPad.CipherPadMethod.MethodName, .. on]);
    }
}
