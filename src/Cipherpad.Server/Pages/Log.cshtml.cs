using System.Globalization;
using System.Text;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Devices;
using Microsoft.AspNetCore.Mvc;

namespace Cipherpad.Server.Pages;

/// <summary>The account's authorization log: newest first, paged, filtered, downloadable as CSV. Read-only.</summary>
public sealed class LogModel(AuthorizationLogReader log, DeviceRegistry devices) : AccountPage
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

    /// <summary>Whether older entries in the chosen dates lie beyond those a page looks at (<see cref="AuthorizationLogReader.CountedEntries"/>).</summary>
    public bool More { get; private set; }
    public int PageCount { get; private set; } = 1;

    /// <summary>The number of pages as shown: with a + when older entries lie beyond those a page looks at.</summary>
    public string PageCountShown => PageCount.ToString(CultureInfo.InvariantCulture) + (More ? "+" : "");
    public IReadOnlyList<AuthorizationLogEntry> Entries { get; private set; } = [];
    public IReadOnlyList<string> Results { get; private set; } = [];
    public IReadOnlyList<string> Methods { get; private set; } = [];
    public IReadOnlyList<string> RelyingParties { get; private set; } = [];
    public Dictionary<Guid, string> DeviceNames { get; private set; } = [];

    public string CsvLink => Query(PageNumber).Replace("/account/log?", "/account/log?handler=Csv&", StringComparison.Ordinal);

    public string PageLink(int page) => Query(page);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var page = await log.PageAsync(AccountId, Filter(), PageNumber, PageSize, cancellationToken);
        (Entries, PageNumber, PageCount, Total) = (page.Entries, page.Number, page.Count, page.Total);
        More = page.More;
        var choices = await log.ChoicesAsync(AccountId, cancellationToken);
        (Results, Methods, RelyingParties) = (choices.Results, choices.Methods, choices.RelyingParties);
        DeviceNames = await devices.NamesAsync(AccountId, cancellationToken);
    }

    /// <summary>The matching entries as CSV, streamed as they are read.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var filter = Filter();
        var names = await devices.NamesAsync(AccountId, cancellationToken);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = "cipherpad-authorization-log.csv",
            FileName = "cipherpad-authorization-log.csv",
        }.ToString();
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await log.WriteCsvAsync(AccountId, filter, names, writer, cancellationToken);
        return new EmptyResult();
    }

    private AuthorizationLogFilter Filter()
    {
        From = ParseDate(FromText, "From");
        To = ParseDate(ToText, "To");
        return new AuthorizationLogFilter(Result, Method, RelyingParty, From, To);
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
}
