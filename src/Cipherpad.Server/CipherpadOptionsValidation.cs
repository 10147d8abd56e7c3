using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server;

/// <summary>
/// Validates every section of <see cref="CipherpadOptions"/> — the nested ones too, which the built-in data-annotation
/// validation skips — and names each bad value by its configuration path, such as Cipherpad:Challenges:QuestionLength.
/// </summary>
public sealed class CipherpadOptionsValidation : IValidateOptions<CipherpadOptions>
{
    public ValidateOptionsResult Validate(string? name, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(options, CipherpadOptions.Section, failures);
        if (options.Database.Provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            failures.Add("Cipherpad:Database:ConnectionString is required when Cipherpad:Database:Provider is PostgreSql.");
        }
        else if (ConnectionStringProblem(options) is { } problem)
        {
            failures.Add(problem);
        }
        if (!string.IsNullOrWhiteSpace(options.Sms.WebhookUrl)
            && (!Uri.TryCreate(options.Sms.WebhookUrl, UriKind.Absolute, out var webhook) || webhook.Scheme is not ("http" or "https")))
        {
            failures.Add($"Cipherpad:Sms:WebhookUrl = '{options.Sms.WebhookUrl}': give the gateway's http(s) address, or leave it empty to use the outbox.");
        }
        foreach (var (currency, fee) in options.Sms.PaymentFees)
        {
            if (!Core.Payments.PaymentDetails.TryCreate("fee", fee, currency, out _, out var problem))
            {
                failures.Add($"Cipherpad:Sms:PaymentFees:{currency} = '{fee}': each entry maps a three-letter currency to a positive amount in it, " +
                    $"such as \"USD\": \"0.05\" ({problem.Message})");
            }
        }
        for (var i = 0; i < options.ReverseProxy.TrustedProxies.Count; i++)
        {
            var entry = options.ReverseProxy.TrustedProxies[i];
            if (ReverseProxy.TrustedProxies.Problem(entry) is { } problem)
            {
                failures.Add($"Cipherpad:ReverseProxy:TrustedProxies:{i} = '{entry}' {problem}");
            }
        }
        for (var i = 0; i < options.ForwardAuth.ProtectedHosts.Count; i++)
        {
            var entry = options.ForwardAuth.ProtectedHosts[i];
            var host = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
            if (Uri.CheckHostName(host) != UriHostNameType.Dns || !host.Contains('.', StringComparison.Ordinal) && host != "localhost")
            {
                failures.Add($"Cipherpad:ForwardAuth:ProtectedHosts:{i} = '{entry}': give a host name such as wiki.example.com, or *.example.com " +
                    "for every subdomain (no scheme, port or path).");
            }
        }
        if (options.ForwardAuth.ProtectedHosts.Count > 0 && options.ForwardAuth.AllowedUsers.Count == 0)
        {
            failures.Add("Cipherpad:ForwardAuth:AllowedUsers is empty: anyone can register an account, so say who may pass the protected sites " +
                "(e-mail addresses, *@example.com for a domain, or * for every account).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Read as the provider will, so that a value it cannot read stops the start with this line instead of a stack trace at
    // the first query. The parser's message names the fault, not the value, which may hold a password.
    private static string? ConnectionStringProblem(CipherpadOptions options)
    {
        try
        {
            if (options.Database.Provider == DatabaseProvider.PostgreSql)
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.Database.ConnectionString);
            }
            else
            {
                _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Storage.StorageExtensions.SqliteConnectionString(options));
            }
            return null;
        }
        catch (ArgumentException exception)
        {
            return options.Database.Provider == DatabaseProvider.PostgreSql
                ? $"Cipherpad:Database:ConnectionString is not a PostgreSQL connection string ({exception.Message}); write it as " +
                    "Host=db;Database=cipherpad;Username=cipherpad;Password=…"
                : $"Cipherpad:Database:ConnectionString is not a SQLite connection string ({exception.Message}); give the database file's " +
                    "path, such as /var/lib/cipherpad/cipherpad.db, or a connection string such as Data Source=/var/lib/cipherpad/cipherpad.db.";
        }
    }

    private static void Check(object section, string path, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        failures.AddRange(results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        foreach (var property in section.GetType().GetProperties())
        {
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.PropertyType.Assembly == typeof(CipherpadOptions).Assembly
                && property.GetValue(section) is { } nested)
            {
                Check(nested, $"{path}:{property.Name}", failures);
            }
        }
    }
}
