using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nethereum.JsonRpc.Client;
using Nethereum.Web3;

namespace ZkMl.Evm.Chain;

/// <summary>
/// A local anvil node (the project-local <c>@foundry-rs/anvil</c> binary) listening on
/// 127.0.0.1 at a free port. <see cref="StartAsync"/> returns once the node answers JSON-RPC;
/// <see cref="Dispose"/> kills its process tree, and so does the exit of this process.
/// </summary>
public sealed class AnvilNode : IDisposable, IAsyncDisposable
{
    private const int MaxPortAttempts = 5;
    private const int MaxLogChars = 16_384;

    private static readonly object LiveLock = new();
    private static readonly HashSet<AnvilNode> Live = [];
    private static bool _exitHookInstalled;

    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly StringBuilder _log;
    private readonly HttpClient _http;
    private int _disposed;

    private AnvilNode(Process process, StringBuilder log, int port, string binaryPath)
    {
        _process = process;
        _log = log;
        Port = port;
        BinaryPath = binaryPath;
        ProcessId = process.Id;
        RpcUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _http = new HttpClient { Timeout = EvmChain.DefaultTimeout };
        Web3 = EvmChain.CreateWeb3(RpcUrl, null, _http);
        _watchdog = StartWatchdog(Environment.ProcessId, ProcessId);
    }

    /// <summary>The node's JSON-RPC endpoint, e.g. http://127.0.0.1:40123/.</summary>
    public Uri RpcUrl { get; }

    /// <summary>The loopback port the node listens on.</summary>
    public int Port { get; }

    /// <summary>The operating-system id of the anvil process.</summary>
    public int ProcessId { get; }

    /// <summary>The anvil binary that was started.</summary>
    public string BinaryPath { get; }

    /// <summary>A Nethereum client for this node, sending from its unlocked dev accounts (its transport is disposed with the node).</summary>
    public Web3 Web3 { get; }

    /// <summary>A chain harness over <see cref="Web3"/> (the node's first dev account sends).</summary>
    public EvmChain Chain() => new(Web3);

    /// <summary>True once the anvil process has exited (after <see cref="Dispose"/> or a crash).</summary>
    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    /// <summary>After the process exited: waits (briefly) until its asynchronous output readers are done.</summary>
    private void DrainOutput()
    {
        try { _process.WaitForExit(2000); _process.WaitForExit(); }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>The last few kilobytes anvil wrote to stdout/stderr (for diagnostics).</summary>
    public string RecentOutput
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>
    /// Starts anvil on 127.0.0.1 at a free port (found by binding port 0; retried with a new port
    /// if anvil loses the race for it) and waits until <c>eth_chainId</c> answers.
    /// </summary>
    /// <param name="options">Where anvil is and how to start it; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the start; a half-started node is killed.</param>
    /// <exception cref="FileNotFoundException">when the anvil binary is missing (the message says to run scripts/setup.sh).</exception>
    /// <exception cref="InvalidOperationException">when anvil exits or does not answer within <see cref="AnvilOptions.StartupTimeout"/>; the message carries anvil's output.</exception>
    public static async Task<AnvilNode> StartAsync(AnvilOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AnvilOptions();
        string binary = options.BinaryPath ?? ProjectTools.AnvilBinary(options.RepositoryRoot);
        if (!File.Exists(binary))
            throw new FileNotFoundException(
                $"anvil binary \"{binary}\" does not exist. Run `bash scripts/setup.sh` in the repository root to install the pinned npm tools.", binary);
        InstallExitHook();

        string lastFailure = "";
        for (int attempt = 1; attempt <= MaxPortAttempts; attempt++)
        {
            int port = FreeLoopbackPort();
            var log = new StringBuilder();
            var process = Launch(binary, port, options, log);
            var node = new AnvilNode(process, log, port, binary);
            lock (LiveLock) Live.Add(node);
            try
            {
                if (await node.WaitReadyAsync(options.StartupTimeout, cancellationToken).ConfigureAwait(false))
                    return node;
            }
            catch
            {
                node.Dispose();
                throw;
            }
            bool exited = node.HasExited;
            // Exited: wait for the redirected output to reach end-of-file, or its last lines
            // (the reason) may still be in flight when the message is composed.
            if (exited) node.DrainOutput();
            lastFailure = node.RecentOutput;
            node.Dispose();
            bool portClash = lastFailure.Contains("in use", StringComparison.OrdinalIgnoreCase)
                || lastFailure.Contains("AddrInUse", StringComparison.OrdinalIgnoreCase);
            if (!exited || !portClash)
                throw new InvalidOperationException(
                    (exited ? $"anvil ({binary}) exited during start-up" : $"anvil ({binary}) did not answer JSON-RPC on port {port} within {options.StartupTimeout.TotalSeconds:0} s")
                    + $". Output:\n{lastFailure}");
        }
        throw new InvalidOperationException($"anvil could not bind a free loopback port in {MaxPortAttempts} attempts. Last output:\n{lastFailure}");
    }

    /// <summary>Kills the anvil process tree and waits briefly for it to exit. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (LiveLock) Live.Remove(this);
        Kill();
        _http.Dispose();
        _process.Dispose();
        // The watchdog ends by itself within a second once anvil is gone.
        _watchdog?.Dispose();
    }

    /// <summary>Same as <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // the process already exited between the check and the kill
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no permission or already gone: nothing more we can do
        }
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var probe = EvmChain.CreateWeb3(RpcUrl, null, http);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (HasExited) return false;
            try
            {
                await probe.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or RpcClientUnknownException or RpcClientTimeoutException or RpcResponseException
                                          || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
        return false;
    }

    private static Process Launch(string binary, int port, AnvilOptions options, StringBuilder log)
    {
        var psi = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add("--host");
        psi.ArgumentList.Add("127.0.0.1");
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--color");
        psi.ArgumentList.Add("never");
        if (options.Hardfork is not null) { psi.ArgumentList.Add("--hardfork"); psi.ArgumentList.Add(options.Hardfork); }
        if (options.BlockGasLimit is ulong gl) { psi.ArgumentList.Add("--gas-limit"); psi.ArgumentList.Add(gl.ToString(CultureInfo.InvariantCulture)); }
        if (options.ChainId is ulong id) { psi.ArgumentList.Add("--chain-id"); psi.ArgumentList.Add(id.ToString(CultureInfo.InvariantCulture)); }
        if (options.DisableCodeSizeLimit) psi.ArgumentList.Add("--disable-code-size-limit");
        foreach (var a in options.ExtraArguments) psi.ArgumentList.Add(a);

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is null) return;
            lock (log)
            {
                log.Append(e.Data).Append('\n');
                if (log.Length > MaxLogChars) log.Remove(0, log.Length - MaxLogChars);
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot start anvil ({binary}): {e.Message}. Is it executable? Re-run `bash scripts/setup.sh`.", e);
        }
        // Drain both pipes continuously so anvil never blocks on a full pipe.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// On Unix, a tiny shell loop that kills anvil if this process dies without running its exit
    /// handlers (SIGKILL, crash, a test host torn down), so no node outlives its owner for long.
    /// It stops by itself once anvil exits. Null where no POSIX shell is available.
    /// </summary>
    internal static Process? StartWatchdog(int ownerPid, int childPid)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh")) return null;
        string owner = ownerPid.ToString(CultureInfo.InvariantCulture);
        string child = childPid.ToString(CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(
            $"while kill -0 {owner} 2>/dev/null && kill -0 {child} 2>/dev/null; do sleep 1; done; "
            + $"kill -0 {owner} 2>/dev/null || kill {child} 2>/dev/null; exit 0");
        try
        {
            return Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    private static void InstallExitHook()
    {
        lock (LiveLock)
        {
            if (_exitHookInstalled) return;
            _exitHookInstalled = true;
        }
        // Kill nodes the caller forgot to dispose when this process exits normally or on SIGTERM.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            AnvilNode[] nodes;
            lock (LiveLock) nodes = [.. Live];
            foreach (var n in nodes) n.Dispose();
        };
    }
}
