using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMl.Service.Batches;

/// <summary>
/// The manifest of a proven dataset (<c>manifest.json</c> in the output folder): which rows each batch
/// covers, the SHA-256 of those rows (quantized, <see cref="BatchDigest.Rows(ReadOnlySpan{long})"/>),
/// the batch digest, the proof file and the batch status. Rewritten atomically after every batch, so a
/// crash leaves the previous complete manifest.
/// </summary>
public sealed class DatasetManifest
{
    /// <summary>The format tag of this manifest version.</summary>
    public const string CurrentFormat = "zkml-dataset-manifest-v1";

    /// <summary>The file name inside the output folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Format tag (<see cref="CurrentFormat"/>).</summary>
    public string Format { get; set; } = CurrentFormat;

    /// <summary>Hex digest of the verifying key every proof is for.</summary>
    public string VkDigest { get; set; } = "";

    /// <summary>Hex digest of the circuit.</summary>
    public string CircuitDigest { get; set; } = "";

    /// <summary>SHA-256 of all quantized rows of the dataset (the resume check: same data, same manifest).</summary>
    public string DataSha256 { get; set; } = "";

    /// <summary>Total number of rows.</summary>
    public int Rows { get; set; }

    /// <summary>Rows per batch (the last batch may be shorter).</summary>
    public int BatchSize { get; set; }

    /// <summary>The development SRS flag of the proving key: proofs made on it prove nothing to others.</summary>
    public bool Insecure { get; set; }

    /// <summary>The batches in index order.</summary>
    public List<DatasetBatch> Batches { get; set; } = [];

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serializes to indented JSON (UTF-8).</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Writes the manifest atomically into <paramref name="dir"/>.</summary>
    public void Save(string dir) => Algebra.IO.AtomicFile.WriteAllBytes(Path.Combine(dir, FileName), ToJsonBytes());

    /// <summary>Reads <c>manifest.json</c> from <paramref name="dir"/>.</summary>
    /// <exception cref="DatasetException">The file is missing or not a manifest of this format.</exception>
    public static DatasetManifest Load(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found (expected the manifest written by zkml prove-dataset)");
        DatasetManifest? m;
        try { m = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllBytes(path), Options); }
        catch (JsonException e) { throw new DatasetException($"{path}: not a valid manifest: {e.Message}"); }
        if (m is null || m.Format != CurrentFormat) throw new DatasetException($"{path}: format {(m?.Format ?? "null")}, expected {CurrentFormat}");
        if (m.Batches is null) throw new DatasetException($"{path}: no batches array");
        return m;
    }
}

/// <summary>Status of one batch in a manifest.</summary>
public enum BatchStatus
{
    /// <summary>Not proven yet.</summary>
    Pending,
    /// <summary>Proven, re-verified and written.</summary>
    Done,
}

/// <summary>One batch of a dataset manifest.</summary>
public sealed class DatasetBatch
{
    /// <summary>Batch index (0-based).</summary>
    public int Index { get; set; }

    /// <summary>First row (0-based) of the dataset in this batch.</summary>
    public int FirstRow { get; set; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; set; }

    /// <summary>Hex SHA-256 of the quantized rows.</summary>
    public string RowsSha256 { get; set; } = "";

    /// <summary>Hex batch digest (<see cref="BatchDigest.Batch"/>).</summary>
    public string BatchDigest { get; set; } = "";

    /// <summary>Proof file name, relative to the manifest's folder.</summary>
    public string Proof { get; set; } = "";

    /// <summary>Status.</summary>
    public BatchStatus Status { get; set; }

    /// <summary>Prover seconds of the run that proved it (0 when pending).</summary>
    public double ProveSeconds { get; set; }

    /// <summary>The silo that proved it (its address, host:port), when proven through Orleans; null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ProvenBy { get; set; }
}

/// <summary>A dataset, manifest or batch problem the user can fix (one line, names the file).</summary>
public sealed class DatasetException(string message) : Exception(message);
