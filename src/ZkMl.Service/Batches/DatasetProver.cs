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

    /// <summary>Proves <paramref name="samples"/> into <paramref name="outDir"/>; returns the final manifest.</summary>
    /// <exception cref="DatasetException">Bad batch size, or an existing manifest for other data or another key.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> fired; the manifest holds every batch finished before.</exception>
    public static DatasetManifest Run(ProvingKey pk, IReadOnlyList<float[]> samples, int batchSize, string outDir,
        Action<DatasetProgress>? progress = null, Action<string, TimeSpan>? stage = null, CancellationToken ct = default)
    {
        var vk = pk.VerifyingKey;
        if (samples.Count == 0) throw new DatasetException("the dataset has no rows");
        if (batchSize < 1 || Circuit.NextPowerOfTwo(batchSize) > vk.MaxBatch)
            throw new DatasetException($"--batch {batchSize}: expected 1…{vk.MaxBatch} (the proving key's maximum batch; run zkml setup with a larger --max-batch)");
        var circuit = pk.Circuit;
        Directory.CreateDirectory(outDir);

        var planned = Plan(circuit, vk, samples, batchSize);
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

        int done = 0;
        for (int i = 0; i < planned.Batches.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var want = planned.Batches[i];
            var have = manifest.Batches[i];
            if (have.Status == BatchStatus.Done && have.RowsSha256 == want.RowsSha256 && have.FirstRow == want.FirstRow && have.RowCount == want.RowCount
                && DatasetVerifier.CheckProof(vk, Path.Combine(outDir, have.Proof), have) is null)
            {
                progress?.Invoke(new DatasetProgress(have, true, ++done, planned.Batches.Count));
                continue;
            }
            var rows = samples.Skip(want.FirstRow).Take(want.RowCount).ToArray();
            var timings = new ProverTimings { OnStageStart = _ => ct.ThrowIfCancellationRequested() };
            var sw = Stopwatch.StartNew();
            var proof = InferenceProver.Prove(pk, rows, timings);
            var check = InferenceVerifier.Verify(vk, proof);
            if (!check.IsValid) throw new InvalidOperationException($"batch {i}: the fresh proof does not verify ({check.Failure}: {check.Reason})");
            Algebra.IO.AtomicFile.WriteAllBytes(Path.Combine(outDir, want.Proof), proof.ToFileBytes());
            foreach (var (s, t) in timings.Stages) stage?.Invoke(s, t);
            want.Status = BatchStatus.Done;
            want.ProveSeconds = Math.Round(sw.Elapsed.TotalSeconds, 3);
            manifest.Batches[i] = want;
            manifest.Save(outDir);
            progress?.Invoke(new DatasetProgress(want, false, ++done, planned.Batches.Count));
        }
        return manifest;
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
