using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ZkMl.TestKit;

/// <summary>
/// Real servers from Debian packages that a test starts for itself: redis-server and PostgreSQL, each in a
/// temp folder on a free loopback port, stopped (killed) and deleted on dispose whatever the test did.
/// When the program is missing, <c>scripts/setup.sh</c> (the project's set-up, which installs it with
/// apt-get when it can) runs once; if it is still missing the start returns null and a reason to skip with.
/// </summary>
public static class LocalServers
{
    private static readonly Lazy<string> SetupLog = new(() =>
    {
        var r = Run("bash", [Path.Combine(RepoPaths.Root, "scripts", "setup.sh")], TimeSpan.FromMinutes(8));
        return r.Output;
    });

    /// <summary>A program on PATH or in one of <paramref name="extra"/> folders (<c>/usr/lib/postgresql/*/bin</c>: newest first), else null.</summary>
    public static string? Find(string name, params string[] extra)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        foreach (var pattern in extra)
        {
            int star = pattern.IndexOf('*');
            string parent = pattern[..star].TrimEnd('/'), rest = pattern[(star + 1)..].TrimStart('/');
            if (!Directory.Exists(parent)) continue;
            foreach (var d in Directory.GetDirectories(parent).OrderDescending())
                if (File.Exists(Path.Combine(d, rest, name))) return Path.Combine(d, rest, name);
        }
        return null;
    }

    /// <summary>Finds the program, running the project's set-up once when it is missing; null and a reason when it stays missing.</summary>
    public static string? FindOrInstall(string name, string package, out string? reason, params string[] extra)
    {
        reason = null;
        if (Find(name, extra) is { } p) return p;
        string log = SetupLog.Value;
        if (Find(name, extra) is { } q) return q;
        reason = $"{name} is not installed and scripts/setup.sh could not install it (Debian package {package}; it needs root and apt-get): {log.Trim().Split('\n').LastOrDefault()}";
        return null;
    }

    /// <summary>A free TCP port on 127.0.0.1 now.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>True when the current process runs as root (uid 0).</summary>
    public static bool IsRoot => Environment.UserName == "root";

    internal sealed record RunResult(int ExitCode, string Output);

    internal static RunResult Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workDir = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir ?? "" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(entireProcessTree: true); return new RunResult(-1, $"{file}: timed out after {timeout.TotalSeconds} s"); }
        return new RunResult(p.ExitCode, o.Result + e.Result);
    }

    internal static bool WaitForPort(int port, TimeSpan timeout, Process p)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !p.HasExited)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException) { Thread.Sleep(100); }
        }
        return false;
    }
}

/// <summary>A redis-server of its own: 127.0.0.1, a free port, no persistence, a temp folder; killed on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _p;
    private readonly string _dir;

    private RedisServer(Process p, string dir, int port) { _p = p; _dir = dir; Port = port; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts one; null with <paramref name="skipReason"/> when redis-server is missing and cannot be installed.</summary>
    public static RedisServer? TryStart(out string? skipReason)
    {
        string? exe = LocalServers.FindOrInstall("redis-server", "redis-server", out skipReason);
        if (exe is null) return null;
        string dir = Directory.CreateTempSubdirectory("zkml-redis-").FullName;
        int port = LocalServers.FreePort();
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes" })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var server = new RedisServer(p, dir, port);
        if (!LocalServers.WaitForPort(port, TimeSpan.FromSeconds(20), p))
        {
            server.Dispose();
            throw new InvalidOperationException($"redis-server did not listen on 127.0.0.1:{port}:\n{string.Join('\n', log)}");
        }
        return server;
    }

    /// <summary>Kills the server and deletes its folder.</summary>
    public void Dispose()
    {
        try { if (!_p.HasExited) { _p.Kill(); _p.WaitForExit(5000); } } catch (InvalidOperationException) { }
        _p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// A PostgreSQL of its own: <c>initdb</c> in a temp folder (trust authentication, user <c>postgres</c>), the
/// server on 127.0.0.1 and a free port, its socket in that folder; stopped (fast shutdown, then killed) and
/// the folder deleted on dispose. PostgreSQL refuses to run as root: under root the server runs as the
/// <c>postgres</c> account (created by the Debian package) through <c>runuser</c>.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly Process _p;
    private readonly string _dir;

    private PostgresServer(Process p, string dir, int port) { _p = p; _dir = dir; Port = port; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=15";

    private static IEnumerable<string> As(string exe, IEnumerable<string> args) =>
        LocalServers.IsRoot ? new[] { "-u", "postgres", "--", exe }.Concat(args) : args;

    /// <summary>Starts one; null with <paramref name="skipReason"/> when PostgreSQL is missing or cannot run here (the reason says why).</summary>
    public static PostgresServer? TryStart(out string? skipReason)
    {
        const string bins = "/usr/lib/postgresql/*/bin";
        string? initdb = LocalServers.FindOrInstall("initdb", "postgresql", out skipReason, bins);
        if (initdb is null) return null;
        // Debian keeps the server programs in /usr/lib/postgresql/N/bin; initdb on PATH may be a link there.
        string binDir = Path.GetDirectoryName(new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb)!;
        string postgres = Path.Combine(binDir, "postgres");
        if (!File.Exists(postgres)) { skipReason = $"{postgres} not found beside {initdb}"; return null; }
        string runner = LocalServers.IsRoot ? "runuser" : "";
        if (LocalServers.IsRoot && LocalServers.Find("runuser") is null) { skipReason = "running as root, and runuser (util-linux) is missing: PostgreSQL refuses to run as root"; return null; }
        string dir = Directory.CreateTempSubdirectory("zkml-pg-").FullName;
        string data = Path.Combine(dir, "data");
        if (LocalServers.IsRoot)
        {
            var chown = LocalServers.Run("chown", ["-R", "postgres:", dir], TimeSpan.FromSeconds(20));
            if (chown.ExitCode != 0) { skipReason = $"running as root: cannot give {dir} to the postgres account (PostgreSQL refuses to run as root): {chown.Output.Trim()}"; Directory.Delete(dir, true); return null; }
        }
        var init = LocalServers.IsRoot
            ? LocalServers.Run(runner, As(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]), TimeSpan.FromMinutes(3), dir)
            : LocalServers.Run(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], TimeSpan.FromMinutes(3), dir);
        if (init.ExitCode != 0)
        {
            skipReason = $"initdb failed (exit {init.ExitCode}): {init.Output.Trim().Split('\n').LastOrDefault()}";
            try { Directory.Delete(dir, true); } catch (IOException) { }
            return null;
        }
        int port = LocalServers.FreePort();
        string[] args = ["-D", data, "-p", port.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={dir}", "-c", "fsync=off", "-c", "max_connections=50"];
        var psi = new ProcessStartInfo(LocalServers.IsRoot ? runner : postgres) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in LocalServers.IsRoot ? As(postgres, args) : args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var server = new PostgresServer(p, dir, port);
        if (!LocalServers.WaitForPort(port, TimeSpan.FromSeconds(60), p))
        {
            server.Dispose();
            skipReason = $"postgres did not listen on 127.0.0.1:{port}: {string.Join(" | ", log.TakeLast(3))}";
            return null;
        }
        return server;
    }

    /// <summary>Stops the server (fast shutdown; killed if it lingers) and deletes its folder.</summary>
    public void Dispose()
    {
        try
        {
            if (!_p.HasExited)
            {
                // The server's own pid (runuser forks it as a child): SIGINT to the postmaster is the fast shutdown.
                string pidFile = Path.Combine(_dir, "data", "postmaster.pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out int pid))
                    LocalServers.Run("kill", ["-INT", pid.ToString()], TimeSpan.FromSeconds(5));
                if (!_p.WaitForExit(15000)) _p.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        _p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
