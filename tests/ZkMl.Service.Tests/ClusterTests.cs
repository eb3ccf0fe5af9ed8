using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkMl.Service.Batches;
using ZkMl.TestKit;

namespace ZkMl.Service.Tests;

/// <summary>
/// <c>zkml prove-dataset --cluster</c> on a real Orleans cluster: three <c>zkml silo</c> processes and the
/// coordinator's own silo on loopback, membership in a redis-server the test starts, one silo killed with
/// SIGKILL while it proves a batch.
/// </summary>
public partial class ClusterTests(TinyFixture tiny, ITestOutputHelper output) : IClassFixture<TinyFixture>
{
    [GeneratedRegex(@"joined cluster \S+ \(\S+\) as (\S+);")]
    private static partial Regex Joined();

    [GeneratedRegex(@"proving batch (\d+) ")]
    private static partial Regex Proving();

    [GeneratedRegex(@"proved batch (\d+) ")]
    private static partial Regex Proved();

    [Fact]
    public async Task ThreeSilos_OneKilledMidBatch_EveryBatchProvenOnce_AndTheSetVerifies()
    {
        using var redis = RedisServer.TryStart(out var why);
        if (redis is null) { output.WriteLine("SKIP: " + why); return; }
        // 40 rows in batches of 2: 20 batches. Rows 36…39 repeat rows 0…3, so batches 18 and 19 have the
        // batch digests of 0 and 1: proven once each, the proof written for both lines.
        var rows = TestNetworks.Samples(21, 36, 4).ToList();
        rows.AddRange(rows.Take(4));
        string data = tiny.File("cluster-data.json");
        File.WriteAllText(data, ZkMl.Compiler.Model.InputData.Serialize(rows));
        string outDir = tiny.NewDir("cluster-proofs");
        string clusterId = "t" + Guid.NewGuid().ToString("N")[..8];
        string[] common = ["--cluster", redis.ConnectionString, "--cluster-id", clusterId, "--address", "127.0.0.1"];

        var silos = Enumerable.Range(1, 3).Select(i => new ZkmlProcess($"silo {i}", ["silo", "--pk", tiny.Pk, .. common])).ToList();
        ZkmlProcess? coordinator = null;
        try
        {
            var names = new List<string>();
            foreach (var s in silos)
            {
                string line = await s.WaitForLine(l => Joined().IsMatch(l), TimeSpan.FromSeconds(90));
                names.Add(Joined().Match(line).Groups[1].Value);
            }
            // Kill silo 1 with SIGKILL as soon as it starts its second batch: mid-run, mid-proof.
            var victim = silos[0];
            var killedWhile = victim.WaitForLine(l => Proving().IsMatch(l) && victim.StderrLines.Count(Proving().IsMatch) >= 2, TimeSpan.FromSeconds(120));
            coordinator = new ZkmlProcess("coordinator", ["--json", "prove-dataset", tiny.Circuit, "--pk", tiny.Pk, "--data", data, "--batch", "2", "--out", outDir, .. common]);
            string provingLine = await killedWhile;
            victim.Kill();
            int inFlight = int.Parse(Proving().Match(provingLine).Groups[1].Value);
            output.WriteLine($"killed {victim.Name} ({names[0]}) while it proved batch {inFlight}");

            int exit = await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(150));
            Assert.True(exit == 0, coordinator.ToString());
            var j = JsonDocument.Parse(coordinator.Stdout).RootElement;
            output.WriteLine(j.ToString());
            Assert.Equal(20, j.GetProperty("batches").GetInt32());
            Assert.Equal(20, j.GetProperty("proven").GetInt32());
            Assert.Equal(2, j.GetProperty("deduplicated").GetInt32());
            Assert.True(j.GetProperty("retried").GetInt32() >= 1, "the killed silo's batch was not retried:\n" + j);
            Assert.True(j.GetProperty("silos").GetInt32() >= 3, "fewer than three silos took batches:\n" + j);

            // The manifest: every batch once, done, with its proof file; the killed silo's in-flight batch proven elsewhere,
            // and nothing credited to the killed silo that it did not report proving before it died.
            var m = DatasetManifest.Load(outDir);
            Assert.Equal(Enumerable.Range(0, 20), m.Batches.Select(b => b.Index));
            Assert.Equal(Enumerable.Range(0, 20).Select(i => 2 * i), m.Batches.Select(b => b.FirstRow));
            Assert.All(m.Batches, b => Assert.Equal(BatchStatus.Done, b.Status));
            // Every batch is credited to one of the three silos or to the coordinator's own silo, and the counts add up.
            var bySilo = j.GetProperty("bySilo").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            Assert.Equal(20, bySilo.Values.Sum());
            Assert.True(bySilo.Keys.Except(names).Count() <= 1, "batches credited to unknown silos:\n" + j);
            Assert.All(m.Batches, b => Assert.Equal(bySilo[b.ProvenBy!], m.Batches.Count(x => x.ProvenBy == b.ProvenBy)));
            Assert.NotEqual(names[0], m.Batches[inFlight].ProvenBy);
            var victimProved = victim.StderrLines.Select(l => Proved().Match(l)).Where(x => x.Success).Select(x => int.Parse(x.Groups[1].Value)).ToHashSet();
            Assert.All(m.Batches.Where(b => b.ProvenBy == names[0]), b => Assert.Contains(b.Index, victimProved.Concat(victimProved.Select(i => i + 18))));
            Assert.Equal(m.Batches[0].BatchDigest, m.Batches[18].BatchDigest);
            Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, m.Batches[0].Proof)), File.ReadAllBytes(Path.Combine(outDir, m.Batches[18].Proof)));
            // Atomic writes: the folder holds the manifest and the 20 proofs, no temp file.
            Assert.Equal(21, Directory.GetFiles(outDir).Length);

            var v = Zkml.Run("--json", "verify-dataset", "--vk", tiny.Vk, "--dir", outDir);
            Assert.True(v.ExitCode == 0, v.ToString());
            Assert.Equal(20, v.Json().GetProperty("proofsVerified").GetInt32());
        }
        catch
        {
            foreach (var p in silos.Append(coordinator)) if (p is not null) output.WriteLine(p.ToString());
            throw;
        }
        finally
        {
            coordinator?.Dispose();
            foreach (var s in silos) s.Dispose();
        }
    }

    [Fact]
    public void UnreachableRedis_And_BadAddress_AreOneLineErrors()
    {
        string data = tiny.File("cluster-small.json");
        File.WriteAllText(data, TinyFixture.Rows(4, 3));
        int dead = LocalServers.FreePort();
        var r = Zkml.Run("prove-dataset", tiny.Circuit, "--pk", tiny.Pk, "--data", data, "--batch", "2", "--out", tiny.NewDir("x"), "--cluster", $"127.0.0.1:{dead}");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"--cluster 127.0.0.1:{dead}: the silo could not start", r.Err);
        r = Zkml.Run("silo", "--pk", tiny.Pk, "--cluster", $"127.0.0.1:{dead}", "--address", "not-an-ip");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("--address not-an-ip: expected an IP address", r.Err);
        r = Zkml.Run("silo", "--pk", tiny.Pk);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("--cluster", r.Err);
    }
}
