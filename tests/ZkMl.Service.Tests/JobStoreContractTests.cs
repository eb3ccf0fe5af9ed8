using Npgsql;
using Xunit.Abstractions;
using ZkMl.Service.Jobs;
using ZkMl.TestKit;

namespace ZkMl.Service.Tests;

/// <summary>
/// The job-store contract, run on each store: bounded admission, each transition once, a completion counted
/// once, and a restart (a new store object on the same database) that loses no accepted job and resumes
/// them in acceptance order.
/// </summary>
public abstract class JobStoreContract(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>A factory for store objects on one fresh, empty database (each call: the same database, as after a restart); null to skip.</summary>
    protected abstract Func<JobStore>? FreshDatabase(out string? skipReason);

    private Func<JobStore>? Open()
    {
        var f = FreshDatabase(out var why);
        if (f is null) Output.WriteLine("SKIP: " + why);
        return f;
    }

    private static void Enqueue(JobStore s, string id, int maxQueued = 100) =>
        Assert.True(s.TryEnqueue(id, "c1", $"{{\"input_data\":[[{id.Length}]]}}", 1, "digest-" + id, maxQueued), $"{id} refused");

    [Fact]
    public void Circuits_RoundTrip_AndAddIsIdempotent()
    {
        if (Open() is not { } open) return;
        var s = open();
        var c = new CircuitRecord("vk1", "cd1", "tiny", true, 16, 4, 3, "2026-12-03T00:00:00Z");
        s.AddCircuit(c);
        s.AddCircuit(c with { Name = "other" }); // kept, not replaced
        Assert.Equal(c, s.GetCircuit("vk1"));
        Assert.Null(s.GetCircuit("nope"));
    }

    [Fact]
    public void Admission_IsBounded_AndCancelledJobsLeaveTheQueue()
    {
        if (Open() is not { } open) return;
        var s = open();
        Enqueue(s, "a", 2);
        Enqueue(s, "b", 2);
        Assert.False(s.TryEnqueue("c", "c1", "{}", 1, "d", 2));
        Assert.Null(s.Get("c"));
        Assert.True(s.TryCancelQueued("a"));
        Assert.False(s.TryCancelQueued("a"));
        Assert.Equal(JobState.Cancelled, s.Get("a")!.State);
        Assert.Null(s.GetInput("a"));
        Enqueue(s, "c", 2);
        Assert.Equal(2, s.CountByState()[JobState.Queued]);
        Assert.Equal(1, s.CountByState()[JobState.Cancelled]);
    }

    [Fact]
    public async Task ConcurrentEnqueues_NeverOverfillTheQueue()
    {
        if (Open() is not { } open) return;
        var stores = Enumerable.Range(0, 4).Select(_ => open()).ToArray();
        var accepted = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => stores[i % 4].TryEnqueue($"j{i}", "c1", "{}", 1, $"d{i}", 10))));
        Assert.Equal(10, accepted.Count(a => a));
        Assert.Equal(10, stores[0].CountByState()[JobState.Queued]);
    }

    [Fact]
    public void Transitions_HappenOnce_AndACompletionCountsOnce()
    {
        if (Open() is not { } open) return;
        var s = open();
        Enqueue(s, "a");
        Assert.Equal("{\"input_data\":[[1]]}", s.GetInput("a"));
        Assert.False(s.TryComplete("a", 1)); // not running yet
        Assert.True(s.TryStart("a"));
        Assert.False(s.TryStart("a"));
        Assert.False(s.TryCancelQueued("a"));
        Assert.True(s.TryComplete("a", 1.25));
        Assert.False(s.TryComplete("a", 2));
        Assert.False(s.TryEnd("a", JobState.Failed, "late"));
        var j = s.Get("a")!;
        Assert.Equal((JobState.Done, 1, 1.25, "digest-a"), (j.State, j.Completions, j.ProveSeconds!.Value, j.BatchDigest));
        Assert.NotNull(j.Started);
        Assert.NotNull(j.Finished);
        Assert.Null(s.GetInput("a"));
        Enqueue(s, "b");
        Assert.True(s.TryStart("b"));
        Assert.True(s.TryEnd("b", JobState.Failed, "timeout"));
        Assert.Equal(("failed", "timeout", 0), (s.Get("b")!.State, s.Get("b")!.Error, s.Get("b")!.Completions));
    }

    [Fact]
    public void Restart_LosesNoAcceptedJob_AndResumesInAcceptanceOrder()
    {
        if (Open() is not { } open) return;
        var s = open();
        foreach (var id in new[] { "j1", "j2", "j3", "j4" }) Enqueue(s, id);
        Assert.True(s.TryStart("j1"));
        Assert.True(s.TryComplete("j1", 0.5));
        Assert.True(s.TryStart("j2")); // running when the host "crashes"
        Assert.True(s.TryStart("j3"));
        s.Requeue("j3"); // a host stopping mid-proof puts its job back
        // A new store object on the same database: what a restarted host opens.
        var after = open();
        Assert.Equal(new[] { "j2", "j3", "j4" }, after.Recover());
        Assert.All(new[] { "j2", "j3", "j4" }, id => Assert.Equal(JobState.Queued, after.Get(id)!.State));
        Assert.Equal(JobState.Done, after.Get("j1")!.State);
        Assert.Equal(1, after.Get("j1")!.Completions);
        foreach (var id in new[] { "j2", "j3", "j4" })
        {
            Assert.True(after.TryStart(id));
            Assert.True(after.TryComplete(id, 0.1));
        }
        Assert.Empty(open().Recover());
        Assert.Equal(4, after.CountByState()[JobState.Done]);
        Assert.All(new[] { "j1", "j2", "j3", "j4" }, id => Assert.Equal(1, after.Get(id)!.Completions));
    }
}

public sealed class SqliteJobStoreTests(TinyFixture tiny, ITestOutputHelper output) : JobStoreContract(output), IClassFixture<TinyFixture>
{
    protected override Func<JobStore>? FreshDatabase(out string? skipReason)
    {
        skipReason = null;
        string dir = tiny.NewDir("sqlite");
        return () => new SqliteJobStore(dir);
    }
}

/// <summary>One PostgreSQL server for the class (started by the test from the Debian package, stopped on dispose).</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresFixture() => Server = PostgresServer.TryStart(out SkipReason);

    public PostgresServer? Server { get; }

    public readonly string? SkipReason;

    /// <summary>A new empty database; its connection string.</summary>
    public string NewDatabase()
    {
        string name = "zkml_" + Guid.NewGuid().ToString("N")[..12];
        using (var c = new NpgsqlConnection(Server!.ConnectionString))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            cmd.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ToString();
    }

    public void Dispose() => Server?.Dispose();
}

public sealed class PostgresJobStoreTests(PostgresFixture pg, TinyFixture tiny, ITestOutputHelper output) : JobStoreContract(output), IClassFixture<PostgresFixture>, IClassFixture<TinyFixture>
{
    /// <summary>The service on PostgreSQL: jobs accepted before a stop are proven after the restart, each once, and the proofs verify.</summary>
    [Fact]
    public async Task Serve_OnPostgres_RestartLosesNoAcceptedJob()
    {
        if (pg.Server is null) { Output.WriteLine("SKIP: " + pg.SkipReason); return; }
        string cs = pg.NewDatabase();
        string data = tiny.NewDir("pgdata");
        var o = new ServiceOptions { Port = 0, DataDir = data, PostgresConnectionString = cs, MaxQueue = 8, JobTimeout = TimeSpan.FromSeconds(120) };
        string circuit, a, b;
        // Job a is held at its first prover stage until the host stops (its token is cancelled then), so whatever the
        // machine's speed a is running and b queued when the first host goes down (as in the SQLite restart test).
        using var entered = new ManualResetEventSlim();
        var held = new ServiceOptions
        {
            Port = 0, DataDir = data, PostgresConnectionString = cs, MaxQueue = 8, JobTimeout = TimeSpan.FromSeconds(120),
            OnStageStart = (_, ct) => { entered.Set(); ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)); },
        };
        await using (var h = await Host.StartAsync(held))
        {
            circuit = await h.RegisterAsync(tiny);
            a = await h.SubmitOkAsync(circuit, TinyFixture.Rows(8, 4));
            Assert.True(entered.Wait(TimeSpan.FromSeconds(60)), "job a never started proving");
            b = await h.SubmitOkAsync(circuit, TinyFixture.Rows(8, 5));
        } // stopping cancels a at its stage check: both go back to (or stay in) the queue
        Assert.False(File.Exists(Path.Combine(data, "jobs.db"))); // the jobs are in PostgreSQL, not SQLite
        var store = new PostgresJobStore(cs);
        Assert.Equal(JobState.Queued, store.Get(a)!.State);
        Assert.Equal(JobState.Queued, store.Get(b)!.State);
        await using (var h2 = await Host.StartAsync(o))
        {
            Assert.Equal("done", (await h2.WaitAsync(a)).GetProperty("state").GetString());
            Assert.Equal("done", (await h2.WaitAsync(b)).GetProperty("state").GetString());
            var vk = ZkMl.Inference.VerifyingKey.Load(tiny.Vk);
            Assert.True(ZkMl.Inference.InferenceVerifier.Verify(vk, (await h2.Client.GetByteArrayAsync($"/jobs/{b}/proof")).FromFileBytesForTest()).IsValid);
        }
        Assert.Equal(1, store.Get(a)!.Completions);
        Assert.Equal(1, store.Get(b)!.Completions);
    }

    protected override Func<JobStore>? FreshDatabase(out string? skipReason)
    {
        skipReason = pg.SkipReason;
        if (pg.Server is null) return null;
        string cs = pg.NewDatabase();
        return () => new PostgresJobStore(cs);
    }

    [Fact]
    public void UnreachableServer_IsAStartUpErrorNamingIt()
    {
        int port = LocalServers.FreePort();
        var e = Assert.Throws<ServiceConfigException>(() => new PostgresJobStore($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3"));
        Assert.Contains($"--postgres postgresql://127.0.0.1:{port}/", e.Message);
        e = Assert.Throws<ServiceConfigException>(() => new PostgresJobStore("Hots=x;;=="));
        Assert.Contains("not an Npgsql connection string", e.Message);
        var r = Zkml.Run("serve", "--port", "0", "--data", tiny.NewDir("nopg"), "--postgres", $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"--postgres postgresql://127.0.0.1:{port}/", r.Err);
    }
}
