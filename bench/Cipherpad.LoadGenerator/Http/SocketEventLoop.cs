using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Cipherpad.LoadGenerator.Http;

/// <summary>
/// One thread that waits on <c>epoll</c> for the load generator's connections to have something to read, and runs what was
/// waiting for it right there, as <c>wrk</c>'s event loop does. .NET's own sockets hand every completion from their epoll
/// thread to a thread-pool worker, and on this machine each such hand-off is a context switch out of the two cores the
/// measured server needs too. Only the sockets registered here are served this way; everything else in the process (the
/// in-process host that sets up accounts) keeps the runtime's sockets and threads.
/// </summary>
internal sealed class SocketEventLoop
{
    private const int EpollControlAdd = 1;
    private const int EpollControlDelete = 2;
    private const uint Readable = 0x001; // EPOLLIN
    private const uint PeerClosed = 0x2000; // EPOLLRDHUP
    private const uint EdgeTriggered = 1u << 31; // EPOLLET
    private const int Interrupted = 4; // EINTR
    private readonly int _epoll;
    private readonly Lock _registrations = new();
    private Waiter?[] _waiters = new Waiter?[64];

    private SocketEventLoop()
    {
        _epoll = epoll_create1(0);
        if (_epoll < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
        new Thread(Run) { IsBackground = true, Name = "load generator sockets" }.Start();
    }

    /// <summary>The process's one loop; its thread lives as long as the process.</summary>
    public static SocketEventLoop Shared { get; } = new();

    /// <summary>
    /// Registers a connected, non-blocking <paramref name="socket"/>; await <see cref="Waiter.ReadableAsync"/> on what it
    /// returns after a read found nothing, and dispose it before the socket.
    /// </summary>
    public Waiter Register(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var descriptor = (int)socket.Handle;
        Waiter waiter;
        lock (_registrations)
        {
            if (descriptor >= _waiters.Length)
            {
                Array.Resize(ref _waiters, Math.Max(_waiters.Length * 2, descriptor + 1));
            }
            _waiters[descriptor] = waiter = new Waiter(this, descriptor);
        }
        var interest = new EpollEvent { Events = Readable | PeerClosed | EdgeTriggered, Data = (ulong)descriptor };
        if (epoll_ctl(_epoll, EpollControlAdd, descriptor, ref interest) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            Forget(waiter);
            throw new SocketException(error);
        }
        return waiter;
    }

    private void Forget(Waiter waiter)
    {
        var none = default(EpollEvent);
        _ = epoll_ctl(_epoll, EpollControlDelete, waiter.Descriptor, ref none);
        lock (_registrations)
        {
            if (_waiters[waiter.Descriptor] == waiter)
            {
                _waiters[waiter.Descriptor] = null;
            }
        }
    }

    private void Run()
    {
        var events = new EpollEvent[64];
        while (true)
        {
            var ready = epoll_wait(_epoll, events, events.Length, -1);
            if (ready < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error == Interrupted)
                {
                    continue;
                }
                throw new SocketException(error); // nothing can go on without the loop
            }
            for (var i = 0; i < ready; i++)
            {
                var descriptor = (int)events[i].Data;
                var waiters = Volatile.Read(ref _waiters);
                // A connection closed since epoll_wait returned has no waiter, or another socket's, which then only reads
                // again and finds nothing.
                (descriptor < waiters.Length ? Volatile.Read(ref waiters[descriptor]) : null)?.Signal();
            }
        }
    }

    /// <summary>
    /// What one registered socket's reader waits on. Readiness that arrives while nobody waits is remembered, so that a
    /// read which found nothing just before the data came does not wait for more.
    /// </summary>
    internal sealed class Waiter : IValueTaskSource, IDisposable
    {
        private readonly SocketEventLoop _loop;
        private readonly Lock _gate = new();
        private ManualResetValueTaskSourceCore<bool> _source; // continuations run on the thread that completes it: the loop's
        private bool _waiting;
        private bool _signalled;
        private CancellationTokenRegistration _cancellation;

        public Waiter(SocketEventLoop loop, int descriptor) => (_loop, Descriptor) = (loop, descriptor);

        public int Descriptor { get; }

        /// <summary>Completes when the socket may have something to read, has closed or has failed (EPOLLERR and EPOLLHUP always
        /// count), or throws when cancelled.</summary>
        public ValueTask ReadableAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_signalled)
                {
                    _signalled = false;
                    return ValueTask.CompletedTask;
                }
                cancellationToken.ThrowIfCancellationRequested();
                _source.Reset();
                _waiting = true;
            }
            _cancellation = cancellationToken.UnsafeRegister(static (waiter, token) => ((Waiter)waiter!).Cancel(token), this);
            return new ValueTask(this, _source.Version);
        }

        public void Dispose()
        {
            _cancellation.Dispose();
            _loop.Forget(this);
        }

        internal void Signal()
        {
            lock (_gate)
            {
                if (!_waiting)
                {
                    _signalled = true;
                    return;
                }
                _waiting = false;
            }
            _source.SetResult(true);
        }

        private void Cancel(CancellationToken token)
        {
            lock (_gate)
            {
                if (!_waiting)
                {
                    return;
                }
                _waiting = false;
            }
            _source.SetException(new OperationCanceledException(token));
        }

        void IValueTaskSource.GetResult(short token)
        {
            _cancellation.Dispose();
            _source.GetResult(token);
        }

        ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _source.GetStatus(token);

        void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _source.OnCompleted(continuation, state, token, flags);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)] // struct epoll_event is packed on x86-64: 12 bytes
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [DllImport("libc", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int epoll_ctl(int epoll, int operation, int descriptor, ref EpollEvent interest);

    [DllImport("libc", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int epoll_wait(int epoll, [Out] EpollEvent[] events, int maxEvents, int timeout);
}
