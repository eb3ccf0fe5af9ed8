using Microsoft.Data.Sqlite;

namespace ZkMl.Service.Jobs;

/// <summary>Job states. Terminal: done, failed, cancelled.</summary>
public static class JobState
{
    /// <summary>Accepted, waiting for a prover.</summary>
    public const string Queued = "queued";
    /// <summary>Being proven.</summary>
    public const string Running = "running";
    /// <summary>Proven and re-verified; the proof file is written.</summary>
    public const string Done = "done";
    /// <summary>Failed (bad input found late, timeout, internal error).</summary>
    public const string Failed = "failed";
    /// <summary>Cancelled by the client.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>True for done, failed and cancelled.</summary>
    public static bool IsTerminal(string s) => s is Done or Failed or Cancelled;
}

/// <summary>A job row.</summary>
public sealed record JobRecord(string Id, string CircuitId, string State, int Rows, string BatchDigest, string Created,
    string? Started, string? Finished, string? Error, double? ProveSeconds, int Completions);

/// <summary>A registered circuit row.</summary>
public sealed record CircuitRecord(string Id, string CircuitDigest, string Name, bool Insecure, int MaxBatch, int InputSize, int OutputSize, string Created);

/// <summary>
/// The persistent job store of <c>zkml serve</c>: circuits and jobs. Every state change is one conditional
/// UPDATE (<c>… WHERE state = …</c>), so a job moves queued → running → done at most once and a completion
/// is counted exactly once (<see cref="JobRecord.Completions"/>); admission counts queued jobs and inserts
/// in one transaction. Two implementations, one contract (the same tests run on both): SQLite embedded in
/// the data folder (the default, <see cref="SqliteJobStore"/>) and PostgreSQL (<see cref="PostgresJobStore"/>,
/// <c>zkml serve --postgres CONNSTRING</c>).
/// </summary>
public abstract class JobStore
{
    /// <summary>The store <paramref name="options"/> ask for: PostgreSQL when a connection string is given, else SQLite in the data folder.</summary>
    public static JobStore Open(ServiceOptions options) =>
        options.PostgresConnectionString is { Length: > 0 } cs ? new PostgresJobStore(cs) : new SqliteJobStore(options.DataDir);

    /// <summary>Where the jobs live, for messages (a file path, or host/database).</summary>
    public abstract string Describe { get; }

    /// <summary>Adds or keeps a circuit row.</summary>
    public abstract void AddCircuit(CircuitRecord r);

    /// <summary>The circuit row, or null.</summary>
    public abstract CircuitRecord? GetCircuit(string id);

    /// <summary>
    /// Inserts a queued job when fewer than <paramref name="maxQueued"/> jobs are queued; returns false
    /// (nothing inserted) when the queue is full. The check and the insert are one transaction.
    /// </summary>
    public abstract bool TryEnqueue(string id, string circuitId, string input, int rows, string batchDigest, int maxQueued);

    /// <summary>The job row, or null.</summary>
    public abstract JobRecord? Get(string id);

    /// <summary>The input.json of a job (kept until the job ends).</summary>
    public abstract string? GetInput(string id);

    /// <summary>
    /// At start: jobs left running by a stopped or crashed host go back to queued; returns every queued
    /// job id in acceptance order (they resume).
    /// </summary>
    public abstract IReadOnlyList<string> Recover();

    /// <summary>queued → running; false when the job is no longer queued (cancelled meanwhile).</summary>
    public abstract bool TryStart(string id);

    /// <summary>running → done, counting the completion; false when the job was not running.</summary>
    public abstract bool TryComplete(string id, double proveSeconds);

    /// <summary>running → failed or cancelled with a reason.</summary>
    public abstract bool TryEnd(string id, string state, string error);

    /// <summary>running → queued (the host is stopping: the job resumes at the next start).</summary>
    public abstract void Requeue(string id);

    /// <summary>queued → cancelled; false when the job was not queued.</summary>
    public abstract bool TryCancelQueued(string id);

    /// <summary>Number of jobs per state.</summary>
    public abstract IReadOnlyDictionary<string, long> CountByState();

    /// <summary>Every state with 0, to fill from a GROUP BY.</summary>
    protected static Dictionary<string, long> EmptyCounts() =>
        new() { [JobState.Queued] = 0, [JobState.Running] = 0, [JobState.Done] = 0, [JobState.Failed] = 0, [JobState.Cancelled] = 0 };

    /// <summary>Now as an ISO 8601 UTC string (the stores keep times as text).</summary>
    protected static string Now() => DateTime.UtcNow.ToString("O");
}

/// <summary>The default job store: an embedded SQLite database (<c>jobs.db</c>, WAL) in the data folder.</summary>
public sealed class SqliteJobStore : JobStore
{
    private readonly string _cs;
    private readonly string _path;

    /// <inheritdoc/>
    public override string Describe => _path;

    /// <summary>Opens (creating if needed) the store in <paramref name="dataDir"/>.</summary>
    public SqliteJobStore(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        _path = Path.Combine(dataDir, "jobs.db");
        _cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "jobs.db"), Pooling = false, DefaultTimeout = 30 }.ToString();
        using var c = Open();
        Exec(c, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS circuits (id TEXT PRIMARY KEY, circuit_digest TEXT NOT NULL, name TEXT NOT NULL, insecure INTEGER NOT NULL,
                max_batch INTEGER NOT NULL, input_size INTEGER NOT NULL, output_size INTEGER NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, circuit_id TEXT NOT NULL, state TEXT NOT NULL, input TEXT, rows INTEGER NOT NULL,
                batch_digest TEXT NOT NULL, created TEXT NOT NULL, started TEXT, finished TEXT, error TEXT, prove_seconds REAL,
                completions INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
            """);
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_cs);
        c.Open();
        return c;
    }

    private static int Exec(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return cmd.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override void AddCircuit(CircuitRecord r)
    {
        using var c = Open();
        Exec(c, "INSERT OR IGNORE INTO circuits VALUES ($id,$d,$n,$i,$mb,$in,$out,$c)",
            ("$id", r.Id), ("$d", r.CircuitDigest), ("$n", r.Name), ("$i", r.Insecure ? 1 : 0), ("$mb", r.MaxBatch), ("$in", r.InputSize), ("$out", r.OutputSize), ("$c", r.Created));
    }

    /// <inheritdoc/>
    public override CircuitRecord? GetCircuit(string id)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id,circuit_digest,name,insecure,max_batch,input_size,output_size,created FROM circuits WHERE id=$id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new CircuitRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3) != 0, r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetString(7)) : null;
    }

    /// <inheritdoc/>
    public override bool TryEnqueue(string id, string circuitId, string input, int rows, string batchDigest, int maxQueued)
    {
        using var c = Open();
        using var tx = c.BeginTransaction(System.Data.IsolationLevel.Serializable);
        using (var count = c.CreateCommand())
        {
            count.Transaction = tx;
            count.CommandText = "SELECT COUNT(*) FROM jobs WHERE state='queued'";
            if ((long)count.ExecuteScalar()! >= maxQueued) return false;
        }
        using (var ins = c.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = "INSERT INTO jobs (id,circuit_id,state,input,rows,batch_digest,created,seq) VALUES ($id,$c,'queued',$in,$r,$b,$t,(SELECT IFNULL(MAX(seq),0)+1 FROM jobs))";
            ins.Parameters.AddWithValue("$id", id);
            ins.Parameters.AddWithValue("$c", circuitId);
            ins.Parameters.AddWithValue("$in", input);
            ins.Parameters.AddWithValue("$r", rows);
            ins.Parameters.AddWithValue("$b", batchDigest);
            ins.Parameters.AddWithValue("$t", Now());
            ins.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    }

    /// <inheritdoc/>
    public override JobRecord? Get(string id)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id,circuit_id,state,rows,batch_digest,created,started,finished,error,prove_seconds,completions FROM jobs WHERE id=$id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new JobRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetDouble(9), r.GetInt32(10));
    }

    /// <inheritdoc/>
    public override string? GetInput(string id)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT input FROM jobs WHERE id=$id";
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteScalar() as string;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Recover()
    {
        using var c = Open();
        Exec(c, "UPDATE jobs SET state='queued', started=NULL WHERE state='running'");
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id FROM jobs WHERE state='queued' ORDER BY seq";
        using var r = cmd.ExecuteReader();
        var ids = new List<string>();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }

    /// <inheritdoc/>
    public override bool TryStart(string id)
    {
        using var c = Open();
        return Exec(c, "UPDATE jobs SET state='running', started=$t WHERE id=$id AND state='queued'", ("$id", id), ("$t", Now())) == 1;
    }

    /// <inheritdoc/>
    public override bool TryComplete(string id, double proveSeconds)
    {
        using var c = Open();
        return Exec(c, "UPDATE jobs SET state='done', finished=$t, prove_seconds=$s, input=NULL, completions=completions+1 WHERE id=$id AND state='running'",
            ("$id", id), ("$t", Now()), ("$s", proveSeconds)) == 1;
    }

    /// <inheritdoc/>
    public override bool TryEnd(string id, string state, string error)
    {
        using var c = Open();
        return Exec(c, "UPDATE jobs SET state=$st, finished=$t, error=$e, input=NULL WHERE id=$id AND state='running'",
            ("$id", id), ("$st", state), ("$t", Now()), ("$e", error)) == 1;
    }

    /// <inheritdoc/>
    public override void Requeue(string id)
    {
        using var c = Open();
        Exec(c, "UPDATE jobs SET state='queued', started=NULL WHERE id=$id AND state='running'", ("$id", id));
    }

    /// <inheritdoc/>
    public override bool TryCancelQueued(string id)
    {
        using var c = Open();
        return Exec(c, "UPDATE jobs SET state='cancelled', finished=$t, error='cancelled by the client', input=NULL WHERE id=$id AND state='queued'",
            ("$id", id), ("$t", Now())) == 1;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, long> CountByState()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT state, COUNT(*) FROM jobs GROUP BY state";
        using var r = cmd.ExecuteReader();
        var d = EmptyCounts();
        while (r.Read()) d[r.GetString(0)] = r.GetInt64(1);
        return d;
    }
}
