namespace Cipherpad.Contracts.Accounts;

/// <summary>What a relying party may know of an account before it acts: <c>GET /api/v1/accounts/policy?login=…</c>.</summary>
/// <param name="Login">The login asked about, normalized.</param>
/// <param name="ConfirmAllOperations">Whether the user asked that every operation be confirmed.</param>
/// <param name="AppMethod">Whether the cipher pad method is on (also in <paramref name="Methods"/>).</param>
/// <param name="SmsMethod">Whether answers by SMS are on (also in <paramref name="Methods"/>).</param>
/// <param name="SmsLeftToday">SMS answers left today for logins and actions.</param>
/// <param name="Methods">The names of the answer methods the user has on, such as <c>app</c> and <c>sms</c>.</param>
public sealed record AccountPolicy(string Login, bool ConfirmAllOperations, bool AppMethod, bool SmsMethod, int SmsLeftToday, IReadOnlyList<string> Methods);
