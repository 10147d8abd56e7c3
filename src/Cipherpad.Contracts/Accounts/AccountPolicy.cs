namespace Cipherpad.Contracts.Accounts;

/// <summary>What a relying party may know of an account before it acts: <c>GET /api/v1/accounts/policy?login=…</c>.</summary>
/// <param name="Login">The login asked about, normalized.</param>
/// <param name="ConfirmAllOperations">Whether the user asked that every operation be confirmed.</param>
/// <param name="AppMethod">Whether the cipher pad method is on (also in <paramref name="Methods"/>).</param>
/// <param name="SmsMethod">Whether answers by SMS are on (also in <paramref name="Methods"/>).</param>
/// <param name="SmsLeftToday">SMS answers left today for logins and actions, for all relying parties together.</param>
/// <param name="SmsLeftThisHour">
/// SMS answers, of any purpose, the calling relying party may still have sent to the account this UTC hour: the smaller of
/// what is left of its own hourly share and of the account's hourly total. A login or action by SMS needs
/// <paramref name="SmsLeftToday"/> too.
/// </param>
/// <param name="Methods">The names of the answer methods the user has on, such as <c>app</c> and <c>sms</c>.</param>
public sealed record AccountPolicy(string Login, bool ConfirmAllOperations, bool AppMethod, bool SmsMethod, int SmsLeftToday, int SmsLeftThisHour,
    IReadOnlyList<string> Methods);
