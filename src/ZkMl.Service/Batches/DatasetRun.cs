using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Service.Batches;

/// <summary>
/// One dataset run in an output folder: the manifest (fresh, or the one a previous run left), which
/// batches are already proven (their proof exists, verifies and carries the batch's rows) and which are
/// left, and <see cref="Accept"/>, the one place a proof enters the folder. Whoever proves the batches
/// (this thread, or silos of an Orleans cluster), the manifest is written by this object only, each
/// batch once: a second result for a done batch is refused.
/// </summary>
public sealed class DatasetRun
{
    private readonly IReadOnlyList<float[]> _samples;
    private readonly object _lock = new();

    private DatasetRun(VerifyingKey vk, string outDir, DatasetManifest manifest, IReadOnlyList<float[]> samples, List<int> done, List<int> pending)
    {
        Vk = vk;
        OutDir = outDir;
        Manifest = manifest;
        _samples = samples;
        AlreadyDone = done;
        Pending = pending;
    }

    /// <summary>The key every proof must verify under.</summary>
    public VerifyingKey Vk { get; }

    /// <summary>The output folder.</summary>
    public string OutDir { get; }

    /// <summary>The manifest as written last.</summary>
    public DatasetManifest Manifest { get; }

    /// <summary>Batch indices found proven when the run opened (resume).</summary>
    public IReadOnlyList<int> AlreadyDone { get; }

    /// <summary>Batch indices left to prove when the run opened, in order.</summary>
    public IReadOnlyList<int> Pending { get; }

    /// <summary>Number of batches.</summary>
    public int Total => Manifest.Batches.Count;

    /// <summary>
    /// Plans the batches of <paramref name="samples"/> and opens <paramref name="outDir"/>: a fresh
    /// manifest is written, or an existing one for the same key, data and batch size is resumed.
    /// </summary>
    /// <exception cref="DatasetException">Bad batch size, or an existing manifest for other data or another key.</exception>
    public static DatasetRun Open(VerifyingKey vk, Circuit circuit, IReadOnlyList<float[]> samples, int batchSize, string outDir)
    {
        if (samples.Count == 0) throw new DatasetException("the dataset has no rows");
        if (batchSize < 1 || Circuit.NextPowerOfTwo(batchSize) > vk.MaxBatch)
            throw new DatasetException($"--batch {batchSize}: expected 1…{vk.MaxBatch} (the proving key's maximum batch; run zkml setup with a larger --max-batch)");
        Directory.CreateDirectory(outDir);
        var planned = DatasetProver.Plan(circuit, vk, samples, batchSize);
        planned.Insecure = vk.IsInsecure;
        string manifestPath = Path.Combine(outDir, DatasetManifest.FileName);
        DatasetManifest manifest;
        if (File.Exists(manifestPath))
        {
            manifest = DatasetManifest.Load(outDir);
            if (manifest.VkDigest != planned.VkDigest || manifest.DataSha256 != planned.DataSha256 || manifest.BatchSize != batchSize || manifest.Rows != samples.Count)
                throw new DatasetException($"{manifestPath}: made for other data, another key or another batch size (rows {manifest.Rows}, batch {manifest.BatchSize}); use another --out folder or delete it");
            if (manifest.Batches.Count != planned.Batches.Count)
                throw new DatasetException($"{manifestPath}: {manifest.Batches.Count} batches, expected {planned.Batches.Count}");
        }
        else
        {
            manifest = planned;
            manifest.Save(outDir);
        }
        var done = new List<int>();
        var pending = new List<int>();
        for (int i = 0; i < planned.Batches.Count; i++)
        {
            var want = planned.Batches[i];
            var have = manifest.Batches[i];
            if (have.Status == BatchStatus.Done && have.RowsSha256 == want.RowsSha256 && have.FirstRow == want.FirstRow && have.RowCount == want.RowCount
                && have.BatchDigest == want.BatchDigest && have.Proof == want.Proof
                && DatasetVerifier.CheckProof(vk, Path.Combine(outDir, have.Proof), have) is null)
            {
                done.Add(i);
                continue;
            }
            manifest.Batches[i] = want; // pending, with the planned digests (a stale or edited line is replaced)
            pending.Add(i);
        }
        return new DatasetRun(vk, outDir, manifest, samples, done, pending);
    }

    /// <summary>The float rows of batch <paramref name="index"/>.</summary>
    public float[][] Rows(int index)
    {
        var b = Manifest.Batches[index];
        var rows = new float[b.RowCount][];
        for (int r = 0; r < b.RowCount; r++) rows[r] = _samples[b.FirstRow + r];
        return rows;
    }

    /// <summary>True once <see cref="Close"/> ran: <see cref="Accept"/> writes nothing more.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Ends the run: a result arriving later (a call still under way on a silo) is not written.</summary>
    public void Close()
    {
        lock (_lock) IsClosed = true;
    }

    /// <summary>True when batch <paramref name="index"/> is done (found so, or accepted in this run).</summary>
    public bool IsDone(int index)
    {
        lock (_lock) return Manifest.Batches[index].Status == BatchStatus.Done;
    }

    /// <summary>
    /// Checks a proof for batch <paramref name="index"/> (verifies under <see cref="Vk"/>, proves exactly the
    /// batch's rows), writes it atomically, marks the batch done and rewrites the manifest atomically.
    /// Returns the manifest line.
    /// </summary>
    /// <exception cref="DatasetException">The batch is already done (a duplicate), or the proof does not check.</exception>
    /// <exception cref="InvalidOperationException">The run is closed.</exception>
    public DatasetBatch Accept(int index, byte[] proofFile, double proveSeconds, string? provenBy)
    {
        lock (_lock)
        {
            if (IsClosed) throw new InvalidOperationException($"batch {index}: the run is closed; the result is not written");
            var b = Manifest.Batches[index];
            if (b.Status == BatchStatus.Done) throw new DatasetException($"batch {index}: already proven (a duplicate result is not written)");
            string path = Path.Combine(OutDir, b.Proof);
            if (DatasetVerifier.CheckProofBytes(Vk, proofFile, b, path) is { } problem) throw new DatasetException($"batch {index}: {problem}");
            Algebra.IO.AtomicFile.WriteAllBytes(path, proofFile);
            b.Status = BatchStatus.Done;
            b.ProveSeconds = Math.Round(proveSeconds, 3);
            b.ProvenBy = provenBy;
            Manifest.Save(OutDir);
            return b;
        }
    }
}
