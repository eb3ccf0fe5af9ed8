using System.Security.Cryptography;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// compile --zk, setup of a zero-knowledge circuit (model.secret, the SRS provenance cases), open-model and the refusal
/// proofs with public inputs and the refusal of private inputs (docs/zk-design.md §11 steps 7–9).
/// </summary>
public sealed class ZkCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-zk-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private string F(string name) => Path.Combine(dir, name);

    private string CompileZk(string name, params string[] flags)
    {
        string c = F(name);
        Zkml.Ok(["compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", c, "--quiet", .. flags]);
        return c;
    }

    [Fact]
    public void Compile_reports_the_flags_and_writes_version_3()
    {
        var r = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", F("p.zkc"), "--zk", "--input-visibility", "private", "--json");
        var j = r.Json();
        Assert.True(j.GetProperty("zk").GetBoolean());
        Assert.Equal("private", j.GetProperty("inputVisibility").GetString());
        Assert.True(j.GetProperty("inputRangeCheck").GetBoolean());
        Assert.Equal(64, j.GetProperty("publicDigest").GetString()!.Length);
        Assert.NotEqual(j.GetProperty("digest").GetString(), j.GetProperty("publicDigest").GetString());
        Assert.Equal(3, j.GetProperty("formatVersion").GetInt32());
        Assert.Equal(3u, BitConverter.ToUInt32(File.ReadAllBytes(F("p.zkc")), 8));

        var off = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", F("off.zkc"), "--zk", "--input-visibility", "private", "--input-range-check", "off", "--json").Json();
        Assert.False(off.GetProperty("inputRangeCheck").GetBoolean());
        var pub = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", F("pub.zkc"), "--zk");
        Assert.Contains("zero-knowledge, public inputs", pub.Out);

        // The default circuit: no flags, version 1, the same bytes as before (no public digest reported).
        var d = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", F("d.zkc"), "--json").Json();
        Assert.False(d.GetProperty("zk").GetBoolean());
        Assert.Equal("public", d.GetProperty("inputVisibility").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, d.GetProperty("publicDigest").ValueKind);
        Assert.Equal(1, d.GetProperty("formatVersion").GetInt32());
    }

    [Fact]
    public void Bad_flag_values_and_combinations_give_clear_errors()
    {
        string[] Args(params string[] flags) => ["compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", F("bad.zkc"), .. flags];
        Zkml.Fails(Args("--zk", "--input-visibility", "secret"), "--input-visibility 'secret': expected public or private");
        Zkml.Fails(Args("--zk", "--input-visibility", "private", "--input-range-check", "maybe"), "--input-range-check 'maybe': expected on or off");
        Zkml.Fails(Args("--input-visibility", "private"), "--input-visibility private needs --zk");
        Zkml.Fails(Args("--input-range-check", "off"), "--input-range-check off needs --zk --input-visibility private");
        Zkml.Fails(Args("--zk", "--input-range-check", "off"), "applies to --input-visibility private only");
        Assert.False(File.Exists(F("bad.zkc")));
    }

    [Fact]
    public void Setup_writes_model_secret_and_open_model_checks_it()
    {
        string c = CompileZk("zk.zkc", "--zk", "--input-visibility", "private");
        string keys = F("keys");
        var s = Zkml.Ok("setup", c, "--dev-srs", "--dev-seed", "3", "-o", keys, "--max-batch", "2", "--json");
        var j = s.Json();
        Assert.True(j.GetProperty("zk").GetBoolean());
        Assert.Equal("development", j.GetProperty("srsProvenance").GetProperty("verdict").GetString());
        Assert.Contains("SRS provenance: development SRS", s.Err);
        Assert.Contains("INSECURE", s.Err);
        string secret = Path.Combine(keys, "model.secret"), vk = Path.Combine(keys, "vk.bin"), pk = Path.Combine(keys, "pk.bin");
        Assert.Equal(Path.GetFullPath(secret), j.GetProperty("modelSecret").GetString());
        Assert.Equal(6u, BitConverter.ToUInt32(File.ReadAllBytes(vk), 8));
        Assert.Equal(6u, BitConverter.ToUInt32(File.ReadAllBytes(pk), 8));
        Assert.Equal("ZKMLMSK\0"u8.ToArray(), File.ReadAllBytes(secret)[..8]);
        Assert.Empty(Directory.GetFiles(keys, "*.tmp*"));

        // Opens with the setup's secret (the SRS from pk.bin beside the key by default).
        var o = Zkml.Ok("open-model", "--vk", vk, "--circuit", c);
        Assert.Contains("opened", o.Out);
        Assert.Contains(j.GetProperty("vkDigest").GetString()!, o.Out);
        var oj = Zkml.Ok("open-model", "--vk", vk, "--secret", secret, "--circuit", c, "--pk", pk, "--json").Json();
        Assert.True(oj.GetProperty("opened").GetBoolean());

        // A second setup: another blinding and key; its secret does not open the first key.
        string keys2 = F("keys2");
        var s2 = Zkml.Ok("setup", c, "--dev-srs", "--dev-seed", "3", "-o", keys2, "--max-batch", "2", "--json").Json();
        Assert.NotEqual(j.GetProperty("vkDigest").GetString(), s2.GetProperty("vkDigest").GetString());
        Assert.NotEqual(File.ReadAllBytes(secret)[48..80], File.ReadAllBytes(Path.Combine(keys2, "model.secret"))[48..80]);
        var other = Zkml.Run("open-model", "--vk", vk, "--secret", Path.Combine(keys2, "model.secret"), "--circuit", c);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("another verifying key", other.Err);

        // A wrong blinding (resealed file): the model commitment does not open.
        var bad = File.ReadAllBytes(secret);
        bad[60] ^= 1;
        SHA256.HashData(bad.AsSpan(0, bad.Length - 32)).CopyTo(bad, bad.Length - 32);
        File.WriteAllBytes(F("bad.secret"), bad);
        var w = Zkml.Run("open-model", "--vk", vk, "--secret", F("bad.secret"), "--circuit", c, "--json");
        Assert.Equal(1, w.ExitCode);
        Assert.False(w.Json().GetProperty("opened").GetBoolean());
        Assert.Contains("does not open", w.Json().GetProperty("reason").GetString());

        // Another circuit (the same model without private inputs): named by its public digest.
        string pub = CompileZk("pub.zkc", "--zk");
        var pc = Zkml.Run("open-model", "--vk", vk, "--circuit", pub);
        Assert.Equal(1, pc.ExitCode);
        Assert.Contains("public-circuit digest", pc.Err);

        // A corrupt secret file, a default key, a missing SRS: one clear error line each.
        File.WriteAllBytes(F("cut.secret"), File.ReadAllBytes(secret)[..50]);
        Zkml.Fails(["open-model", "--vk", vk, "--secret", F("cut.secret"), "--circuit", c], "cut.secret", "truncated");
        string dc = F("d.zkc");
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", dc, "--quiet");
        Zkml.Ok("setup", dc, "--dev-srs", "-o", F("dkeys"), "--max-batch", "1", "--quiet");
        Zkml.Fails(["open-model", "--vk", Path.Combine(F("dkeys"), "vk.bin"), "--secret", secret, "--circuit", dc], "not a zero-knowledge verifying key");
        File.Copy(vk, F("lone-vk.bin"));
        Zkml.Fails(["open-model", "--vk", F("lone-vk.bin"), "--secret", secret, "--circuit", c], "no SRS", "--pk");
        Zkml.Fails(["open-model", "--vk", vk, "--secret", vk, "--circuit", c], "this is a verifying key", "expected a model secret");
    }

    [Fact]
    public void Zk_keys_with_public_inputs_prove_and_verify_and_a_tampered_proof_is_rejected()
    {
        // compile --zk → setup → prove → verify (docs/zk-design.md §11 step 9).
        string c = CompileZk("zk.zkc", "--zk");
        string keys = F("pkeys");
        Zkml.Ok("setup", c, "--dev-srs", "-o", keys, "--max-batch", "2", "--quiet");
        string input = F("two.json");
        File.WriteAllText(input, "{\"input_data\": [[-0.5, 0.25, 0.75, 0.0], [0.1, -0.2, 0.3, 0.4]]}");
        string pk = Path.Combine(keys, "pk.bin"), vk = Path.Combine(keys, "vk.bin"), proof = F("zk.proof");
        var p = Zkml.Ok("prove", c, "--input", input, "--pk", pk, "-o", proof, "--json").Json();
        Assert.True(p.GetProperty("zk").GetBoolean());
        Assert.Equal(3u, BitConverter.ToUInt32(File.ReadAllBytes(proof), 8)); // proof file version 3 (flags word)
        var v = Zkml.Ok("verify", "--vk", vk, "--proof", proof, "--circuit", c, "--json").Json();
        Assert.True(v.GetProperty("verified").GetBoolean());
        Assert.True(v.GetProperty("zk").GetBoolean());
        Assert.Equal(2, v.GetProperty("batch").GetInt32());
        Assert.Contains("verified", Zkml.Ok("verify", "--vk", vk, "--proof", proof).Out);
        // One proof byte changed (inside the batched opening's rounds), the file resealed: rejected, exit 1.
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length - 32 - 400] ^= 1;
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        File.WriteAllBytes(F("bad.proof"), bytes);
        var bad = Zkml.Run("verify", "--vk", vk, "--proof", F("bad.proof"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("not verified", bad.Err);
        // The Solidity verifier of ZK proofs (docs/zk-design.md §11 step 11): create-evm-verifier, verify-onchain on a local
        // anvil (accepted; the tampered proof rejected on chain too), encode-calldata.
        var ev = Zkml.Ok("create-evm-verifier", "--vk", vk, "-o", F("ZkVerifier.sol"), "--json").Json();
        Assert.InRange(ev.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.Contains("zkml-inference-zk-v1", File.ReadAllText(F("ZkVerifier.sol")));
        var oc = Zkml.Ok("verify-onchain", "--vk", vk, "--proof", proof);
        Assert.StartsWith("verified on chain", oc.Out);
        Zkml.Fails(["verify-onchain", "--vk", vk, "--proof", F("bad.proof")], "not verified");
        var cd = Zkml.Ok("encode-calldata", "--proof", proof, "--json").Json();
        Assert.Equal(ZkMl.Evm.Verifier.VerifierCalldata.Encode(InferenceProof.Load(proof)).Length, cd.GetProperty("bytes").GetInt32());
        // Private inputs with the input range check (the compile default): compile → setup → prove → verify in C# and on chain.
        string pc = CompileZk("priv.zkc", "--zk", "--input-visibility", "private");
        Zkml.Ok("setup", pc, "--dev-srs", "-o", F("privkeys"), "--max-batch", "2", "--quiet");
        string ppk = Path.Combine(F("privkeys"), "pk.bin"), pvk = Path.Combine(F("privkeys"), "vk.bin");
        var pp = Zkml.Ok("prove", pc, "--input", input, "--pk", ppk, "-o", F("priv.proof"), "--json").Json();
        Assert.True(pp.GetProperty("zk").GetBoolean());
        var pv = Zkml.Ok("verify", "--vk", pvk, "--proof", F("priv.proof"), "--json").Json();
        Assert.True(pv.GetProperty("verified").GetBoolean());
        Assert.True(pv.GetProperty("inputRangeCheck").GetBoolean());
        Assert.DoesNotContain("--input-range-check off", Zkml.Ok("verify", "--vk", pvk, "--proof", F("priv.proof")).Out);
        var pev = Zkml.Ok("create-evm-verifier", "--vk", pvk, "-o", F("PrivateVerifier.sol"), "--json").Json();
        Assert.InRange(pev.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.Contains("zkLogUpIn(", File.ReadAllText(F("PrivateVerifier.sol")));
        Assert.StartsWith("verified on chain", Zkml.Ok("verify-onchain", "--vk", pvk, "--proof", F("priv.proof")).Out);
        var pbytes = File.ReadAllBytes(F("priv.proof"));
        pbytes[pbytes.Length - 32 - 400] ^= 1; // inside the batched opening, the file resealed (as above)
        SHA256.HashData(pbytes.AsSpan(0, pbytes.Length - 32)).CopyTo(pbytes, pbytes.Length - 32);
        File.WriteAllBytes(F("priv-bad.proof"), pbytes);
        Zkml.Fails(["verify-onchain", "--vk", pvk, "--proof", F("priv-bad.proof")], "not verified");
        var pcd = Zkml.Ok("encode-calldata", "--proof", F("priv.proof"), "--json").Json();
        Assert.Equal(ZkMl.Evm.Verifier.VerifierCalldata.Encode(InferenceProof.Load(F("priv.proof"))).Length, pcd.GetProperty("bytes").GetInt32());
        Zkml.Fails(["setup", c, "--dev-srs", "--ptau-verified", "-o", F("k3")], "--ptau-verified only applies with --ptau");
    }

    [Fact]
    public void Ceremony_setup_needs_ptau_verified_for_an_unknown_ceremony_and_says_which_case_applied()
    {
        string fresh = F("pot12_0.ptau"), ptau = F("pot12.ptau");
        Snarkjs.Run("powersoftau", "new", "bn128", "12", fresh);
        Snarkjs.Run("powersoftau", "contribute", fresh, ptau, "--name=zkml-zk-test", "-e=zkml zk cli test entropy");
        string c = CompileZk("zk.zkc", "--zk");
        string cache = F("cache");
        Zkml.Fails(["setup", c, "--ptau", ptau, "--srs-cache", cache, "-o", F("k1"), "--max-batch", "1"], "pot12.ptau", "not a pinned ceremony", "--ptau-verified");
        Assert.False(File.Exists(Path.Combine(F("k1"), "model.secret")));
        Assert.False(File.Exists(Path.Combine(F("k1"), "vk.bin")));
        var s = Zkml.Ok("setup", c, "--ptau", ptau, "--ptau-verified", "--srs-cache", cache, "-o", F("k2"), "--max-batch", "1", "--json");
        var p = s.Json().GetProperty("srsProvenance");
        Assert.Equal("unknown", p.GetProperty("verdict").GetString());
        Assert.True(p.GetProperty("ptauVerified").GetBoolean());
        Assert.Contains("SRS provenance: unknown ceremony, accepted because --ptau-verified", s.Err);
        Assert.False(s.Json().GetProperty("insecure").GetBoolean());
        // The owner opens the model with the ceremony file as the SRS source.
        Zkml.Ok("open-model", "--vk", Path.Combine(F("k2"), "vk.bin"), "--circuit", c, "--ptau", ptau, "--srs-cache", cache);
    }
}
