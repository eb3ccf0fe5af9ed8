using System.Diagnostics;
using Orleans.Runtime;
using ZkMl.Inference;
using ZkMl.Service.Batches;

namespace ZkMl.Service.Cluster;

/// <summary>One batch of a dataset as sent to a silo: the rows travel, keys do not (every silo holds the proving key).</summary>
/// <param name="VkDigest">Hex VK digest of the key to prove with.</param>
/// <param name="Index">Batch index in the manifest (for messages).</param>
/// <param name="FirstRow">First dataset row (for messages).</param>
/// <param name="RowCount">Rows in the batch.</param>
/// <param name="Rows">The float rows, row after row (<c>RowCount × circuit inputs</c> values).</param>
[GenerateSerializer, Immutable, Alias("zkml.BatchWork")]
public sealed record BatchWork(
    [property: Id(0)] string VkDigest,
    [property: Id(1)] int Index,
    [property: Id(2)] int FirstRow,
    [property: Id(3)] int RowCount,
    [property: Id(4)] float[] Rows);

/// <summary>A proven batch: the proof file bytes, where and how long it was proven.</summary>
/// <param name="BatchDigest">Hex batch digest (the grain's key).</param>
/// <param name="Proof">The proof file (<see cref="InferenceProof.ToFileBytes"/>), verified by the silo before it is returned.</param>
/// <param name="ProveSeconds">Prover wall seconds on the silo.</param>
/// <param name="Silo">The proving silo's address (host:port).</param>
[GenerateSerializer, Immutable, Alias("zkml.BatchResult")]
public sealed record BatchResult(
    [property: Id(0)] string BatchDigest,
    [property: Id(1)] byte[] Proof,
    [property: Id(2)] double ProveSeconds,
    [property: Id(3)] string Silo);

/// <summary>
/// A batch as a grain, keyed by its batch digest (<see cref="BatchDigest.Batch"/>). The identity is the
/// deduplication: every call for the same digest reaches the same activation, which proves once and
/// answers later calls with the same proof.
/// </summary>
[Alias("zkml.IBatchGrain")]
public interface IBatchGrain : IGrainWithStringKey
{
    /// <summary>Proves the batch (or returns the proof already made by this activation).</summary>
    /// <exception cref="BatchRefusedException">This silo holds no key for the batch, or the rows do not hash to the grain's key.</exception>
    [Alias("Prove")]
    Task<BatchResult> Prove(BatchWork work, CancellationToken cancellationToken);
}

/// <summary>A silo refused a batch: no proving key for it here, or rows that do not match the batch digest. Another silo may take it.</summary>
public sealed class BatchRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BatchRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception (serialization).</summary>
    public BatchRefusedException() { }

    /// <summary>Creates the exception (serialization).</summary>
    public BatchRefusedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>True when the silo holds no proving key for the batch (it will refuse every batch of this run).</summary>
    public bool MissingKey => Message.Contains(MissingKeyTag, StringComparison.Ordinal);

    internal const string MissingKeyTag = "holds no proving key";
}

/// <summary>
/// The batch grain. Proving runs on the thread pool, off the grain scheduler, one batch at a time per
/// silo (<see cref="SiloProvers.Gate"/>: a proof already uses every core); cancellation is checked at
/// every prover stage. The proof is verified here before it leaves the silo, and again by the coordinator.
/// </summary>
[Orleans.Placement.RandomPlacement]
internal sealed class BatchGrain(SiloProvers provers, ILocalSiloDetails silo) : Grain, IBatchGrain
{
    private BatchResult? _proven;

    public async Task<BatchResult> Prove(BatchWork work, CancellationToken cancellationToken)
    {
        if (_proven is not null) return _proven;
        string digest = this.GetPrimaryKeyString();
        string self = silo.SiloAddress.Endpoint.ToString();
        if (!provers.TryGetKey(work.VkDigest, out var pk))
            throw new BatchRefusedException($"silo {self} {BatchRefusedException.MissingKeyTag} with VK digest {work.VkDigest[..Math.Min(16, work.VkDigest.Length)]}… (start it with --pk for that key)");
        int n = pk.Circuit.InputSize;
        if (work.RowCount < 1 || work.Rows.Length != (long)work.RowCount * n)
            throw new BatchRefusedException($"batch {work.Index}: {work.Rows.Length} values for {work.RowCount} rows of {n} inputs");
        var rows = new float[work.RowCount][];
        for (int r = 0; r < work.RowCount; r++) rows[r] = work.Rows.AsSpan(r * n, n).ToArray();
        string actual = Convert.ToHexStringLower(BatchDigest.Batch(pk.VerifyingKey.Digest, rows.Length, BatchDigest.Rows(pk.Circuit, rows)));
        if (actual != digest) throw new BatchRefusedException($"batch {work.Index}: the rows hash to batch digest {actual[..16]}…, not the grain's {digest[..Math.Min(16, digest.Length)]}…");

        await provers.Gate.WaitAsync(cancellationToken);
        try
        {
            provers.Report($"proving batch {work.Index} (rows {work.FirstRow}…{work.FirstRow + work.RowCount - 1}, digest {digest[..16]}…)");
            var (bytes, seconds) = await Task.Run(() =>
            {
                var timings = new ProverTimings { OnStageStart = _ => cancellationToken.ThrowIfCancellationRequested() };
                var sw = Stopwatch.StartNew();
                var proof = InferenceProver.Prove(pk, rows, timings);
                double s = sw.Elapsed.TotalSeconds;
                var check = InferenceVerifier.Verify(pk.VerifyingKey, proof);
                if (!check.IsValid) throw new InvalidOperationException($"batch {work.Index}: the fresh proof does not verify on silo {self} ({check.Failure}: {check.Reason})");
                return (proof.ToFileBytes(), s);
            }, cancellationToken);
            provers.Report($"proved batch {work.Index} in {seconds:F2} s");
            _proven = new BatchResult(digest, bytes, seconds, self);
            return _proven;
        }
        finally
        {
            provers.Gate.Release();
        }
    }
}
