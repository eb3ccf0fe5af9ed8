using ZkMl.Inference;

namespace ZkMl.Cli.Tests;

/// <summary>Bad inputs: one line naming the file/field and what was expected, exit 1, no stack trace, nothing half-written.</summary>
public class ErrorTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    private string Prove(string name, string? input = null)
    {
        string proof = tiny.File(name);
        Zkml.Ok("prove", tiny.Circuit, "--input", input ?? Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof, "--quiet");
        return proof;
    }

    private static void NoFileAndNoTemp(string path)
    {
        Assert.False(File.Exists(path), path + " was written");
        string? dir = Path.GetDirectoryName(path);
        if (dir is not null && Directory.Exists(dir)) Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        string missing = tiny.File("nope.zkc");
        Zkml.Fails(["setup", missing, "--dev-srs", "-o", tiny.File("k")], "zkml setup: error:", "nope.zkc: file not found", "circuit file");
        Zkml.Fails(["prove", tiny.Circuit, "--input", tiny.File("none.json"), "--pk", tiny.Pk], "none.json: file not found");
        Zkml.Fails(["prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.File("none.bin")], "none.bin: file not found", "proving key");
        Zkml.Fails(["verify", "--vk", tiny.File("none-vk.bin"), "--proof", tiny.File("none.proof")], "none-vk.bin: file not found");
        Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", tiny.File("none.proof")], "none.proof: file not found");
        Zkml.Fails(["compile", tiny.File("none.onnx")], "none.onnx");
        Zkml.Fails(["setup", tiny.Circuit, "--ptau", tiny.File("none.ptau"), "-o", tiny.File("k")], "none.ptau: file not found");
        Zkml.Fails(["setup", tiny.Circuit, "--dev-srs", "-o", tiny.File("k"), "--fixed-base-table", "yes"], "--fixed-base-table 'yes': expected on or off");
        NoFileAndNoTemp(Path.Combine(tiny.File("k"), "pk.bin"));
    }

    [Fact]
    public void WrongInputLengthNamesTheFieldAndWritesNoProof()
    {
        string input = tiny.File("short.json"), proof = tiny.File("short.proof");
        File.WriteAllText(input, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3]]}");
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof],
            "short.json", "field 'input_data[1]' has 3 values, the model expects 4");
        NoFileAndNoTemp(proof);
        var j = Zkml.Run("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof, "--json");
        Assert.Equal(1, j.ExitCode);
        Assert.Contains("has 3 values", j.Json().GetProperty("error").GetString());

        File.WriteAllText(input, "{\"inputs\": [[0.1]]}");
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof], "expected an object with field 'input_data'");
        File.WriteAllText(input, "{\"input_data\": [[0.1, 0.2, \"x\", 0.4]]}");
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof], "field 'input_data[0][2]': expected a number");
        NoFileAndNoTemp(proof);
    }

    [Fact]
    public void AFlippedByteInTheProofFileIsRejectedWithTheReason()
    {
        string proof = Prove("flip.proof");
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(proof, bytes);
        var r = Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", proof], "zkml verify: not verified", "flip.proof", "corrupt");
        Assert.DoesNotContain("verified:", r.Out);
        var j = Zkml.Run("verify", "--vk", tiny.Vk, "--proof", proof, "--json");
        Assert.Equal(1, j.ExitCode);
        Assert.False(j.Json().GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void ATamperedProofWithAValidFileDigestFailsTheCryptographicChecks()
    {
        string proof = Prove("tamper.proof");
        var p = InferenceProof.Load(proof);
        // A changed proof element (the first evaluation after the two commitments).
        var body = p.ProofBytes.ToArray();
        body[64 * 2 + 31] ^= 1;
        string bad = tiny.File("tamper-bytes.proof");
        File.WriteAllBytes(bad, InferenceProof.FromParts(p.VkDigest, p.PublicInputs, body, p.Flags).ToFileBytes());
        var j = Zkml.Run("verify", "--vk", tiny.Vk, "--proof", bad, "--json");
        Assert.Equal(1, j.ExitCode);
        Assert.False(j.Json().GetProperty("verified").GetBoolean());
        Assert.False(string.IsNullOrEmpty(j.Json().GetProperty("reason").GetString()));
        Assert.Contains("not verified", j.Err);

        // A changed output logit (the last word's last byte holds the final output value or padding).
        var vk = VerifyingKey.Load(tiny.Vk);
        var io = p.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        var forged = PublicIO.Create(vk, io.BatchSize, io.Inputs, y);
        string lie = tiny.File("tamper-output.proof");
        File.WriteAllBytes(lie, InferenceProof.FromParts(p.VkDigest, forged.Words, p.ProofBytes, p.Flags).ToFileBytes());
        Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", lie], "not verified");
    }

    [Fact]
    public void ACorruptOrForeignVerifyingKeyIsRejected()
    {
        string proof = Prove("vk.proof");
        var vk = File.ReadAllBytes(tiny.Vk);
        string bad = tiny.File("bad-vk.bin");
        vk[100] ^= 0x01;
        File.WriteAllBytes(bad, vk);
        Zkml.Fails(["verify", "--vk", bad, "--proof", proof], "zkml verify: error:", "bad-vk.bin", "corrupt");
        File.WriteAllBytes(bad, vk.AsSpan(0, 40).ToArray());
        Zkml.Fails(["verify", "--vk", bad, "--proof", proof], "bad-vk.bin");
        File.WriteAllText(bad, "not a key");
        Zkml.Fails(["verify", "--vk", bad, "--proof", proof], "bad-vk.bin", "not a ZkMl verifying key");

        // Keys of the same circuit on another SRS: the proof names another key.
        string other = tiny.File("other-keys");
        Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "--dev-seed", "6", "-o", other, "--max-batch", "16", "--quiet");
        Zkml.Fails(["verify", "--vk", Path.Combine(other, "vk.bin"), "--proof", proof], "not verified", "another verifying key");
    }

    [Fact]
    public void AProvingKeyOfAnotherCircuitOrTooSmallABatchIsRefused()
    {
        string circuit7 = tiny.File("tiny7.zkc");
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--act-bits", "7", "-o", circuit7, "--quiet");
        Zkml.Fails(["prove", circuit7, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", tiny.File("x.proof")],
            "pk.bin: made for another circuit", "run zkml setup");

        string small = tiny.File("small-keys");
        Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "-o", small, "--max-batch", "2", "--quiet");
        Zkml.Fails(["prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", Path.Combine(small, "pk.bin"), "-o", tiny.File("x.proof")],
            "16 rows", "at most 2", "--max-batch 16");
        NoFileAndNoTemp(tiny.File("x.proof"));
    }

    [Fact]
    public void SetupNeedsExactlyOneSrsSource()
    {
        Zkml.Fails(["setup", tiny.Circuit, "-o", tiny.File("k2")], "exactly one of --ptau FILE", "--dev-srs");
        Zkml.Fails(["setup", tiny.Circuit, "--dev-srs", "--ptau", Zkml.Tiny("model.json"), "-o", tiny.File("k2")], "exactly one of");
        Zkml.Fails(["setup", tiny.Circuit, "--dev-srs", "--max-batch", "0", "-o", tiny.File("k2")], "--max-batch 0");
        Zkml.Fails(["setup", Zkml.Tiny("model.json"), "--dev-srs", "-o", tiny.File("k2")], "model.json", "not a ZkMl circuit file");
        Zkml.Fails(["setup", tiny.Circuit, "--ptau", Zkml.Tiny("model.json"), "-o", tiny.File("k2")], "model.json");
        NoFileAndNoTemp(Path.Combine(tiny.File("k2"), "pk.bin"));
    }

    [Fact]
    public void AnUnsupportedOnnxOpIsNamed()
    {
        string onnx = tiny.File("leaky.onnx");
        File.WriteAllBytes(onnx, OnnxBytes.MatMulLeakyRelu());
        string data = tiny.File("leaky.json");
        File.WriteAllText(data, "{\"input_data\": [[0.5, -0.5]]}");
        Zkml.Fails(["compile", onnx, "--data", data, "-o", tiny.File("leaky.zkc")], "zkml compile: error:", "node 'leaky' (Selu): unsupported op type 'Selu'");
        NoFileAndNoTemp(tiny.File("leaky.zkc"));
    }

    [Fact]
    public void UnknownOptionsAreParseErrors()
    {
        var r = Zkml.Run("verify", "--vk", tiny.Vk, "--proof");
        Assert.NotEqual(0, r.ExitCode);
        r = Zkml.Run("prove", tiny.Circuit);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--input", r.Err);
    }
}
