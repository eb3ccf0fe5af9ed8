using System.Security.Cryptography;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// <c>zkml commit-input</c> and <c>zkml open-input</c> (docs/zk-design.md §6, §11 step 10; docs/protocol.md "Private inputs"):
/// the files, the opening check with and without <c>--input</c>, the refusal of keys that are not ZK private-input, and bad
/// files named with their field.
/// </summary>
public sealed class InputCommitmentCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-input-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private string F(string name) => Path.Combine(dir, name);

    /// <summary>The tiny circuit compiled with the given flags and set up on a development SRS (max batch 4); returns pk.bin.</summary>
    private string Keys(string name, params string[] flags)
    {
        string c = F(name + ".zkc"), keys = F(name);
        Zkml.Ok(["compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", c, "--quiet", .. flags]);
        Zkml.Ok("setup", c, "--dev-srs", "--dev-seed", "4", "-o", keys, "--max-batch", "4", "--quiet");
        return Path.Combine(keys, "pk.bin");
    }

    private string Input(string name, string rows)
    {
        string p = F(name);
        File.WriteAllText(p, "{\"input_data\": " + rows + "}");
        return p;
    }

    private const string ThreeRows = "[[0.5, -0.25, 0.75, 0.0], [0.1, 0.2, 0.3, 0.4], [-0.9, 0.9, -0.1, 0.05]]";

    [Fact]
    public void Commit_input_writes_both_files_and_open_input_checks_them()
    {
        string pk = Keys("priv", "--zk", "--input-visibility", "private");
        string input = Input("in.json", ThreeRows), outDir = F("c1");
        var r = Zkml.Ok("commit-input", "--pk", pk, "--input", input, "-o", outDir, "--json");
        var j = r.Json();
        string commit = Path.Combine(outDir, "input.commit"), opening = Path.Combine(outDir, "input.opening");
        Assert.Equal(Path.GetFullPath(commit), j.GetProperty("commitment").GetString());
        Assert.Equal(Path.GetFullPath(opening), j.GetProperty("opening").GetString());
        Assert.Equal(3, j.GetProperty("batch").GetInt32());
        Assert.Equal(4, j.GetProperty("paddedBatch").GetInt32());
        Assert.Equal(4, j.GetProperty("rowWidth").GetInt32());
        Assert.Equal(4, j.GetProperty("inputSize").GetInt32());
        Assert.Equal(2 + 128, j.GetProperty("inputCommitment").GetString()!.Length);
        Assert.Equal("ZKMLXCM\0"u8.ToArray(), File.ReadAllBytes(commit)[..8]);
        Assert.Equal("ZKMLXOP\0"u8.ToArray(), File.ReadAllBytes(opening)[..8]);
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(commit)), File.ReadAllBytes(opening)[12..44]);
        Assert.Equal(2, Directory.GetFiles(outDir).Length); // no temporary files
        Assert.Contains("INSECURE", r.Err);

        var ok = Zkml.Ok("open-input", "--commitment", commit, "--opening", opening, "--pk", pk);
        Assert.Contains("opened", ok.Out);
        Assert.Contains("3 row(s)", ok.Out);
        // the opening beside the commitment by default, and --input: exactly those inputs
        var withInput = Zkml.Ok("open-input", "--commitment", commit, "--input", input, "--pk", pk, "--json").Json();
        Assert.True(withInput.GetProperty("opened").GetBoolean());
        Assert.True(withInput.GetProperty("inputsMatch").GetBoolean());
        Assert.Equal(j.GetProperty("inputCommitment").GetString(), withInput.GetProperty("inputCommitment").GetString());
        Assert.Equal(j.GetProperty("srsFingerprint").GetString(), withInput.GetProperty("srsFingerprint").GetString());
        // the plain text names the inputs
        Assert.Contains("they are the inputs of", Zkml.Ok("open-input", "--commitment", commit, "--input", input, "--pk", pk).Out);
    }

    [Fact]
    public void Open_input_rejects_other_inputs_another_commitment_and_another_srs()
    {
        string pk = Keys("priv", "--zk", "--input-visibility", "private");
        string input = Input("in.json", ThreeRows);
        Zkml.Ok("commit-input", "--pk", pk, "--input", input, "-o", F("a"), "--quiet");
        Zkml.Ok("commit-input", "--pk", pk, "--input", input, "-o", F("b"), "--quiet");
        string ca = Path.Combine(F("a"), "input.commit"), oa = Path.Combine(F("a"), "input.opening");
        string cb = Path.Combine(F("b"), "input.commit"), ob = Path.Combine(F("b"), "input.opening");
        // fresh blinding: two commitments of the same input differ
        Assert.NotEqual(File.ReadAllBytes(ca)[60..124], File.ReadAllBytes(cb)[60..124]);

        // other inputs: one value changed (opens C_X, but not to these inputs), one row fewer
        string other = Input("other.json", ThreeRows.Replace("0.3, 0.4", "0.3, 0.5"));
        Zkml.Fails(["open-input", "--commitment", ca, "--opening", oa, "--input", other, "--pk", pk], "opens", "but not to", "other.json", "row 1, column 3 differs");
        string fewer = Input("fewer.json", "[[0.5, -0.25, 0.75, 0.0], [0.1, 0.2, 0.3, 0.4]]");
        var js = Zkml.Run("open-input", "--commitment", ca, "--opening", oa, "--input", fewer, "--pk", pk, "--json");
        Assert.Equal(1, js.ExitCode);
        var jj = js.Json();
        Assert.False(jj.GetProperty("opened").GetBoolean());
        Assert.False(jj.GetProperty("inputsMatch").GetBoolean());
        Assert.Contains("2 row(s), the opening B = 3", jj.GetProperty("reason").GetString());

        // an opening of another commitment (a different blinding, same input)
        Zkml.Fails(["open-input", "--commitment", ca, "--opening", ob, "--pk", pk], "does not open", "another input commitment");
        // an opening whose values were changed (and resealed) for this commitment
        var forged = File.ReadAllBytes(oa);
        forged[60] ^= 1; // the first value (after the version-3 header's u32 halves)
        SHA256.HashData(forged.AsSpan(0, forged.Length - 32)).CopyTo(forged, forged.Length - 32);
        File.WriteAllBytes(F("forged.opening"), forged);
        Zkml.Fails(["open-input", "--commitment", ca, "--opening", F("forged.opening"), "--pk", pk], "does not open", "C_X does not open");

        // a key on another SRS (another dev seed): the fingerprint differs
        string c2 = F("priv2.zkc");
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", c2, "--quiet", "--zk", "--input-visibility", "private");
        Zkml.Ok("setup", c2, "--dev-srs", "--dev-seed", "9", "-o", F("k9"), "--max-batch", "4", "--quiet");
        Zkml.Fails(["open-input", "--commitment", ca, "--opening", oa, "--pk", Path.Combine(F("k9"), "pk.bin")], "does not open", "the SRS is not the commitment's");
    }

    [Fact]
    public void Open_input_recomputes_on_a_ceremony_file_with_the_circuit_for_the_inputs()
    {
        string fresh = F("pot12_0.ptau"), ptau = F("pot12.ptau"), cache = F("cache");
        Snarkjs.Run("powersoftau", "new", "bn128", "12", fresh);
        Snarkjs.Run("powersoftau", "contribute", fresh, ptau, "--name=zkml-input-test", "-e=zkml input commitment test entropy");
        string c = F("p.zkc");
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", c, "--quiet", "--zk", "--input-visibility", "private");
        Zkml.Ok("setup", c, "--ptau", ptau, "--ptau-verified", "--srs-cache", cache, "-o", F("k"), "--max-batch", "4", "--quiet");
        string input = Input("in.json", ThreeRows);
        Zkml.Ok("commit-input", "--pk", Path.Combine(F("k"), "pk.bin"), "--input", input, "-o", F("c"), "--quiet");
        string commit = Path.Combine(F("c"), "input.commit");
        var j = Zkml.Ok("open-input", "--commitment", commit, "--ptau", ptau, "--srs-cache", cache, "--circuit", c, "--input", input, "--json").Json();
        Assert.True(j.GetProperty("opened").GetBoolean());
        Assert.True(j.GetProperty("inputsMatch").GetBoolean());
        Assert.Equal(Path.GetFullPath(ptau), j.GetProperty("srs").GetString());
        // another ceremony file: not the commitment's SRS
        string other0 = F("other0.ptau"), other = F("other.ptau");
        Snarkjs.Run("powersoftau", "new", "bn128", "8", other0);
        Snarkjs.Run("powersoftau", "contribute", other0, other, "--name=other", "-e=another ceremony");
        Zkml.Fails(["open-input", "--commitment", commit, "--ptau", other, "--srs-cache", cache], "does not open", "the SRS is not the commitment's");
    }

    [Fact]
    public void Keys_that_are_not_zk_private_input_are_refused()
    {
        string input = Input("in.json", ThreeRows);
        string plain = Keys("plain");
        Zkml.Fails(["commit-input", "--pk", plain, "--input", input, "-o", F("x")], "plain", "not a zero-knowledge private-input key", "--zk --input-visibility private");
        string pub = Keys("pub", "--zk");
        Zkml.Fails(["commit-input", "--pk", pub, "--input", input, "-o", F("x")], "not a zero-knowledge private-input key", "public inputs");
        Assert.False(Directory.Exists(F("x")) && Directory.GetFiles(F("x")).Length > 0);
        // open-input takes the SRS from a private-input key only as well
        string pk = Keys("priv", "--zk", "--input-visibility", "private");
        Zkml.Ok("commit-input", "--pk", pk, "--input", input, "-o", F("c"), "--quiet");
        Zkml.Fails(["open-input", "--commitment", Path.Combine(F("c"), "input.commit"), "--pk", plain], "not a zero-knowledge private-input key");
    }

    [Fact]
    public void Bad_inputs_and_files_give_one_line_errors_naming_the_file_and_field()
    {
        string pk = Keys("priv", "--zk", "--input-visibility", "private");
        string input = Input("in.json", ThreeRows);
        Zkml.Ok("commit-input", "--pk", pk, "--input", input, "-o", F("c"), "--quiet");
        string commit = Path.Combine(F("c"), "input.commit"), opening = Path.Combine(F("c"), "input.opening");

        // too many rows for the key, out-of-range values with --strict, a wrong row width
        string five = Input("five.json", "[" + string.Join(", ", Enumerable.Repeat("[0.1, 0.2, 0.3, 0.4]", 5)) + "]");
        Zkml.Fails(["commit-input", "--pk", pk, "--input", five, "-o", F("n")], "five.json", "5 rows", "at most 4");
        string big = Input("big.json", "[[1000.0, 0.2, 0.3, 0.4]]");
        Zkml.Fails(["commit-input", "--pk", pk, "--input", big, "-o", F("n"), "--strict"], "big.json", "--strict refuses");
        var clamped = Zkml.Ok("commit-input", "--pk", pk, "--input", big, "-o", F("clamped"), "--json");
        Assert.Equal(1, clamped.Json().GetProperty("clamped").GetProperty("count").GetInt32());
        string wide = Input("wide.json", "[[0.1, 0.2, 0.3]]");
        Zkml.Fails(["commit-input", "--pk", pk, "--input", wide, "-o", F("n")], "wide.json");
        Assert.False(Directory.Exists(F("n")) && Directory.GetFiles(F("n")).Length > 0);

        // a truncated commitment, a corrupt field (resealed), the files swapped, a missing file
        var cb = File.ReadAllBytes(commit);
        File.WriteAllBytes(F("short.commit"), cb[..100]);
        Zkml.Fails(["open-input", "--commitment", F("short.commit"), "--opening", opening, "--pk", pk], "short.commit", "corrupt or truncated: 100 bytes");
        var badBp = (byte[])cb.Clone();
        BitConverter.GetBytes(8u).CopyTo(badBp, 48);
        SHA256.HashData(badBp.AsSpan(0, badBp.Length - 32)).CopyTo(badBp, badBp.Length - 32);
        File.WriteAllBytes(F("bp.commit"), badBp);
        Zkml.Fails(["open-input", "--commitment", F("bp.commit"), "--opening", opening, "--pk", pk], "bp.commit", "Bp = 8, expected 4");
        var ob = File.ReadAllBytes(opening);
        var badX = (byte[])ob.Clone();
        BitConverter.GetBytes(3u).CopyTo(badX, 52);
        SHA256.HashData(badX.AsSpan(0, badX.Length - 32)).CopyTo(badX, badX.Length - 32);
        File.WriteAllBytes(F("x.opening"), badX);
        Zkml.Fails(["open-input", "--commitment", commit, "--opening", F("x.opening"), "--pk", pk], "x.opening", "xBytes = 3");
        var flipped = (byte[])ob.Clone();
        flipped[60] ^= 1;
        File.WriteAllBytes(F("flip.opening"), flipped);
        Zkml.Fails(["open-input", "--commitment", commit, "--opening", F("flip.opening"), "--pk", pk], "flip.opening", "SHA-256");
        Zkml.Fails(["open-input", "--commitment", opening, "--opening", commit, "--pk", pk], "this is an input opening", "expected an input commitment");
        Zkml.Fails(["open-input", "--commitment", F("none.commit"), "--pk", pk], "none.commit", "file not found");
        using (var f = File.Create(F("huge.commit"))) f.SetLength((1L << 20) + 1); // sparse: the size is checked before reading
        Zkml.Fails(["open-input", "--commitment", F("huge.commit"), "--opening", opening, "--pk", pk], "huge.commit", "more than the 1 MiB limit", "input commitment");
        var j = Zkml.Run("open-input", "--commitment", F("short.commit"), "--opening", opening, "--pk", pk, "--json");
        Assert.Equal(1, j.ExitCode);
        Assert.Contains("corrupt or truncated", j.Json().GetProperty("error").GetString());

        // option combinations
        Zkml.Fails(["open-input", "--commitment", commit], "pass exactly one of --pk");
        Zkml.Fails(["open-input", "--commitment", commit, "--pk", pk, "--ptau", F("x.ptau")], "pass exactly one of --pk");
        Zkml.Fails(["open-input", "--commitment", commit, "--ptau", F("x.ptau"), "--input", input], "--input with --ptau needs --circuit");
        Zkml.Fails(["open-input", "--commitment", commit, "--pk", pk, "--circuit", F("priv.zkc")], "--circuit only applies with --ptau");
        // outputs may not overwrite inputs
        Zkml.Fails(["commit-input", "--pk", pk, "--input", Input("input.commit", ThreeRows), "-o", dir], "-o");
    }
}
