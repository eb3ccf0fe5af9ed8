using Npgsql;

namespace ZkMl.Service.Jobs;

/// <summary>
/// The job store on PostgreSQL (<c>zkml serve --postgres "Host=…;Database=…;Username=…"</c>; the password
/// from <c>PGPASSWORD</c> or <c>~/.pgpass</c>, which Npgsql reads). Tables <c>zkml_circuits</c> and
/// <c>zkml_jobs</c> are created when missing. The same conditional UPDATEs as <see cref="SqliteJobStore"/>;
/// admission takes a transaction-scoped advisory lock, so concurrent enqueues never overfill the queue.
/// </summary>
public sealed class PostgresJobStore : JobStore
{
    private const long AdmissionLock = 0x7A6B6D6C_6A6F6273; // "zkmljobs"
    private readonly NpgsqlDataSource _db;
    private readonly string _describe;

    /// <summary>Connects and creates the tables when missing.</summary>
    /// <exception cref="ServiceConfigException">The connection string is malformed or the server cannot be reached.</exception>
    public PostgresJobStore(string connectionString)
    {
        NpgsqlConnectionStringBuilder b;
        try { b = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e) { throw new ServiceConfigException($"--postgres: not an Npgsql connection string ({e.Message})"); }
        _describe = $"postgresql://{b.Host}:{b.Port}/{b.Database}";
        _db = NpgsqlDataSource.Create(b);
        try
        {
            using var c = _db.OpenConnection();
            Exec(c, """
                CREATE TABLE IF NOT EXISTS zkml_circuits (id TEXT PRIMARY KEY, circuit_digest TEXT NOT NULL, name TEXT NOT NULL, insecure BOOLEAN NOT NULL,
                    max_batch INTEGER NOT NULL, input_size INTEGER NOT NULL, output_size INTEGER NOT NULL, created TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS zkml_jobs (id TEXT PRIMARY KEY, circuit_id TEXT NOT NULL, state TEXT NOT NULL, input TEXT, rows INTEGER NOT NULL,
                    batch_digest TEXT NOT NULL, created TEXT NOT NULL, started TEXT, finished TEXT, error TEXT, prove_seconds DOUBLE PRECISION,
                    completions INTEGER NOT NULL DEFAULT 0, seq BIGINT GENERATED ALWAYS AS IDENTITY);
                CREATE INDEX IF NOT EXISTS zkml_jobs_state ON zkml_jobs(state, seq);
                """);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or TimeoutException or System.Net.Sockets.SocketException)
        {
            _db.Dispose();
            throw new ServiceConfigException($"--postgres {_describe}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <inheritdoc/>
    public override string Describe => _describe;

    private static int Exec(NpgsqlConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return cmd.ExecuteNonQuery();
    }

    private int Exec(string sql, params (string, object?)[] args)
    {
        using var c = _db.OpenConnection();
        return Exec(c, sql, args);
    }

    /// <inheritdoc/>
    public override void AddCircuit(CircuitRecord r) =>
        Exec("INSERT INTO zkml_circuits VALUES (@id,@d,@n,@i,@mb,@in,@out,@c) ON CONFLICT (id) DO NOTHING",
            ("id", r.Id), ("d", r.CircuitDigest), ("n", r.Name), ("i", r.Insecure), ("mb", r.MaxBatch), ("in", r.InputSize), ("out", r.OutputSize), ("c", r.Created));

    /// <inheritdoc/>
    public override CircuitRecord? GetCircuit(string id)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id,circuit_digest,name,insecure,max_batch,input_size,output_size,created FROM zkml_circuits WHERE id=@id", c);
        cmd.Parameters.AddWithValue("id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new CircuitRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetString(7)) : null;
    }

    /// <inheritdoc/>
    public override bool TryEnqueue(string id, string circuitId, string input, int rows, string batchDigest, int maxQueued)
    {
        using var c = _db.OpenConnection();
        using var tx = c.BeginTransaction();
        using (var lk = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", c, tx))
        {
            lk.Parameters.AddWithValue("k", AdmissionLock);
            lk.ExecuteNonQuery();
        }
        using (var count = new NpgsqlCommand("SELECT COUNT(*) FROM zkml_jobs WHERE state='queued'", c, tx))
            if ((long)count.ExecuteScalar()! >= maxQueued) return false;
        using (var ins = new NpgsqlCommand("INSERT INTO zkml_jobs (id,circuit_id,state,input,rows,batch_digest,created) VALUES (@id,@c,'queued',@in,@r,@b,@t)", c, tx))
        {
            ins.Parameters.AddWithValue("id", id);
            ins.Parameters.AddWithValue("c", circuitId);
            ins.Parameters.AddWithValue("in", input);
            ins.Parameters.AddWithValue("r", rows);
            ins.Parameters.AddWithValue("b", batchDigest);
            ins.Parameters.AddWithValue("t", Now());
            ins.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    }

    /// <inheritdoc/>
    public override JobRecord? Get(string id)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id,circuit_id,state,rows,batch_digest,created,started,finished,error,prove_seconds,completions FROM zkml_jobs WHERE id=@id", c);
        cmd.Parameters.AddWithValue("id", id);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new JobRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetDouble(9), r.GetInt32(10));
    }

    /// <inheritdoc/>
    public override string? GetInput(string id)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT input FROM zkml_jobs WHERE id=@id", c);
        cmd.Parameters.AddWithValue("id", id);
        return cmd.ExecuteScalar() as string;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Recover()
    {
        using var c = _db.OpenConnection();
        Exec(c, "UPDATE zkml_jobs SET state='queued', started=NULL WHERE state='running'");
        using var cmd = new NpgsqlCommand("SELECT id FROM zkml_jobs WHERE state='queued' ORDER BY seq", c);
        using var r = cmd.ExecuteReader();
        var ids = new List<string>();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }

    /// <inheritdoc/>
    public override bool TryStart(string id) =>
        Exec("UPDATE zkml_jobs SET state='running', started=@t WHERE id=@id AND state='queued'", ("id", id), ("t", Now())) == 1;

    /// <inheritdoc/>
    public override bool TryComplete(string id, double proveSeconds) =>
        Exec("UPDATE zkml_jobs SET state='done', finished=@t, prove_seconds=@s, input=NULL, completions=completions+1 WHERE id=@id AND state='running'",
            ("id", id), ("t", Now()), ("s", proveSeconds)) == 1;

    /// <inheritdoc/>
    public override bool TryEnd(string id, string state, string error) =>
        Exec("UPDATE zkml_jobs SET state=@st, finished=@t, error=@e, input=NULL WHERE id=@id AND state='running'",
            ("id", id), ("st", state), ("t", Now()), ("e", error)) == 1;

    /// <inheritdoc/>
    public override void Requeue(string id) =>
        Exec("UPDATE zkml_jobs SET state='queued', started=NULL WHERE id=@id AND state='running'", ("id", id));

    /// <inheritdoc/>
    public override bool TryCancelQueued(string id) =>
        Exec("UPDATE zkml_jobs SET state='cancelled', finished=@t, error='cancelled by the client', input=NULL WHERE id=@id AND state='queued'",
            ("id", id), ("t", Now())) == 1;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, long> CountByState()
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT state, COUNT(*) FROM zkml_jobs GROUP BY state", c);
        using var r = cmd.ExecuteReader();
        var d = EmptyCounts();
        while (r.Read()) d[r.GetString(0)] = r.GetInt64(1);
        return d;
    }
}
