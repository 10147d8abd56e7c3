using Cipherpad.Server.Devices;
using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class DeviceRegistryTests : WithAnAccount
{
    [Fact]
    public async Task The_active_pads_come_oldest_first_whatever_order_they_were_stored_in()
    {
        var activated = DateTimeOffset.UtcNow;
        var db = Service<CipherpadDbContext>();
        // Stored newest first, with a revoked one in between; two activated in the same instant come in the order of their ids.
        var newest = Pad("newest", activated.AddMinutes(2));
        var revoked = Pad("revoked", activated.AddMinutes(-5));
        revoked.RevokedAt = activated;
        var sameInstant = new[] { Pad("twin", activated), Pad("twin", activated) }.OrderByDescending(pad => pad.Id).ToArray();
        var oldest = Pad("oldest", activated.AddMinutes(-1));
        db.Devices.AddRange(newest, revoked, sameInstant[0], sameInstant[1], oldest);
        await db.SaveChangesAsync();

        var active = await Service<DeviceRegistry>().ActiveAsync(Ann.Id, default);

        Assert.Equal([oldest.Id, sameInstant[1].Id, sameInstant[0].Id, newest.Id], active.Select(pad => pad.Id));
    }

    private Device Pad(string name, DateTimeOffset activatedAt) =>
        new() { AccountId = Ann.Id, Name = name, SecretProtected = [1, 2, 3], ActivatedAt = activatedAt };
}
