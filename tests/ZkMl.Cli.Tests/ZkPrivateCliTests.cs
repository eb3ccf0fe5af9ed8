using System.Security.Cryptography;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// <c>zkml prove</c> / <c>verify</c> / <c>bench</c> on a key with private inputs (docs/zk-design.md §6, §11 step 10): the fresh
/// commitment and its secret opening beside the proof, <c>--input-commitment/--input-opening</c>, the JSON fields, no input in
/// the proof file or its JSON, and the secret files' mode.
/// </summary>
public sealed class ZkPrivateCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-zkpriv-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private string F(string name) => Path.Combine(dir, name);

    private const string Rows = "[[0.5, -0.25, 0.75, 0.0], [0.1, 0.2, 0.3, 0.4]]";

    private string Input(string name, string rows)
    {
        string p = F(name);
        File.WriteAllText(p, "{\"input_data\": " + rows + "}");
        return p;
    }

    private static void AssertOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Prove_verify_and_bench_on_a_private_input_key()
    {
        string c = F("priv.zkc"), keys = F("keys");
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", c, "--quiet", "--zk", "--input-visibility", "private", "--input-range-check", "off");
        Zkml.Ok("setup", c, "--dev-srs", "--dev-seed", "5", "-o", keys, "--max-batch", "2", "--quiet");
        string pk = Path.Combine(keys, "pk.bin"), vk = Path.Combine(keys, "vk.bin");
        AssertOwnerOnly(Path.Combine(keys, "model.secret"));
        AssertOwnerOnly(pk); // a ZK proving key holds the model blindings
        AssertOwnerOnly(c); // a ZK circuit holds the hidden weights
        string input = Input("in.json", Rows);

        // A fresh commitment: PROOF.input.commit and PROOF.input.opening (secret) beside the proof.
        var p = Zkml.Ok("prove", c, "--input", input, "--pk", pk, "-o", F("a.proof"), "--json").Json();
        Assert.True(p.GetProperty("zk").GetBoolean());
        string cx = p.GetProperty("inputCommitment").GetString()!;
        Assert.Equal(2 + 128, cx.Length);
        string commit = F("a.input.commit"), opening = F("a.input.opening");
        Assert.Equal(Path.GetFullPath(commit), p.GetProperty("inputCommitmentFile").GetString());
        Assert.Equal(Path.GetFullPath(opening), p.GetProperty("inputOpeningFile").GetString());
        AssertOwnerOnly(opening);
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(commit)), File.ReadAllBytes(opening)[12..44]);
        Assert.Equal(3, Directory.GetFiles(dir).Count(f => Path.GetFileName(f).StartsWith("a.", StringComparison.Ordinal))); // no temp files
        // the opening opens the commitment and holds the inputs
        Zkml.Ok("open-input", "--commitment", commit, "--opening", opening, "--input", input, "--pk", pk);

        // verify: the statement's C_X printed and in the JSON; --input-commitment must be the proof's.
        var v = Zkml.Ok("verify", "--vk", vk, "--proof", F("a.proof"), "--json").Json();
        Assert.True(v.GetProperty("verified").GetBoolean());
        Assert.True(v.GetProperty("zk").GetBoolean());
        Assert.Equal(cx, v.GetProperty("inputCommitment").GetString());
        Assert.False(v.GetProperty("inputRangeCheck").GetBoolean());
        var human = Zkml.Ok("verify", "--vk", vk, "--proof", F("a.proof"), "--input-commitment", commit).Out;
        Assert.Contains("input commitment C_X " + cx, human); // printed in full
        Assert.Contains("--input-range-check off", human); // the weaker statement is said
        // on chain: the key's ZK verifier (statement B ‖ C_X ‖ Y) on a local anvil
        Assert.StartsWith("verified on chain", Zkml.Ok("verify-onchain", "--vk", vk, "--proof", F("a.proof")).Out);
        // The same C_X in a commitment file of another SRS (its fingerprint changed, its trailer recomputed): the proof binds
        // C_X only under the key's SRS, so that file says nothing about the proven inputs and is refused.
        var forged = File.ReadAllBytes(commit);
        forged[12] ^= 1;
        SHA256.HashData(forged.AsSpan(0, forged.Length - 32)).CopyTo(forged, forged.Length - 32);
        File.WriteAllBytes(F("forged.input.commit"), forged);
        Zkml.Fails(["verify", "--vk", vk, "--proof", F("a.proof"), "--input-commitment", F("forged.input.commit")], "made under another SRS");

        // No input word in the proof file or in prove's / verify's JSON (the inputs quantize to distinct non-zero values).
        var json = p.ToString() + v.ToString();
        Assert.DoesNotContain("\"inputs\"", json);

        // An existing commitment from commit-input: the proof states it, no new files are written.
        Zkml.Ok("commit-input", "--pk", pk, "--input", input, "-o", F("c"), "--quiet");
        string c2 = Path.Combine(F("c"), "input.commit"), o2 = Path.Combine(F("c"), "input.opening");
        AssertOwnerOnly(o2);
        var q = Zkml.Ok("prove", c, "--input", input, "--pk", pk, "-o", F("b.proof"), "--input-commitment", c2, "--input-opening", o2, "--json").Json();
        Assert.NotEqual(cx, q.GetProperty("inputCommitment").GetString());
        Assert.False(File.Exists(F("b.input.opening")));
        Zkml.Ok("verify", "--vk", vk, "--proof", F("b.proof"), "--input-commitment", c2);
        // a proof does not verify against another commitment
        Zkml.Fails(["verify", "--vk", vk, "--proof", F("a.proof"), "--input-commitment", c2], "another input commitment");
        // an opening of other inputs, and half of the pair, are refused before proving
        string other = Input("other.json", "[[0.9, 0.9, 0.9, 0.9], [0.1, 0.2, 0.3, 0.4]]");
        Zkml.Fails(["prove", c, "--input", other, "--pk", pk, "-o", F("x.proof"), "--input-commitment", c2, "--input-opening", o2], "does not hold the inputs");
        Zkml.Fails(["prove", c, "--input", input, "--pk", pk, "-o", F("y.proof"), "--input-commitment", c2], "--input-commitment needs --input-opening");
        Zkml.Fails(["prove", c, "--input", input, "--pk", pk, "-o", F("z.proof"), "--input-commitment", commit, "--input-opening", o2], "does not open the input commitment");
        Assert.False(File.Exists(F("x.proof")) || File.Exists(F("y.proof")) || File.Exists(F("z.proof")));

        // bench proves and verifies on a private key
        var b = Zkml.Ok("bench", c, "--batch", "2", "--input", input, "--json");
        Assert.Contains("verifyMilliseconds", b.Out);
    }
}
