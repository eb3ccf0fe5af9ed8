using System.Collections.Concurrent;
using System.Diagnostics;

namespace ZkMl.Service.Tests;

/// <summary>A <c>zkml</c> child process (the built zkml.dll beside the tests) whose stderr lines are kept and watched; killed on dispose if still running.</summary>
public sealed class ZkmlProcess : IDisposable
{
    private readonly Process _p;
    private readonly ConcurrentQueue<string> _err = new();
    private readonly System.Text.StringBuilder _out = new();
    private readonly List<(Func<string, bool> When, TaskCompletionSource<string> Seen)> _watches = [];

    public ZkmlProcess(string name, params string[] args)
    {
        Name = name;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "zkml.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        _p = Process.Start(psi)!;
        _p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _err.Enqueue(e.Data);
            lock (_watches)
                foreach (var (when, seen) in _watches)
                    if (!seen.Task.IsCompleted && when(e.Data)) seen.TrySetResult(e.Data);
        };
        _p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        _p.BeginErrorReadLine();
        _p.BeginOutputReadLine();
    }

    public string Name { get; }

    public int Id => _p.Id;

    public bool HasExited => _p.HasExited;

    public string Stdout { get { lock (_out) return _out.ToString(); } }

    public IReadOnlyList<string> StderrLines => _err.ToArray();

    /// <summary>Completes with the first stderr line (from now or already seen) that satisfies <paramref name="when"/>.</summary>
    public Task<string> WaitForLine(Func<string, bool> when, TimeSpan timeout)
    {
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            if (_err.FirstOrDefault(when) is { } already) tcs.TrySetResult(already);
            else _watches.Add((when, tcs));
        }
        return tcs.Task.WaitAsync(timeout);
    }

    /// <summary>SIGKILL: the process dies at once, as a lost machine would.</summary>
    public void Kill()
    {
        _p.Kill();
        _p.WaitForExit(10000);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _p.WaitForExitAsync(cts.Token);
        _p.WaitForExit(); // drains the redirected streams
        return _p.ExitCode;
    }

    public override string ToString() => $"--- {Name} (pid {_p.Id}) stderr:\n{string.Join('\n', _err)}\n--- stdout:\n{Stdout}";

    public void Dispose()
    {
        try { if (!_p.HasExited) { _p.Kill(entireProcessTree: true); _p.WaitForExit(10000); } }
        catch (InvalidOperationException) { }
        _p.Dispose();
    }
}
