using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary>One row of the cipher pads table; <see cref="Id"/> is null for a revoked pad, which has no forms.</summary>
public sealed record DeviceRow(string Name, string State, string? Id, string Kind, string Approves);

/// <summary><c>/account/devices</c>: the account's cipher pads, each with rename and revoke, and adding one.</summary>
public sealed class DevicesPage : HtmlPage
{
    private DevicesPage(HttpClient browser, IHtmlDocument document)
        : base(browser, "/account/devices", document)
    {
    }

    public IReadOnlyList<DeviceRow> Devices =>
    [
        .. Document.QuerySelectorAll("#devices tr").Skip(1).Select(row => row.QuerySelectorAll("td")).Select(cells => new DeviceRow(
            cells[0].TextContent.Trim(), cells[5].TextContent.Trim(), cells[6].QuerySelector<IHtmlInputElement>("input[name=DeviceId]")?.Value,
            cells[1].TextContent.Trim(), cells[2].TextContent.Trim())),
    ];

    public static async Task<DevicesPage> OpenAsync(HttpClient browser) => new(browser, await ReadAsync(browser, "/account/devices"));

    /// <summary>The pad called <paramref name="name"/>.</summary>
    public DeviceRow Device(string name)
    {
        var device = Devices.SingleOrDefault(d => d.Name == name);
        Assert.True(device is not null, $"the page lists a cipher pad \"{name}\"");
        return device;
    }
}
