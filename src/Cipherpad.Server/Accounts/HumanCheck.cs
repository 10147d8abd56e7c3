using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Accounts;

/// <summary>What a form hands to the browser: find the number from 0 to <see cref="MaxNumber"/> with SHA-256(<see cref="Salt"/> + number) = <see cref="Challenge"/>.</summary>
/// <param name="Algorithm">Always <see cref="HumanCheck.Algorithm"/>.</param>
/// <param name="Challenge">SHA-256 of the salt and the secret number, lowercase hex.</param>
/// <param name="MaxNumber">The largest number to try.</param>
/// <param name="Salt">24 random hex digits, <c>?expires=</c>, the expiry in Unix seconds and <c>&amp;</c>.</param>
/// <param name="Signature">HMAC-SHA256 of the challenge under the server's human-check key, lowercase hex.</param>
public sealed record HumanCheckChallenge(string Algorithm, string Challenge, int MaxNumber, string Salt, string Signature)
{
    /// <summary>The browser's solution, when the form comes back with a check that was solved and not yet used: the page need not solve it again.</summary>
    public string? Solution { get; init; }
}

/// <summary>What the browser sends back, as JSON in the form's <c>HumanCheck</c> field: the challenge with the number it found.</summary>
public sealed record HumanCheckSolution(string? Algorithm, string? Challenge, long Number, string? Salt, string? Signature);

/// <summary>A solution that is right, signed by this server and not expired; <see cref="HumanCheck.SpendAsync"/> uses it up.</summary>
public sealed record HumanCheckPass(string Challenge, DateTimeOffset ExpiresAt);

/// <summary>
/// A proof of work that a person's browser does in a moment and a bot must pay for every form it sends, in the scheme of
/// ALTCHA, with no outside service. The server draws a secret number up to <see cref="HumanCheckOptions.MaxNumber"/> and
/// hands out SHA-256(salt + number) with the salt, the range and an HMAC of the challenge; the browser tries numbers until
/// the hash matches (half the range on average), the server checks an answer with one hash and one HMAC and stores
/// nothing until it is used. The salt carries the expiry and the challenge commits to the salt, so neither can be altered
/// without finding a new preimage; the salt ends with <c>&amp;</c>, so no digit of the number can be read as part of the
/// expiry (the splicing that ALTCHA's security advisory of December 2025 describes). A right answer counts once:
/// <see cref="SpendAsync"/> inserts the challenge as a primary key, so of any number of requests sending the same
/// solution, on any number of instances, one wins.
/// </summary>
public sealed partial class HumanCheck(MasterKey masterKey, IOptions<CipherpadOptions> options, TimeProvider time, IDbContextFactory<CipherpadDbContext> databases)
{
    public const string Algorithm = "SHA-256";

    // Far above what this server hands out; a longer field is not worth parsing.
    private const int MaxSolutionLength = 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly byte[] _key = masterKey.DeriveKey("human check v1");

    private HumanCheckOptions Settings => options.Value.Accounts.HumanCheck;

    public HumanCheckChallenge Create()
    {
        var expires = time.GetUtcNow() + Settings.Lifetime;
        var salt = string.Create(CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}?expires={expires.ToUnixTimeSeconds()}&");
        var challenge = Hash(salt, RandomNumberGenerator.GetInt32(0, Settings.MaxNumber + 1));
        return new HumanCheckChallenge(Algorithm, challenge, Settings.MaxNumber, salt, Sign(challenge));
    }

    /// <summary>Whether <paramref name="solution"/> (the form's JSON) is right, ours and in time. One hash and one HMAC, whatever the difficulty.</summary>
    public Result<HumanCheckPass> Check(string? solution)
    {
        if (string.IsNullOrWhiteSpace(solution))
        {
            return Errors.HumanCheckMissing();
        }
        if (solution.Length > MaxSolutionLength || Parse(solution) is not { Algorithm: Algorithm, Challenge: { } challenge, Salt: { } salt, Signature: { } signature } parsed
            || parsed.Number < 0 || ExpiryOf(salt) is not { } expires)
        {
            return Errors.HumanCheckFailed();
        }
        if (!SameText(Sign(challenge), signature) || !SameText(Hash(salt, parsed.Number), challenge))
        {
            return Errors.HumanCheckFailed();
        }
        if (expires <= time.GetUtcNow())
        {
            return Errors.HumanCheckExpired();
        }
        return new HumanCheckPass(challenge, expires);
    }

    /// <summary>
    /// The challenge of <paramref name="solution"/> with the solution kept, for a form shown again after a refusal that did
    /// not use the check up; a new challenge when the solution is not right, ours and in time.
    /// </summary>
    public HumanCheckChallenge Keep(string? solution) =>
        Check(solution).Succeeded && Parse(solution!) is { Challenge: { } challenge, Salt: { } salt, Signature: { } signature }
            ? new HumanCheckChallenge(Algorithm, challenge, Settings.MaxNumber, salt, signature) { Solution = solution }
            : Create();

    /// <summary>Uses the pass up; refuses with <see cref="Errors.HumanCheckUsed"/> when any request used it before. Commits on its own.</summary>
    public async Task<CipherpadError?> SpendAsync(HumanCheckPass pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        // Its own context and commit: a spent check stays spent even when the form it came with is then refused, so one
        // solution cannot be replayed to ask, say, whether an address is registered.
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.SpentHumanChecks.Add(new SpentHumanCheck { Challenge = pass.Challenge, ExpiresAt = pass.ExpiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.SpentHumanChecks.AnyAsync(s => s.Challenge == pass.Challenge, cancellationToken))
            {
                return Errors.HumanCheckUsed();
            }
            throw;
        }
    }

    /// <summary><see cref="Check"/>, then <see cref="SpendAsync"/>: null when the form may go on.</summary>
    public async Task<CipherpadError?> PassAsync(string? solution, CancellationToken cancellationToken)
    {
        var checkedSolution = Check(solution);
        return checkedSolution.Succeeded ? await SpendAsync(checkedSolution.Value, cancellationToken) : checkedSolution.Error;
    }

    /// <summary>SHA-256 of the salt followed by the number in decimal, lowercase hex: what the browser computes for each try.</summary>
    public static string Hash(string salt, long number) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + number.ToString(CultureInfo.InvariantCulture))));

    private string Sign(string challenge) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(challenge)));

    private static bool SameText(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private static HumanCheckSolution? Parse(string solution)
    {
        try
        {
            return JsonSerializer.Deserialize<HumanCheckSolution>(solution, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The expiry of a salt in exactly the form <see cref="Create"/> writes, or null for any other text.</summary>
    private static DateTimeOffset? ExpiryOf(string salt) =>
        SaltForm().Match(salt) is { Success: true } match
            ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture))
            : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[0-9a-f]{24}\?expires=([0-9]{1,11})&\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SaltForm();
}
