using System.Collections.Concurrent;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Which account each address was last found to belong to, on this node: a guess, never an answer. It lets a lookup send
/// what its caller will read of the account in the lookup's own command (<see cref="AccountDirectory.FindReadingAheadAsync"/>);
/// reads made for a wrong guess are keyed by the wrong account and never answer for the right one. Holds at most
/// <see cref="Capacity"/> addresses, and starts afresh when full.
/// </summary>
public sealed class LastFoundAccounts
{
    public const int Capacity = 65_536;

    private readonly ConcurrentDictionary<string, Guid> _accounts = new(StringComparer.Ordinal);
    private int _added;

    /// <summary>The account <paramref name="address"/> (in its stored form) was last found to belong to, if it is still remembered.</summary>
    public Guid? Guess(string address) => _accounts.TryGetValue(address, out var account) ? account : null;

    public void Found(string address, Guid account)
    {
        if (_accounts.TryGetValue(address, out var known) && known == account)
        {
            return;
        }
        if (Interlocked.Increment(ref _added) > Capacity)
        {
            _accounts.Clear();
            Interlocked.Exchange(ref _added, 1);
        }
        _accounts[address] = account;
    }

    public void NotFound(string address) => _accounts.TryRemove(address, out _);

    /// <summary>How many addresses are remembered now.</summary>
    internal int Count => _accounts.Count;
}
