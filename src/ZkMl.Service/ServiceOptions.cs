using System.Net;

namespace ZkMl.Service;

/// <summary>Settings of <c>zkml serve</c> (one per host).</summary>
public sealed class ServiceOptions
{
    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Address to listen on: loopback unless the user asks for more.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>Folder of the job store (SQLite), circuits, keys and proofs.</summary>
    public string DataDir { get; init; } = "zkml-data";

    /// <summary>
    /// An Npgsql connection string: jobs and circuits live in PostgreSQL instead of the SQLite file in
    /// <see cref="DataDir"/> (keys and proofs stay in the data folder).
    /// </summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The bearer API key; required when <see cref="Bind"/> is not loopback.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Maximum number of queued (accepted, not yet running) jobs; beyond it, 429.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Jobs proven at the same time (proving is CPU-bound and already multi-threaded inside).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Wall-clock limit of one proof.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest job body (input.json) in bytes.</summary>
    public long MaxJobBytes { get; init; } = 16L << 20;

    /// <summary>Largest circuit registration (circuit + pk + vk, multipart) in bytes.</summary>
    public long MaxCircuitBytes { get; init; } = 1L << 30;

    /// <summary>Allows <c>POST /circuits</c> with <c>setup=dev</c>: keys on an INSECURE development SRS made on the server.</summary>
    public bool AllowInsecureDevSetup { get; init; }

    /// <summary>Called with the stage name and the job's cancellation token (cancelled by DELETE, the timeout or
    /// the host stopping) at the start of every prover stage of every job, before the job's cancellation check;
    /// tests use it to hold a running job at a known point.</summary>
    internal Action<string, CancellationToken>? OnStageStart { get; init; }

    /// <summary>True when <see cref="Bind"/> is a loopback address (or "localhost").</summary>
    public bool IsLoopback => Bind.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Bind, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Throws <see cref="ServiceConfigException"/> on settings the service refuses to start with.</summary>
    public void Validate()
    {
        if (!IsLoopback && !Bind.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(Bind, out _))
            throw new ServiceConfigException($"--bind {Bind}: expected an IP address (127.0.0.1, ::1, 0.0.0.0, …) or localhost");
        if (!IsLoopback && string.IsNullOrEmpty(ApiKey))
            throw new ServiceConfigException($"--bind {Bind} listens beyond loopback: give an API key with --api-key-file (clients send Authorization: Bearer KEY)");
        if (ApiKey is { Length: < 16 }) throw new ServiceConfigException("the API key is shorter than 16 characters");
        if (Port is < 0 or > 65535) throw new ServiceConfigException($"--port {Port}: expected 0…65535");
        if (MaxQueue < 1) throw new ServiceConfigException($"--max-queue {MaxQueue}: expected at least 1");
        if (Concurrency < 1) throw new ServiceConfigException($"--concurrency {Concurrency}: expected at least 1");
        if (JobTimeout <= TimeSpan.Zero) throw new ServiceConfigException("--job-timeout: expected a positive number of seconds");
    }
}

/// <summary>A setting the service refuses to start with (one line).</summary>
public sealed class ServiceConfigException(string message) : Exception(message);
