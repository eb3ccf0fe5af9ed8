using ZkMl.Inference;
using ZkMl.Service.Batches;
using ZkMl.Service.Cluster;

namespace ZkMl.Service.Tests;

/// <summary>The batch grain, the coordinator and <see cref="DatasetRun.Accept"/> on an embedded silo (in process): refusals, deduplication, checks of results.</summary>
public class SiloTests(TinyFixture tiny) : IClassFixture<TinyFixture>
{
    private static BatchWork Work(ProvingKey pk, int index, float[][] rows) =>
        new(pk.VerifyingKey.DigestHex, index, 0, rows.Length, rows.SelectMany(r => r).ToArray());

    private static string Digest(ProvingKey pk, float[][] rows) =>
        Convert.ToHexStringLower(BatchDigest.Batch(pk.VerifyingKey.Digest, rows.Length, BatchDigest.Rows(pk.Circuit, rows)));

    [Fact]
    public async Task BatchGrain_ProvesOncePerDigest_AndRefusesWhatItCannotProve()
    {
        var pk = ProvingKey.Load(tiny.Pk);
        var rows = ZkMl.TestKit.TestNetworks.Samples(3, 2, 4);
        var other = ZkMl.TestKit.TestNetworks.Samples(4, 2, 4);
        var lines = new List<string>();
        await using (var bare = await ProverSilo.StartAsync(new SiloSettings(), []))
        {
            var e = await Assert.ThrowsAsync<BatchRefusedException>(() => bare.Grains.GetGrain<IBatchGrain>(Digest(pk, rows)).Prove(Work(pk, 0, rows), default));
            Assert.True(e.MissingKey, e.Message);
            Assert.Contains(pk.VerifyingKey.DigestHex[..16], e.Message);
        }
        await using var silo = await ProverSilo.StartAsync(new SiloSettings { Activity = l => { lock (lines) lines.Add(l); } }, [pk]);
        // Rows that do not hash to the grain's key are refused before any proving.
        var wrong = await Assert.ThrowsAsync<BatchRefusedException>(() => silo.Grains.GetGrain<IBatchGrain>(Digest(pk, rows)).Prove(Work(pk, 5, other), default));
        Assert.False(wrong.MissingKey);
        Assert.Contains("batch 5: the rows hash to batch digest", wrong.Message);
        var bad = await Assert.ThrowsAsync<BatchRefusedException>(() => silo.Grains.GetGrain<IBatchGrain>(Digest(pk, rows)).Prove(Work(pk, 6, rows) with { RowCount = 3 }, default));
        Assert.Contains("values for 3 rows", bad.Message);
        Assert.Empty(lines);
        // Two calls for one digest (as a retry after a lost reply would make): one proof.
        var g = silo.Grains.GetGrain<IBatchGrain>(Digest(pk, rows));
        var results = await Task.WhenAll(g.Prove(Work(pk, 0, rows), default), g.Prove(Work(pk, 0, rows), default));
        Assert.Equal(results[0].Proof, results[1].Proof);
        Assert.Single(lines, l => l.StartsWith("proving batch 0", StringComparison.Ordinal));
        Assert.True(InferenceProof.TryFromFileBytes(results[0].Proof, out var proof, out _));
        Assert.True(InferenceVerifier.Verify(pk.VerifyingKey, proof!).IsValid);
    }

    [Fact]
    public async Task Coordinator_FailsClearly_WhenNoSiloHoldsTheKey()
    {
        var pk = ProvingKey.Load(tiny.Pk);
        await using var silo = await ProverSilo.StartAsync(new SiloSettings(), []);
        var info = new List<string>();
        var e = await Assert.ThrowsAsync<DatasetException>(() => ClusterDatasetProver.RunAsync(silo, pk, ZkMl.TestKit.TestNetworks.Samples(5, 4, 4), 2, tiny.NewDir("nokey"),
            info: l => { lock (info) info.Add(l); }, noSiloTimeout: TimeSpan.FromSeconds(2)));
        Assert.Contains("no silo of the cluster can prove", e.Message);
        Assert.Contains(info, l => l.Contains("holds no proving key", StringComparison.Ordinal));
    }

    [Fact]
    public void Accept_RejectsProofsOfOtherRows_BadBytes_AndDuplicates()
    {
        var pk = ProvingKey.Load(tiny.Pk);
        var samples = ZkMl.TestKit.TestNetworks.Samples(6, 4, 4);
        string dir = tiny.NewDir("accept");
        var run = DatasetRun.Open(pk.VerifyingKey, pk.Circuit, samples, 2, dir);
        Assert.Equal(new[] { 0, 1 }, run.Pending);
        byte[] proof1 = InferenceProver.Prove(pk, run.Rows(1)).ToFileBytes();
        // Batch 1's (valid) proof offered for batch 0: its public rows are not batch 0's.
        var e = Assert.Throws<DatasetException>(() => run.Accept(0, proof1, 1, "x"));
        Assert.Contains("batch 0", e.Message);
        Assert.Contains("SHA-256", e.Message);
        byte[] flipped = (byte[])proof1.Clone();
        flipped[flipped.Length / 2] ^= 1;
        Assert.Throws<DatasetException>(() => run.Accept(1, flipped, 1, "x"));
        Assert.False(File.Exists(Path.Combine(dir, DatasetProver.ProofName(1)))); // nothing written for a rejected proof
        run.Accept(1, proof1, 1, "x");
        e = Assert.Throws<DatasetException>(() => run.Accept(1, proof1, 1, "y"));
        Assert.Contains("already proven", e.Message);
        var m = DatasetManifest.Load(dir);
        Assert.Equal((BatchStatus.Pending, BatchStatus.Done, "x"), (m.Batches[0].Status, m.Batches[1].Status, m.Batches[1].ProvenBy));
        // A closed run (the coordinator stopped) writes nothing more, even a valid proof.
        run.Close();
        Assert.Throws<InvalidOperationException>(() => run.Accept(0, InferenceProver.Prove(pk, run.Rows(0)).ToFileBytes(), 1, "x"));
        Assert.False(File.Exists(Path.Combine(dir, DatasetProver.ProofName(0))));
    }

    [Fact]
    public async Task Coordinator_Cancelled_LeavesAFolderTheNextRunResumes()
    {
        var pk = ProvingKey.Load(tiny.Pk);
        var samples = ZkMl.TestKit.TestNetworks.Samples(8, 8, 4);
        string dir = tiny.NewDir("cancel");
        await using var silo = await ProverSilo.StartAsync(new SiloSettings(), [pk]);
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ClusterDatasetProver.RunAsync(silo, pk, samples, 2, dir, p => { if (!p.Skipped) cts.Cancel(); }, ct: cts.Token));
        var m = DatasetManifest.Load(dir);
        int done = m.Batches.Count(b => b.Status == BatchStatus.Done);
        Assert.InRange(done, 1, 3);
        Assert.Null(m.Batches[0].ProvenBy); // the embedded silo is not named in the manifest
        var report = await ClusterDatasetProver.RunAsync(silo, pk, samples, 2, dir);
        Assert.Equal((done, 4 - done), (report.Skipped, report.Proven));
        var v = DatasetVerifier.Verify(pk.VerifyingKey, dir);
        Assert.True(v.IsValid, string.Join("\n", v.Problems));
        Assert.Equal(4, v.ProofsVerified);
    }
}
