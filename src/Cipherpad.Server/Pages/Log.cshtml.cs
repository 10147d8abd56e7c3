using System.Globalization;
using System.Text;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Pages;

/// <summary>The account's authorization log: newest first, paged, filtered, downloadable as CSV. Read-only.</summary>
public sealed class LogModel(CipherpadDbContext db) : AccountPage
{
    public const int PageSize = 25;

    [FromQuery(Name = "result")] public string? Result { get; set; }
    [FromQuery(Name = "method")] public string? Method { get; set; }
    [FromQuery(Name = "rp")] public string? RelyingParty { get; set; }
    [FromQuery(Name = "from")] public string? FromText { get; set; }
    [FromQuery(Name = "to")] public string? ToText { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public DateOnly? From { get; private set; }
    public DateOnly? To { get; private set; }
    public int Total { get; private set; }
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public List<AuthorizationLogEntry> Entries { get; private set; } = [];
    public List<string> Results { get; private set; } = [];
    public List<string> Methods { get; private set; } = [];
    public List<string> RelyingParties { get; private set; } = [];
    public Dictionary<Guid, string> DeviceNames { get; private set; } = [];

    public string CsvLink => Query(PageNumber).Replace("/account/log?", "/account/log?handler=Csv&", StringComparison.Ordinal);

    public string PageLink(int page) => Query(page);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var filtered = Filtered();
        Total = await filtered.CountAsync(cancellationToken);
        PageNumber = Math.Clamp(PageNumber, 1, PageCount);
        Entries = await filtered.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .ToListAsync(cancellationToken);
        var own = db.AuthorizationLog.AsNoTracking().Where(e => e.AccountId == AccountId);
        Results = await own.Select(e => e.Result).Distinct().OrderBy(r => r).ToListAsync(cancellationToken);
        Methods = await own.Select(e => e.Method).Distinct().OrderBy(m => m).ToListAsync(cancellationToken);
        RelyingParties = (await own.Where(e => e.RelyingParty != null).Select(e => e.RelyingParty!).Distinct().ToListAsync(cancellationToken))
            .Order(StringComparer.Ordinal).ToList();
        DeviceNames = await db.Devices.AsNoTracking().Where(d => d.AccountId == AccountId).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var entries = await Filtered().OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        var devices = await db.Devices.AsNoTracking().Where(d => d.AccountId == AccountId).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var csv = new StringBuilder("time_utc,result,method,purpose,relying_party,ip,device,details\r\n");
        foreach (var e in entries)
        {
            var device = e.DeviceId is { } id && devices.TryGetValue(id, out var name) ? name : "";
            csv.AppendJoin(',', new[] { e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), e.Result, e.Method, e.Purpose,
                e.RelyingParty, e.Ip, device, e.Detail }.Select(Csv)).Append("\r\n");
        }
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "cipherpad-authorization-log.csv");
    }

    private IQueryable<AuthorizationLogEntry> Filtered()
    {
        var query = db.AuthorizationLog.AsNoTracking().Where(e => e.AccountId == AccountId);
        if (!string.IsNullOrEmpty(Result))
        {
            query = query.Where(e => e.Result == Result);
        }
        if (!string.IsNullOrEmpty(Method))
        {
            query = query.Where(e => e.Method == Method);
        }
        if (!string.IsNullOrEmpty(RelyingParty))
        {
            query = query.Where(e => e.RelyingParty == RelyingParty);
        }
        From = ParseDate(FromText, "From");
        To = ParseDate(ToText, "To");
        if (From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At >= start);
        }
        if (To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At < end);
        }
        return query;
    }

    private DateOnly? ParseDate(string? text, string label)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        Problem = $"{label} must be a date such as 2026-11-25; it was ignored.";
        return null;
    }

    private string Query(int page)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("result", Result);
        Add("method", Method);
        Add("rp", RelyingParty);
        Add("from", FromText);
        Add("to", ToText);
        Add("page", page.ToString(CultureInfo.InvariantCulture));
        return "/account/log?" + string.Join('&', parts);
    }

    // Quoted when needed; a leading =, +, - or @ is neutralised so a spreadsheet never runs it as a formula.
    private static string Csv(string? value)
    {
        value ??= "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
