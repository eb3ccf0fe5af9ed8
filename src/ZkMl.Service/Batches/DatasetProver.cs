using System.Diagnostics;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Service.Batches;

/// <summary>Progress of a dataset run: one call per batch, skipped or proven.</summary>
/// <param name="Batch">The manifest line.</param>
/// <param name="Skipped">True when a valid proof was already there (resume).</param>
/// <param name="Done">Batches done so far (skipped ones included).</param>
/// <param name="Total">Batches in the dataset.</param>
public readonly record struct DatasetProgress(DatasetBatch Batch, bool Skipped, int Done, int Total);

/// <summary>
/// Proves a dataset in batches (<c>zkml prove-dataset</c>): splits the rows, proves each batch, re-verifies
/// it, writes its proof atomically and rewrites the manifest after every batch. Resumable: a batch whose
/// manifest line is done and whose proof file exists, verifies and carries the batch's rows is skipped.
/// </summary>
public static class DatasetProver
{
    /// <summary>The proof file name of batch <paramref name="index"/>.</summary>
    public static string ProofName(int index) => $"batch-{index:D5}.proof";

    /// <summary>Proves <paramref name="samples"/> into <paramref name="outDir"/> in this thread, one batch after another; returns the final manifest.</summary>
    /// <remarks><c>zkml prove-dataset</c> runs batches through Orleans (<see cref="Cluster.ClusterDatasetProver"/>); this is the same run without a silo, for library use.</remarks>
    /// <exception cref="DatasetException">Bad batch size, or an existing manifest for other data or another key.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> fired; the manifest holds every batch finished before.</exception>
    public static DatasetManifest Run(ProvingKey pk, IReadOnlyList<float[]> samples, int batchSize, string outDir,
        Action<DatasetProgress>? progress = null, Action<string, TimeSpan>? stage = null, CancellationToken ct = default)
    {
        var run = DatasetRun.Open(pk.VerifyingKey, pk.Circuit, samples, batchSize, outDir);
        int done = 0;
        foreach (int i in run.AlreadyDone) progress?.Invoke(new DatasetProgress(run.Manifest.Batches[i], true, ++done, run.Total));
        foreach (int i in run.Pending)
        {
            ct.ThrowIfCancellationRequested();
            var timings = new ProverTimings { OnStageStart = _ => ct.ThrowIfCancellationRequested() };
            var sw = Stopwatch.StartNew();
            var proof = InferenceProver.Prove(pk, run.Rows(i), timings);
            var check = InferenceVerifier.Verify(pk.VerifyingKey, proof);
            if (!check.IsValid) throw new InvalidOperationException($"batch {i}: the fresh proof does not verify ({check.Failure}: {check.Reason})");
            foreach (var (s, t) in timings.Stages) stage?.Invoke(s, t);
            var line = run.Accept(i, proof.ToFileBytes(), sw.Elapsed.TotalSeconds, provenBy: null);
            progress?.Invoke(new DatasetProgress(line, false, ++done, run.Total));
        }
        return run.Manifest;
    }

    /// <summary>The manifest of a fresh run: every batch pending, digests computed.</summary>
    public static DatasetManifest Plan(Circuit circuit, VerifyingKey vk, IReadOnlyList<float[]> samples, int batchSize)
    {
        int n = circuit.InputSize;
        var all = new long[(long)samples.Count * n];
        for (int r = 0; r < samples.Count; r++)
        {
            if (samples[r].Length != n) throw new DatasetException($"row {r}: {samples[r].Length} values, the circuit expects {n}");
            circuit.QuantizeInput(samples[r]).CopyTo(all, (long)r * n);
        }
        var m = new DatasetManifest
        {
            VkDigest = vk.DigestHex,
            CircuitDigest = circuit.DigestHex,
            DataSha256 = Convert.ToHexStringLower(BatchDigest.Rows(all)),
            Rows = samples.Count,
            BatchSize = batchSize,
        };
        for (int i = 0, first = 0; first < samples.Count; i++, first += batchSize)
        {
            int count = Math.Min(batchSize, samples.Count - first);
            byte[] rowsDigest = BatchDigest.Rows(all.AsSpan(first * n, count * n));
            m.Batches.Add(new DatasetBatch
            {
                Index = i,
                FirstRow = first,
                RowCount = count,
                RowsSha256 = Convert.ToHexStringLower(rowsDigest),
                BatchDigest = Convert.ToHexStringLower(BatchDigest.Batch(vk.Digest, count, rowsDigest)),
                Proof = ProofName(i),
                Status = BatchStatus.Pending,
            });
        }
        return m;
    }
}
