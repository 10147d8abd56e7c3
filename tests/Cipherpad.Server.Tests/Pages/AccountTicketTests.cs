using Cipherpad.Server.Pages;
using Microsoft.AspNetCore.DataProtection;

namespace Cipherpad.Server.Tests.Pages;

public sealed class AccountTicketTests
{
    private readonly EphemeralDataProtectionProvider _protection = new();

    [Fact]
    public void A_ticket_names_the_account_it_was_issued_for()
    {
        var tickets = new AccountTicket(_protection, "Test.v1", TimeSpan.FromMinutes(5));
        var accountId = Guid.CreateVersion7();

        Assert.Equal(accountId, tickets.Read(tickets.Issue(accountId)));
    }

    [Fact]
    public void A_ticket_from_another_flow_an_altered_one_or_none_is_refused()
    {
        var recovery = new AccountTicket(_protection, "Test.Recovery.v1", TimeSpan.FromMinutes(5));
        var methods = new AccountTicket(_protection, "Test.Methods.v1", TimeSpan.FromMinutes(5));
        var ticket = recovery.Issue(Guid.CreateVersion7());

        Assert.Null(methods.Read(ticket));
        Assert.Null(recovery.Read(ticket[..^2] + (ticket[^2] == 'A' ? "B" : "A") + ticket[^1]));
        Assert.Null(recovery.Read(null));
        Assert.Null(recovery.Read("not a ticket"));
    }

    [Fact]
    public void An_expired_ticket_is_refused()
    {
        var tickets = new AccountTicket(_protection, "Test.v1", TimeSpan.FromSeconds(-1));

        Assert.Null(tickets.Read(tickets.Issue(Guid.CreateVersion7())));
    }
}
