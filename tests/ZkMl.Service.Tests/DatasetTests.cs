using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMl.Inference;
using ZkMl.Service.Batches;
using ZkMl.TestKit;

namespace ZkMl.Service.Tests;

/// <summary>A dataset of 18 rows proven in batches of 4 (5 batches, the last of 2), once, by a killed-and-resumed run.</summary>
public sealed class ProvenDatasetFixture : IDisposable
{
    public ProvenDatasetFixture()
    {
        Tiny = new TinyFixture();
        Data = Tiny.File("data.json");
        File.WriteAllText(Data, TinyFixture.Rows(18, 11));
        Dir = Tiny.NewDir("proofs");
        // "Kill" the first run after two proven batches (a cancellation token, as Ctrl+C or a lost machine would stop it).
        var pk = ProvingKey.Load(Tiny.Pk);
        var rows = ZkMl.Compiler.Model.InputData.Load(Data, 4);
        using var cts = new CancellationTokenSource();
        int proven = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetProver.Run(pk, rows, 4, Dir, p => { if (!p.Skipped && ++proven == 2) cts.Cancel(); }, ct: cts.Token));
        Interrupted = DatasetManifest.Load(Dir);
        // Resume with the CLI: the two done batches are skipped, three are proven.
        Resumed = Zkml.Ok("--json", "prove-dataset", Tiny.Circuit, "--pk", Tiny.Pk, "--data", Data, "--batch", "4", "--out", Dir).Json();
    }

    public TinyFixture Tiny { get; }
    public string Data { get; }
    public string Dir { get; }
    public DatasetManifest Interrupted { get; }
    public JsonElement Resumed { get; }

    /// <summary>A copy of the proven folder to tamper with.</summary>
    public string Copy()
    {
        string d = Tiny.NewDir("copy");
        foreach (var f in Directory.GetFiles(Dir)) File.Copy(f, Path.Combine(d, Path.GetFileName(f)));
        return d;
    }

    public void Dispose() => Tiny.Dispose();
}

public class DatasetTests(ProvenDatasetFixture ds) : IClassFixture<ProvenDatasetFixture>
{
    private static CliResult VerifyDataset(string vk, string dir) => Zkml.Run("--json", "verify-dataset", "--vk", vk, "--dir", dir);

    [Fact]
    public void KilledRun_Resumes_ProvingOnlyTheMissingBatches()
    {
        Assert.Equal(5, ds.Interrupted.Batches.Count);
        Assert.Equal(2, ds.Interrupted.Batches.Count(b => b.Status == BatchStatus.Done));
        Assert.Equal(3, ds.Resumed.GetProperty("proven").GetInt32());
        Assert.Equal(2, ds.Resumed.GetProperty("skipped").GetInt32());
        Assert.True(ds.Resumed.GetProperty("insecure").GetBoolean());
        var m = DatasetManifest.Load(ds.Dir);
        Assert.True(m.Insecure); // the fixture's keys rest on a development SRS
        Assert.All(m.Batches, b => Assert.Equal(BatchStatus.Done, b.Status));
        Assert.Equal(new[] { 4, 4, 4, 4, 2 }, m.Batches.Select(b => b.RowCount));
        Assert.Equal(new[] { 0, 4, 8, 12, 16 }, m.Batches.Select(b => b.FirstRow));
        // A third run has nothing left to do.
        var again = Zkml.Ok("--json", "prove-dataset", ds.Tiny.Circuit, "--pk", ds.Tiny.Pk, "--data", ds.Data, "--batch", "4", "--out", ds.Dir).Json();
        Assert.Equal(0, again.GetProperty("proven").GetInt32());
        Assert.Equal(5, again.GetProperty("skipped").GetInt32());
    }

    [Fact]
    public void VerifyDataset_AcceptsTheSet_AndRowDigestsMatchTheProofs()
    {
        var r = VerifyDataset(ds.Tiny.Vk, ds.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = r.Json();
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.Equal(5, j.GetProperty("proofsVerified").GetInt32());
        Assert.True(j.GetProperty("insecure").GetBoolean()); // the VK says its SRS is a development one
        Assert.Equal(18, j.GetProperty("rows").GetInt32());
        // The manifest's row digest is the SHA-256 of the quantized rows of the data file.
        var pk = ProvingKey.Load(ds.Tiny.Pk);
        var rows = ZkMl.Compiler.Model.InputData.Load(ds.Data, 4);
        var m = DatasetManifest.Load(ds.Dir);
        Assert.Equal(Convert.ToHexStringLower(BatchDigest.Rows(pk.Circuit, rows.Skip(8).Take(4).ToArray())), m.Batches[2].RowsSha256);
    }

    private string Tamper(Action<JsonObject> edit)
    {
        string d = ds.Copy();
        string mp = Path.Combine(d, DatasetManifest.FileName);
        var m = JsonNode.Parse(File.ReadAllText(mp))!.AsObject();
        edit(m);
        File.WriteAllText(mp, m.ToJsonString());
        return d;
    }

    private void Rejected(string dir, params string[] fragments)
    {
        var r = VerifyDataset(ds.Tiny.Vk, dir);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.False(r.Json().GetProperty("verified").GetBoolean());
        foreach (var f in fragments) Assert.True(r.Err.Contains(f, StringComparison.Ordinal), $"missing '{f}' in:\n{r}");
    }

    [Fact]
    public void TamperedManifest_RowDigest_Rejected() =>
        Rejected(Tamper(m => m["batches"]![1]!["rowsSha256"] = new string('0', 64)), "batch 1", "SHA-256");

    [Fact]
    public void TamperedManifest_MissingBatch_Rejected() =>
        Rejected(Tamper(m => m["batches"]!.AsArray().RemoveAt(2)), "rows 8…11 are covered by no batch");

    [Fact]
    public void TamperedManifest_OverlappingBatch_Rejected() =>
        Rejected(Tamper(m => m["batches"]![3]!["firstRow"] = 10), "batch 3", "overlaps");

    [Fact]
    public void TamperedManifest_PendingBatch_Rejected() =>
        Rejected(Tamper(m => m["batches"]![4]!["status"] = "pending"), "batch 4", "not done");

    [Fact]
    public void TamperedManifest_SwappedProofFiles_Rejected() =>
        Rejected(Tamper(m => { m["batches"]![0]!["proof"] = DatasetProver.ProofName(1); m["batches"]![1]!["proof"] = DatasetProver.ProofName(0); }), "batch 0", "SHA-256");

    [Fact]
    public void TamperedManifest_PathOutsideTheFolder_Rejected() =>
        Rejected(Tamper(m => m["batches"]![0]!["proof"] = "../" + DatasetProver.ProofName(0)), "leaves the folder");

    [Fact]
    public void TamperedProof_Rejected_AndResumeReprovesIt()
    {
        string d = ds.Copy();
        string p = Path.Combine(d, DatasetProver.ProofName(3));
        byte[] b = File.ReadAllBytes(p);
        b[b.Length / 2] ^= 1;
        File.WriteAllBytes(p, b);
        Rejected(d, "batch 3");
        File.Delete(Path.Combine(d, DatasetProver.ProofName(1)));
        Rejected(d, "batch 1", "not found");
        var r = Zkml.Ok("--json", "prove-dataset", ds.Tiny.Circuit, "--pk", ds.Tiny.Pk, "--data", ds.Data, "--batch", "4", "--out", d).Json();
        Assert.Equal(2, r.GetProperty("proven").GetInt32());
        Assert.Equal(0, VerifyDataset(ds.Tiny.Vk, d).ExitCode);
    }

    [Fact]
    public void OtherKey_OtherData_BadBatch_Rejected()
    {
        string other = ds.Tiny.NewDir("keys2");
        Zkml.Ok("setup", ds.Tiny.Circuit, "--dev-srs", "--dev-seed", "9", "-o", other, "--max-batch", "4", "--json");
        var wrongKey = VerifyDataset(Path.Combine(other, "vk.bin"), ds.Dir);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("made for the key", wrongKey.Err);
        // Resuming into a folder made from other data is refused, not mixed.
        string data2 = ds.Tiny.File("data2.json");
        File.WriteAllText(data2, TinyFixture.Rows(18, 12));
        var r = Zkml.Run("prove-dataset", ds.Tiny.Circuit, "--pk", ds.Tiny.Pk, "--data", data2, "--batch", "4", "--out", ds.Copy());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("made for other data", r.Err);
        r = Zkml.Run("prove-dataset", ds.Tiny.Circuit, "--pk", ds.Tiny.Pk, "--data", ds.Data, "--batch", "17", "--out", ds.Tiny.NewDir("x"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--batch 17", r.Err);
        r = Zkml.Run("verify-dataset", "--vk", ds.Tiny.Vk, "--dir", ds.Tiny.NewDir("empty"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("manifest.json: file not found", r.Err);
    }

    [Fact]
    public void Verbs_HaveHelp_AndNameMissingFiles()
    {
        foreach (var (verb, fragment) in new[] { ("serve", "--api-key-file"), ("serve", "--postgres"), ("prove-dataset", "--batch"), ("prove-dataset", "--cluster"), ("verify-dataset", "--dir"), ("silo", "--silo-port") })
        {
            var h = Zkml.Ok(verb, "--help");
            Assert.Contains(fragment, h.Out);
            Assert.Contains("--json", h.Out);
        }
        var r = Zkml.Run("prove-dataset", ds.Tiny.File("nope.zkc"), "--pk", ds.Tiny.Pk, "--data", ds.Data, "--out", ds.Tiny.NewDir("y"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nope.zkc: file not found", r.Err);
        r = Zkml.Run("verify-dataset", "--vk", ds.Tiny.File("nope.bin"), "--dir", ds.Dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nope.bin: file not found", r.Err);
    }
}
