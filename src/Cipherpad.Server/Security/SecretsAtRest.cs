using System.Linq.Expressions;
using System.Security.Cryptography;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Cipherpad.Server.Security;

/// <summary>What re-encrypting one kind of secret did: how many moved to the current master key, how many no configured key opens.</summary>
public readonly record struct Reencrypted(int Moved, int Unreadable);

/// <summary>
/// One kind of secret kept encrypted under the master key (device secrets, webhook secrets, the key vault's data keys, …),
/// which can be moved to the current master key after a rotation. Each capability registers its own
/// (<see cref="SecretsAtRestServiceCollectionExtensions.AddSecretsAtRest"/>); <c>master-key reencrypt</c> runs them all.
/// Every implementation moves one row per statement, only if the row still holds what was read, so stopping it at any
/// moment loses nothing, a server writing the row meanwhile wins, and running it again goes on.
/// </summary>
public abstract class SecretsAtRest
{
    /// <summary>What they are, for the command's report: "device secrets".</summary>
    public abstract string Name { get; }

    /// <summary>Moves each secret still under an earlier key, with a scope's services; <paramref name="moved"/> hears of each one moved.</summary>
    public abstract Task<Reencrypted> ReencryptAsync(IServiceProvider services, Action? moved, CancellationToken cancellationToken);

    /// <summary>
    /// Reads <paramref name="rows"/> in one statement, as they were when it started (rows written after that are under the
    /// current key already), and writes each that <paramref name="reseal"/> seals anew (null: the current key opens it
    /// already; <see cref="CryptographicException"/>: no configured key does) through a second context with
    /// <paramref name="update"/>, which changes the row only if it still holds what was read and says how many rows it changed.
    /// </summary>
    protected static async Task<Reencrypted> ReencryptEachAsync<TRow, TResealed>(IServiceProvider services,
        Func<CipherpadDbContext, IQueryable<TRow>> rows, Func<SecretProtector, TRow, TResealed?> reseal,
        Func<CipherpadDbContext, TRow, TResealed, CancellationToken, Task<int>> update, Action? moved, CancellationToken cancellationToken)
        where TResealed : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(reseal);
        ArgumentNullException.ThrowIfNull(update);
        var protector = services.GetRequiredService<SecretProtector>();
        var contexts = services.GetRequiredService<IDbContextFactory<CipherpadDbContext>>();
        await using var reading = await contexts.CreateDbContextAsync(cancellationToken);
        await using var writing = await contexts.CreateDbContextAsync(cancellationToken);
        int movedCount = 0, unreadable = 0;
        await foreach (var row in rows(reading).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            TResealed? resealed;
            try
            {
                resealed = reseal(protector, row);
            }
            catch (CryptographicException)
            {
                unreadable++;
                continue;
            }
            if (resealed is not null && await update(writing, row, resealed, cancellationToken) == 1)
            {
                movedCount++;
                moved?.Invoke();
            }
        }
        return new Reencrypted(movedCount, unreadable);
    }
}

/// <summary>A column of secrets sealed by <see cref="SecretProtector"/>, each for a purpose named by its row's key.</summary>
public abstract class ProtectedColumn : SecretsAtRest
{
    /// <summary>The entity that holds the secrets.</summary>
    public abstract Type EntityType { get; }

    /// <summary>The entity's property that holds them: with <see cref="EntityType"/>, what the model is checked against, so that none is missed.</summary>
    public abstract string PropertyName { get; }
}

/// <inheritdoc cref="ProtectedColumn"/>
public sealed class ProtectedColumn<TEntity, TKey> : ProtectedColumn where TEntity : class
{
    private readonly Expression<Func<TEntity, TKey>> _key;
    private readonly Expression<Func<TEntity, byte[]?>> _secret;
    private readonly Func<TKey, string> _purpose;

    /// <summary>The secrets called <paramref name="name"/>, sealed in <paramref name="secret"/> (null where a row has none) for the purpose that its row's key names.</summary>
    public ProtectedColumn(string name, Expression<Func<TEntity, TKey>> key, Expression<Func<TEntity, byte[]?>> secret, Func<TKey, string> purpose)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(secret);
        Name = name;
        _key = key;
        // One parameter for both, so they can be combined into one predicate.
        _secret = Expression.Lambda<Func<TEntity, byte[]?>>(ReplacingExpressionVisitor.Replace(secret.Parameters[0], key.Parameters[0], secret.Body), key.Parameters);
        _purpose = purpose;
    }

    public override string Name { get; }

    public override Type EntityType => typeof(TEntity);

    public override string PropertyName => ((MemberExpression)_secret.Body).Member.Name;

    public override Task<Reencrypted> ReencryptAsync(IServiceProvider services, Action? moved, CancellationToken cancellationToken)
    {
        var entity = _key.Parameters[0];
        // A row without a secret holds null, or nothing (a message once sent).
        var hasSecret = Expression.Lambda<Func<TEntity, bool>>(Expression.AndAlso(Expression.NotEqual(_secret.Body, Expression.Constant(null, typeof(byte[]))),
            Expression.NotEqual(_secret.Body, Expression.Constant(Array.Empty<byte>()))), entity);
        var asRow = Expression.Lambda<Func<TEntity, Row>>(Expression.MemberInit(Expression.New(typeof(Row)),
            Expression.Bind(typeof(Row).GetProperty(nameof(Row.Key))!, _key.Body), Expression.Bind(typeof(Row).GetProperty(nameof(Row.Secret))!, _secret.Body)), entity);
        // The row as read, through a constant the statement reads as parameters: one statement, whatever the row.
        var asRead = new Row();
        var unchanged = Expression.Lambda<Func<TEntity, bool>>(Expression.AndAlso(
            Expression.Equal(_key.Body, Expression.Property(Expression.Constant(asRead), nameof(Row.Key))),
            Expression.Equal(_secret.Body, Expression.Property(Expression.Constant(asRead), nameof(Row.Secret)))), entity);
        return ReencryptEachAsync(services, db => db.Set<TEntity>().AsNoTracking().Where(hasSecret).Select(asRow),
            (protector, row) => protector.Reprotect(row.Secret!, _purpose(row.Key)),
            (db, row, resealed, cancellation) =>
            {
                (asRead.Key, asRead.Secret) = (row.Key, row.Secret);
                return db.Set<TEntity>().Where(unchanged).ExecuteUpdateAsync(set => set.SetProperty(_secret, resealed), cancellation);
            }, moved, cancellationToken);
    }

    private sealed class Row
    {
        public TKey Key { get; set; } = default!;
        public byte[]? Secret { get; set; }
    }
}

public static class SecretsAtRestServiceCollectionExtensions
{
    /// <summary>Registers a kind of secret for <c>master-key reencrypt</c>.</summary>
    public static IServiceCollection AddSecretsAtRest(this IServiceCollection services, SecretsAtRest secrets) =>
        services.AddSingleton(secrets);

    /// <summary>Registers a column of secrets sealed by <see cref="SecretProtector"/>.</summary>
    public static IServiceCollection AddProtectedColumn<TEntity, TKey>(this IServiceCollection services, string name,
        Expression<Func<TEntity, TKey>> key, Expression<Func<TEntity, byte[]?>> secret, Func<TKey, string> purpose) where TEntity : class =>
        services.AddSecretsAtRest(new ProtectedColumn<TEntity, TKey>(name, key, secret, purpose));
}

/// <summary>The second half of a master-key rotation: every kind of secret at rest moved to the current master key, kind by kind.</summary>
public sealed class MasterKeyRotation(IEnumerable<SecretsAtRest> kinds, IServiceScopeFactory scopes)
{
    /// <summary>Every kind in turn; <paramref name="moved"/> hears the kind's name after each secret moved.</summary>
    public async Task<IReadOnlyList<(string Name, Reencrypted Result)>> ReencryptAsync(Action<string>? moved, CancellationToken cancellationToken)
    {
        var results = new List<(string, Reencrypted)>();
        foreach (var kind in kinds)
        {
            await using var scope = scopes.CreateAsyncScope();
            results.Add((kind.Name, await kind.ReencryptAsync(scope.ServiceProvider, moved is null ? null : () => moved(kind.Name), cancellationToken)));
        }
        return results;
    }
}
