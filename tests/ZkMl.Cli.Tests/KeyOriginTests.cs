namespace ZkMl.Cli.Tests;

/// <summary>
/// Every verb that loads a key made on a development SRS says so on stderr (also with --quiet and --json) and
/// reports <c>"insecure"</c> in --json; keys of an older format ask for setup to be re-run (issue 14).
/// </summary>
public class KeyOriginTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    private const string Warning = "was made on an INSECURE development SRS";

    private string Proof(string name)
    {
        string input = tiny.File(name + ".json"), proof = tiny.File(name);
        File.WriteAllText(input, "{\"input_data\": [[0.5, -0.25, 0.1, 0.9]]}");
        Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof, "--quiet");
        return proof;
    }

    [Fact]
    public void Verbs_loading_a_development_key_warn_and_report_insecure()
    {
        string proof = Proof("origin.proof");
        foreach (var mode in new[] { "--quiet", "--json" })
        {
            var p = Zkml.Ok("prove", tiny.Circuit, "--input", tiny.File("origin.proof.json"), "--pk", tiny.Pk, "-o", tiny.File("origin2.proof"), mode);
            Assert.Contains(Warning, p.Err);
            var v = Zkml.Ok("verify", "--vk", tiny.Vk, "--proof", proof, mode);
            Assert.Contains(Warning, v.Err);
            var c = Zkml.Ok("create-evm-verifier", "--vk", tiny.Vk, "-o", tiny.File("origin.sol"), "--no-compile", mode);
            Assert.Contains(Warning, c.Err);
            if (mode == "--json")
            {
                foreach (var r in new[] { p, v, c }) Assert.True(r.Json().GetProperty("insecure").GetBoolean(), r.ToString());
                Assert.Equal("development", v.Json().GetProperty("srs").GetProperty("kind").GetString());
                Assert.Equal(64, v.Json().GetProperty("srs").GetProperty("tauG2Sha256").GetString()!.Length);
            }
        }
        // The verdict is kept apart from the warning: stdout of --quiet is the result alone.
        var q = Zkml.Ok("verify", "--vk", tiny.Vk, "--proof", proof, "--quiet");
        Assert.DoesNotContain("INSECURE", q.Out);
        // The contract says it in its header comment.
        Assert.Contains("// SRS: INSECURE development SRS.", File.ReadAllText(tiny.File("origin.sol")));
        // A failed verification still reports the key's origin.
        var bad = Zkml.Run("verify", "--vk", tiny.Vk, "--proof", tiny.Vk, "--json");
        Assert.Equal(1, bad.ExitCode);
        Assert.True(bad.Json().GetProperty("insecure").GetBoolean());
    }

    [Fact]
    public void Setup_and_bench_report_the_development_origin()
    {
        var s = Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "-o", tiny.File("origin-keys"), "--max-batch", "1", "--json");
        Assert.True(s.Json().GetProperty("insecure").GetBoolean());
        Assert.Equal("development", s.Json().GetProperty("srs").GetProperty("kind").GetString());
        Assert.Contains("random τ", s.Err);
        // Without --dev-seed the τ comes from the CSPRNG: two setups give two keys.
        var s2 = Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "-o", tiny.File("origin-keys2"), "--max-batch", "1", "--json");
        Assert.NotEqual(s.Json().GetProperty("srs").GetProperty("tauG2Sha256").GetString(), s2.Json().GetProperty("srs").GetProperty("tauG2Sha256").GetString());
        // --dev-seed is reproducible (tests only).
        var a = Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "--dev-seed", "3", "-o", tiny.File("seed-a"), "--max-batch", "1", "--json");
        var b = Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "--dev-seed", "3", "-o", tiny.File("seed-b"), "--max-batch", "1", "--json");
        Assert.Equal(a.Json().GetProperty("vkDigest").GetString(), b.Json().GetProperty("vkDigest").GetString());
        Assert.True(a.Json().GetProperty("insecure").GetBoolean());
        var bench = Zkml.Ok("bench", tiny.Circuit, "--json");
        Assert.True(bench.Json().GetProperty("insecure").GetBoolean());
        Assert.Contains("INSECURE", bench.Err);
    }

    [Fact]
    public void Keys_of_an_older_format_ask_to_re_run_setup()
    {
        string old = tiny.File("old-vk.bin"), oldPk = tiny.File("old-pk.bin");
        var b = File.ReadAllBytes(tiny.Vk);
        b[8] = 3; // version 3 (before the SRS origin)
        File.WriteAllBytes(old, b);
        Zkml.Fails(["verify", "--vk", old, "--proof", Proof("old.proof")], "old-vk.bin", "made by an older zkml", "re-run zkml setup");
        Zkml.Fails(["create-evm-verifier", "--vk", old, "-o", tiny.File("old.sol"), "--no-compile"], "old-vk.bin", "made by an older zkml");
        var p = File.ReadAllBytes(tiny.Pk);
        p[8] = 3;
        File.WriteAllBytes(oldPk, p);
        Zkml.Fails(["prove", tiny.Circuit, "--input", tiny.File("old.proof.json"), "--pk", oldPk, "-o", tiny.File("never.proof")], "old-pk.bin", "made by an older zkml", "re-run zkml setup");
    }
}
