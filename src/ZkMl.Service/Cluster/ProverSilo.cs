using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using StackExchange.Redis;
using ZkMl.Inference;

namespace ZkMl.Service.Cluster;

/// <summary>Settings of one prover silo (<c>zkml prove-dataset</c>, <c>zkml silo</c>).</summary>
public sealed class SiloSettings
{
    /// <summary>
    /// The Redis connection string (StackExchange.Redis syntax, e.g. <c>10.0.0.5:6379,password=…</c>) of the
    /// cluster's membership table; null runs an embedded single silo on loopback (nothing to install).
    /// </summary>
    public string? Redis { get; init; }

    /// <summary>The cluster id: silos with the same id (and Redis) form one cluster.</summary>
    public string ClusterId { get; init; } = "zkml";

    /// <summary>The address other silos reach this one at, and the one it listens on.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The silo-to-silo TCP port; 0 picks a free one.</summary>
    public int SiloPort { get; init; }

    /// <summary>Longest a batch call may take (the prover is slow on big batches and loaded machines).</summary>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Orleans' own log lines (warnings and up) go here when set.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Receives one line per batch started or proven on this silo.</summary>
    public Action<string>? Activity { get; init; }

    /// <summary>The Orleans service id (the Redis key prefix).</summary>
    public const string ServiceId = "zkml-prove-dataset";
}

/// <summary>
/// A running Orleans silo that proves batches: the embedded single silo of <c>zkml prove-dataset</c>, or
/// a member of a cluster whose membership lives in Redis (Orleans' Redis clustering). Failure detection
/// is tightened from Orleans' defaults (probe every 2 s, dead after 3 missed probes) so a dead silo's
/// batches move on within seconds, not the default's half minute.
/// </summary>
public sealed class ProverSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private ProverSilo(IHost host, SiloProvers provers, bool clustered)
    {
        _host = host;
        IsClustered = clustered;
        Provers = provers;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Membership = host.Services.GetRequiredService<IClusterMembershipService>();
        Address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    }

    /// <summary>True for a member of a Redis-membership cluster, false for the embedded single silo.</summary>
    public bool IsClustered { get; }

    /// <summary>Calls grains from this silo.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>The cluster's membership as this silo sees it.</summary>
    public IClusterMembershipService Membership { get; }

    /// <summary>This silo's address.</summary>
    public SiloAddress Address { get; }

    /// <summary>Its address as host:port (what manifests and messages name).</summary>
    public string Name => Address.Endpoint.ToString();

    /// <summary>The keys this silo proves with.</summary>
    public SiloProvers Provers { get; }

    /// <summary>Fires when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Starts a silo with <paramref name="keys"/>; returns once it is active in the cluster.</summary>
    /// <exception cref="SiloStartException">Bad settings, Redis unreachable, or the silo could not join.</exception>
    public static async Task<ProverSilo> StartAsync(SiloSettings settings, IEnumerable<ProvingKey> keys, CancellationToken ct = default)
    {
        var provers = new SiloProvers(keys, settings.Activity);
        ConfigurationOptions? redis = null;
        if (settings.Redis is { } cs)
        {
            try { redis = ConfigurationOptions.Parse(cs); }
            catch (ArgumentException e) { throw new SiloStartException($"--cluster {cs}: not a Redis connection string ({e.Message})"); }
            if (redis.EndPoints.Count == 0) throw new SiloStartException($"--cluster {cs}: no Redis endpoint (expected host:port)");
            redis.AbortOnConnectFail = true;
            redis.ConnectTimeout = 5000;
        }
        int siloPort = settings.SiloPort != 0 ? settings.SiloPort : FreePort(settings.Address);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (settings.Log is { } log) builder.Logging.AddProvider(new LineLoggerProvider(log)).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(provers);
        builder.UseOrleans(silo =>
        {
            if (redis is null)
                silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: 0, serviceId: SiloSettings.ServiceId, clusterId: settings.ClusterId);
            else
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = SiloSettings.ServiceId; });
                silo.ConfigureEndpoints(settings.Address, siloPort, gatewayPort: 0);
            }
            silo.Configure<EndpointOptions>(o => o.SiloListeningEndpoint = new IPEndPoint(settings.Address, siloPort));
            silo.Configure<SiloOptions>(o => o.SiloName = $"zkml-{Environment.MachineName}-{Environment.ProcessId}-{siloPort}");
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.BatchTimeout);
            // BatchRefusedException (ZkMl.Service.Cluster) crosses silos with its type and message.
            silo.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("ZkMl"));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisException or SocketException or OrleansException or OrleansConfigurationException or TimeoutException or InvalidOperationException)
        {
            try { host.Dispose(); } catch (Exception) { /* the start failure is the message */ }
            string where = settings.Redis is null ? $"the embedded silo (loopback port {siloPort})" : $"--cluster {settings.Redis}";
            throw new SiloStartException($"{where}: the silo could not start: {Inner(e)}");
        }
        return new ProverSilo(host, provers, settings.Redis is not null);
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null && e is not RedisConnectionException) e = e.InnerException;
        return e.Message.Split('\n')[0].Trim();
    }

    /// <summary>The active silos of the cluster as this silo sees them now.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos() =>
        Membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();

    /// <summary>Blocks until the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _host.WaitForShutdownAsync();

    /// <summary>Leaves the cluster gracefully and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(TimeSpan.FromSeconds(20)); }
        finally { _host.Dispose(); }
    }

    /// <summary>A TCP port free on <paramref name="address"/> now (the OS picks it).</summary>
    public static int FreePort(IPAddress address)
    {
        using var l = new TcpListener(address, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private sealed class LineLoggerProvider(TextWriter w) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(w, categoryName);
        public void Dispose() { }
    }

    private sealed class LineLogger(TextWriter w, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string line = $"orleans {logLevel.ToString().ToLowerInvariant()}: {category}: {formatter(state, exception).Split('\n')[0]}";
            lock (w) { w.WriteLine(line); w.Flush(); }
        }
    }
}

/// <summary>A silo that could not start (one line, names the setting).</summary>
public sealed class SiloStartException(string message) : Exception(message);
