using ZkMl.Inference;

namespace ZkMl.Cli.Tests;

/// <summary>compile → setup --dev-srs → prove → verify on circuits/tiny, as a user runs them.</summary>
public class EndToEndTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    [Fact]
    public void CompileSetupProveVerifyWithJson()
    {
        string circuit = tiny.File("e2e.zkc"), keys = tiny.File("e2e-keys"), proof = tiny.File("e2e.proof");
        var c = Zkml.Ok("compile", Zkml.Tiny("model.json"), "-o", circuit, "--json").Json();
        Assert.Equal(64, c.GetProperty("digest").GetString()!.Length);

        var s = Zkml.Ok("setup", circuit, "--dev-srs", "-o", keys, "--max-batch", "10", "--json");
        var sj = s.Json();
        Assert.True(sj.GetProperty("srs").GetProperty("insecure").GetBoolean());
        Assert.Equal(16, sj.GetProperty("maxBatch").GetInt32());
        Assert.Contains("INSECURE", s.Err);
        Assert.True(File.Exists(Path.Combine(keys, "pk.bin")) && File.Exists(Path.Combine(keys, "vk.bin")));
        Assert.Equal(c.GetProperty("digest").GetString(), sj.GetProperty("circuitDigest").GetString());

        var p = Zkml.Ok("prove", circuit, "--input", Zkml.Tiny("input.json"), "--pk", Path.Combine(keys, "pk.bin"), "-o", proof, "--json").Json();
        Assert.Equal(16, p.GetProperty("batch").GetInt32());
        var rows = p.GetProperty("rows");
        Assert.Equal(16, rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            Assert.Equal(3, row.GetProperty("outputs").GetArrayLength());
            var logits = row.GetProperty("logits").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(Array.IndexOf(logits, logits.Max()), row.GetProperty("argmax").GetInt32());
        }
        Assert.True(p.GetProperty("proofBytes").GetInt32() > 0);
        Assert.NotEmpty(p.GetProperty("stages").EnumerateArray());

        var v = Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof);
        Assert.StartsWith("verified", v.Out);
        var vj = Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof, "--json").Json();
        Assert.True(vj.GetProperty("verified").GetBoolean());
        Assert.Equal(16, vj.GetProperty("argmax").GetArrayLength());
    }

    [Fact]
    public void FinalSigmoidIsProvenAndLabelledAndSaturationIsReported()
    {
        // The tiny model with a final sigmoid: the outputs are the sigmoid's proven values, not logits.
        string model = tiny.File("tiny-sigmoid.json"), circuit = tiny.File("sig.zkc"), keys = tiny.File("sig-keys"), proof = tiny.File("sig.proof");
        var net = ZkMl.Compiler.ModelLoader.Load(Zkml.Tiny("model.json"));
        var layers = net.Layers.ToList();
        layers[^1] = layers[^1].WithActivation(ZkMl.Compiler.Model.Activation.Sigmoid);
        File.WriteAllText(model, ZkMl.Compiler.Model.ModelJson.Serialize(new ZkMl.Compiler.Model.Network(layers, "tiny-sigmoid")));
        // calibrated on the tiny rows scaled by 0.2, with the declared input range ±1: full-range inputs drive the hidden relu
        // about five times past its calibration maximum
        string calib = tiny.File("sig-cal.json");
        var small = ZkMl.Compiler.Model.InputData.Load(Zkml.Tiny("input.json"), 4).Select(r => r.Select(v => v * 0.2f).ToArray()).ToArray();
        File.WriteAllText(calib, System.Text.Json.JsonSerializer.Serialize(new { input_data = small }));
        var c = Zkml.Ok("compile", model, "--data", calib, "--input-range", "-1,1", "-o", circuit);
        Assert.Contains("sigmoid (proven)", c.Out);
        Assert.Contains("input range: ±", c.Out);
        Zkml.Ok("setup", circuit, "--dev-srs", "-o", keys, "--max-batch", "2");
        // an input far outside the calibration data saturates (clamped input to ±1, hidden relu past its maximum)
        string input = tiny.File("sig-in.json");
        File.WriteAllText(input, "{\"input_data\": [[0.5, -0.25, 0.125, 1.0], [40, -40, 40, 40]]}");
        var p = Zkml.Ok("prove", circuit, "--input", input, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof, "--json").Json();
        Assert.Contains("sigmoid outputs (the final activation is proven)", p.GetProperty("outputsAre").GetString());
        foreach (var row in p.GetProperty("rows").EnumerateArray())
        {
            foreach (var y in row.GetProperty("outputs").EnumerateArray()) Assert.InRange(y.GetDouble(), 0, 1);
            Assert.False(row.TryGetProperty("logits", out _));
            Assert.Equal(3, row.GetProperty("quantized").GetArrayLength());
        }
        Assert.True(p.GetProperty("saturated").EnumerateArray().Sum(e => e.GetInt64()) > 0);
        Assert.StartsWith("verified", Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof).Out);
    }

    [Fact]
    public void FinalSoftmaxIsNotProvenAndTheOutputsAreLabelledLogits()
    {
        // x·W → Softmax: compile says the Softmax is dropped, prove labels the outputs logits in text and JSON.
        string model = tiny.File("softmax.onnx"), data = tiny.File("softmax-in.json"), circuit = tiny.File("softmax.zkc"), keys = tiny.File("softmax-keys"), proof = tiny.File("softmax.proof");
        File.WriteAllBytes(model, OnnxBytes.MatMulSoftmax());
        File.WriteAllText(data, "{\"input_data\": [[1.0, -0.5], [-1.0, 2.0], [0.25, 0.75]]}");
        var c = Zkml.Ok("compile", model, "--data", data, "-o", circuit);
        Assert.Contains("the final Softmax is dropped (argmax unchanged); outputs are the logits before it", c.Out + c.Err);
        Zkml.Ok("setup", circuit, "--dev-srs", "-o", keys, "--max-batch", "4");
        var human = Zkml.Ok("prove", circuit, "--input", data, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof);
        // (the table title wraps at the console width)
        Assert.Contains("proven outputs: logits: the final Softmax is not applied and cannot be proven exactly (argmax is the same)", string.Join(' ', human.Out.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        var p = Zkml.Ok("prove", circuit, "--input", data, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof, "--json").Json();
        Assert.StartsWith("logits: the final Softmax is not applied", p.GetProperty("outputsAre").GetString());
        // x·W = [2, −1.25], [3, 2], [1.75, 0.125]: argmax 0 on every row, the softmax's too
        foreach (var row in p.GetProperty("rows").EnumerateArray())
        {
            Assert.Equal(2, row.GetProperty("logits").GetArrayLength());
            Assert.Equal(0, row.GetProperty("argmax").GetInt32());
        }
        var v = Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof, "--json").Json();
        Assert.True(v.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void HumanOutputShowsOutputsAndArgmaxPerRow()
    {
        string input = tiny.File("one.json"), proof = tiny.File("one.proof");
        File.WriteAllText(input, "{\"input_data\": [[0.5, -0.25, 0.125, 1.0]]}");
        var p = Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof);
        Assert.Contains("proven outputs", p.Out);
        Assert.Contains("argmax: ", p.Out);
        Assert.Contains("batch 1 (padded 1)", p.Out);
        Assert.DoesNotContain("\u001b[", p.Out + p.Err); // plain text when not a terminal
        Assert.Contains("verified", Zkml.Ok("verify", "--vk", tiny.Vk, "--proof", proof).Out);
    }

    [Fact]
    public void AnEzklBatchTensorInOneArrayIsSplitIntoRows()
    {
        string input = tiny.File("flat.json"), proof = tiny.File("flat.proof");
        File.WriteAllText(input, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4, 0.9, 0.0, -0.9, 0.5]]}");
        var p = Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof, "--json").Json();
        Assert.Equal(3, p.GetProperty("batch").GetInt32());
        Assert.Equal(4, p.GetProperty("paddedBatch").GetInt32());
        Zkml.Ok("verify", "--vk", tiny.Vk, "--proof", proof);
    }

    [Fact]
    public void BenchReportsStagesSizesAndMemory()
    {
        var b = Zkml.Ok("bench", tiny.Circuit, "--batch", "2", "--json");
        var j = b.Json();
        Assert.Equal(2, j.GetProperty("batch").GetInt32());
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.True(j.GetProperty("proofBytes").GetInt32() > 0);
        Assert.True(j.GetProperty("peakWorkingSetBytes").GetInt64() > 0);
        var stages = j.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()).ToArray();
        Assert.Contains("witness", stages);
        Assert.Contains("matmul sumchecks", stages);
        Assert.Contains("INSECURE", b.Err);
        var human = Zkml.Ok("bench", tiny.Circuit, "--input", Zkml.Tiny("input.json"));
        Assert.Contains("prove, by stage", human.Out);
        Assert.Contains("peak working set", human.Out);
    }

    [Fact]
    public void EveryVerbHasHelp()
    {
        foreach (var (verb, fragment) in new[]
        {
            ("setup", "--dev-srs"), ("prove", "--input"), ("verify", "--proof"), ("bench", "--batch"), ("demo", "--no-chain"), ("compile", "--data"),
            ("create-evm-verifier", "--vk"), ("encode-calldata", "--proof"), ("deploy", "--rpc"), ("verify-onchain", "--address"), ("accuracy", "--mnist"),
        })
        {
            var r = Zkml.Ok(verb, "--help");
            Assert.Contains(fragment, r.Out);
            Assert.Contains("--json", r.Out);
            Assert.Contains("--quiet", r.Out);
        }
    }

    [Fact]
    public void QuietPrintsOnlyResults()
    {
        string proof = tiny.File("quiet.proof");
        var p = Zkml.Ok("prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof, "--quiet");
        Assert.Contains("wrote", p.Out);
        // The INSECURE warning stays, even with --quiet.
        Assert.Contains("INSECURE", p.Err);
    }

    [Fact]
    public void SavedKeysLoadWithTheSameDigest()
    {
        var vk = VerifyingKey.Load(tiny.Vk);
        var pk = ProvingKey.Load(tiny.Pk);
        Assert.Equal(vk.DigestHex, pk.VerifyingKey.DigestHex);
    }
}
