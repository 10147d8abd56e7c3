using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Accounts;

/// <summary>The server's services in one scope over a fresh SQLite database that holds one account, Ann's.</summary>
public abstract class WithAnAccount : IAsyncLifetime
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);
    private AsyncServiceScope _scope;

    protected Account Ann { get; private set; } = null!;

    protected AdjustableTime Time => _factory.Time;

    protected T Service<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public virtual async Task InitializeAsync()
    {
        _scope = _factory.Services.CreateAsyncScope();
        Ann = new Account
        {
            FirstName = "Ann", LastName = "Lee", Email = "ann@example.com", Phone = "+491701234567",
            SecurityQuestion = "First pet?", SecurityAnswerHash = "unused",
        };
        var db = Service<CipherpadDbContext>();
        db.Accounts.Add(Ann);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _scope.DisposeAsync();
        _factory.Dispose();
    }
}
