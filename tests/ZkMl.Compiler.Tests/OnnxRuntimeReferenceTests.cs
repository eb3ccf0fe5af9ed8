using Google.Protobuf;
using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;

namespace ZkMl.Compiler.Tests;

/// <summary>
/// ZkMl's float executor against ONNX Runtime (in process) on every model the importer accepts — the
/// third-party models of ../shared/models and the examples in circuits/ — plus the reference's own edges.
/// </summary>
public class OnnxRuntimeReferenceTests(ITestOutputHelper output)
{
    private static string? ModelsDir => ZkMl.TestKit.RepoPaths.Shared is { } s ? Path.Combine(s, "models") : null;

    private static string Circuits => Path.Combine(ZkMl.TestKit.RepoPaths.Root, "circuits");

    private static string ModelFile(string dir) =>
        File.Exists(Path.Combine(dir, "network.onnx")) ? Path.Combine(dir, "network.onnx") : Path.Combine(dir, "model.onnx");

    /// <summary>|a − b| ≤ 1e-4 · max(1, |b|) for every value; the first failure names the row and column.</summary>
    private static void Close(string what, IReadOnlyList<float[]> got, IReadOnlyList<float[]> ort)
    {
        Assert.Equal(ort.Count, got.Count);
        for (int r = 0; r < got.Count; r++)
        {
            Assert.Equal(ort[r].Length, got[r].Length);
            for (int j = 0; j < got[r].Length; j++)
                Assert.True(Math.Abs(got[r][j] - ort[r][j]) <= 1e-4 * Math.Max(1, Math.Abs(ort[r][j])), $"{what}[{r}][{j}]: float executor {got[r][j]} vs ONNX Runtime {ort[r][j]}");
        }
    }

    /// <summary>Seeded rows in [−2, 2] (beyond the sample inputs: both ReLU sides, the sigmoid/tanh tails).</summary>
    private static float[][] RandomRows(int count, int size, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    [Fact]
    public void EveryImportedSharedModelMatchesOnnxRuntime()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        int accepted = 0;
        foreach (var dir in Directory.GetDirectories(ModelsDir).SelectMany(Directory.GetDirectories).Order(StringComparer.Ordinal))
        {
            string path = ModelFile(dir);
            if (!File.Exists(path)) continue;
            string name = Path.GetRelativePath(ModelsDir, dir);
            Network net;
            try { net = OnnxImporter.Load(path); }
            catch (ModelFormatException) { continue; }   // rejected models: SharedModelsTests checks their messages
            accepted++;
            using var ort = OnnxRuntimeReference.Load(path);
            Assert.Equal(net.InputSize, ort.InputSize);
            if (!File.Exists(Path.Combine(dir, "input.json")))
            {
                // (onnx-node models that import only through an inserted identity layer carry .pb test data, no input.json)
                var random = RandomRows(37, net.InputSize, accepted);
                Close(name, FloatExecutor.Run(net, random), ort.Run(random));
                output.WriteLine($"{name}: {net.ShapeSummary()} matches ONNX Runtime on {random.Length} random rows (no input.json)");
                continue;
            }
            var sample = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
            var rows = sample.Concat(RandomRows(37, net.InputSize, accepted)).ToArray();
            Close(name, FloatExecutor.Run(net, rows), ort.Run(rows));
            // The in-process runtime agrees with the stored output of onnxruntime 1.30.0 (the data set's).
            var stored = SharedModelsTests.OrtOutput(dir);
            // (a final Softmax is not part of the network: both sides compare its input, the stored output is after it)
            var first = ort.Run(sample).Select(r => net.FinalSoftmax ? Softmax.Of(r) : r).SelectMany(r => r).ToArray();
            Assert.Equal(stored.Length, first.Length);
            for (int i = 0; i < first.Length; i++) Assert.True(Math.Abs(first[i] - stored[i]) <= 1e-5 * Math.Max(1, Math.Abs(stored[i])), $"{name}[{i}]: {first[i]} vs stored {stored[i]}");
            output.WriteLine($"{name}: {net.ShapeSummary()} matches ONNX Runtime on {rows.Length} rows");
        }
        // At least the dense models the importer accepted when this test was written.
        Assert.True(accepted >= 7, $"only {accepted} models imported");
    }

    [Fact]
    public void MnistExampleMatchesOnnxRuntime()
    {
        string path = Path.Combine(Circuits, "mnist-mlp", "model.onnx");
        var net = OnnxImporter.Load(path);
        var x = InputData.Load(Path.Combine(Circuits, "mnist-mlp", "input.json"), net.InputSize);
        using var ort = OnnxRuntimeReference.Load(path);
        Assert.Equal("output", ort.OutputTensor);
        // 300 rows: one ONNX Runtime run (symbolic batch); and again in runs of MaxBatch with a remainder.
        Close("mnist", FloatExecutor.Run(net, x), ort.Run(x));
        var many = Enumerable.Range(0, OnnxRuntimeReference.MaxBatch + 5).Select(i => x[i % x.Length]).ToArray();
        Close("mnist, two runs", FloatExecutor.Run(net, many), ort.Run(many));
    }

    [Fact]
    public void TinyJsonExampleMatchesOnnxRuntimeThroughTheExporter()
    {
        // circuits/tiny has no ONNX file: its export runs in ONNX Runtime (checks the exporter too).
        var net = TestNets.Tiny();
        var x = TestNets.TinyInputs().Concat(RandomRows(20, net.InputSize, 9)).ToArray();
        using var ort = OnnxRuntimeReference.FromBytes(OnnxExporter.Export(net), "tiny.onnx");
        Close("tiny", FloatExecutor.Run(net, x), ort.Run(x));
        // A JSON model's reference is the float executor.
        var reference = FloatReference.For(Path.Combine(Circuits, "tiny", "model.json"), net);
        Assert.IsType<FloatExecutorReference>(reference);
        Assert.Equal(FloatExecutor.Run(net, x), reference.Run(x));
    }

    [Fact]
    public void TrailingSoftmaxIsSkippedLikeTheImporter()
    {
        var net = TestNets.Tiny();
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.Export(net));
        var g = model.Graph;
        string logits = g.Output[0].Name;
        g.Node.Add(new NodeProto { OpType = "Softmax", Name = "sm", Input = { logits }, Output = { "probs" } });
        var vi = g.Output[0].Clone();
        vi.Name = "probs";
        g.Output.Clear();
        g.Output.Add(vi);
        byte[] bytes = model.ToByteArray();
        var imported = OnnxImporter.Import(bytes, "softmax.onnx");
        Assert.Contains(imported.Warnings, w => w.Contains("Softmax", StringComparison.Ordinal));
        using var ort = OnnxRuntimeReference.FromBytes(bytes, "softmax.onnx");
        Assert.Equal(logits, ort.OutputTensor);
        var x = TestNets.TinyInputs();
        var got = ort.Run(x);
        Close("softmax", FloatExecutor.Run(imported, x), got);
        // They are logits, not probabilities (a row of probabilities sums to 1).
        Assert.Contains(got, r => Math.Abs(r.Sum() - 1) > 0.01);
    }

    [Fact]
    public void FixedBatchDimensionRunsInPaddedChunks()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        // test_gemm_transposeB: a [3, 6] input (batch fixed at 3) with its weights bound as initializers.
        string dir = Path.Combine(ModelsDir, "onnx-node", "test_gemm_transposeB");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ModelFile(dir)));
        for (int k = 1; k < model.Graph.Input.Count; k++)
        {
            var t = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "test_data_set_0", $"input_{k}.pb")));
            t.Name = model.Graph.Input[k].Name;
            model.Graph.Initializer.Add(t);
        }
        byte[] bytes = model.ToByteArray();
        var net = OnnxImporter.Import(bytes, "gemm");
        using var ort = OnnxRuntimeReference.FromBytes(bytes, "gemm");
        Assert.Equal(6, ort.InputSize);
        var rows = RandomRows(7, 6, 3);   // 3 + 3 + 1 (padded with two zero rows)
        Close("gemm", FloatExecutor.Run(net, rows), ort.Run(rows));
    }

    [Fact]
    public void MultiDimensionalInputIsFilledRowMajor()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        // 1l_flatten: input [batch, 3, 2, 3] → Flatten: the output row is the input row.
        using var ort = OnnxRuntimeReference.Load(Path.Combine(ModelsDir, "ezkl", "1l_flatten", "network.onnx"));
        Assert.Equal(18, ort.InputSize);
        var rows = RandomRows(5, 18, 4);
        Assert.Equal(rows, ort.Run(rows));
    }

    [Fact]
    public void BadModelsAndRowsFailWithNamedErrors()
    {
        var e1 = Assert.Throws<ModelFormatException>(() => OnnxRuntimeReference.FromBytes([1, 2, 3, 4, 5], "junk.onnx"));
        Assert.StartsWith("junk.onnx: ", e1.Message);
        var e2 = Assert.Throws<ModelFormatException>(() => OnnxRuntimeReference.Load("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx: cannot read", e2.Message);
        using var ort = OnnxRuntimeReference.FromBytes(OnnxExporter.Export(TestNets.Tiny()), "tiny.onnx");
        var e3 = Assert.Throws<ArgumentException>(() => ort.Run([new float[5]]));
        Assert.Contains("row 0 has 5 values", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => ort.Run([new float[4], new float[3]]));
        Assert.Contains("row 1 has 3 values", e4.Message);
        Assert.Empty(ort.Run([]));
        if (ModelsDir is null) { output.WriteLine("SKIP (two-input model): ../shared/models not present"); return; }
        string two = Path.Combine(ModelsDir, "onnx-node", "test_add", "model.onnx");
        var e5 = Assert.Throws<ModelFormatException>(() => OnnxRuntimeReference.Load(two));
        Assert.Equal($"{two}: ONNX Runtime reference needs exactly one graph input, found 2: 'x', 'y'", e5.Message);
        string boolModel = Path.Combine(ModelsDir, "ezkl", "boolean_identity", "network.onnx");
        var e6 = Assert.Throws<ModelFormatException>(() => OnnxRuntimeReference.Load(boolModel));
        Assert.Contains("the float reference needs float32", e6.Message);
    }

    [Fact]
    public void AccuracyAgainstTheReferenceEqualsTheExecutorReportOnTheSameOutputs()
    {
        var net = TestNets.Tiny();
        var x = TestNets.TinyInputs();
        var c = CircuitCompiler.Compile(net, x);
        using var ort = OnnxRuntimeReference.FromBytes(OnnxExporter.Export(net), "tiny.onnx");
        var viaOrt = AccuracyReport.Measure(ort.Run(x), c, x);
        var viaExec = AccuracyReport.Measure(net, c, x);
        Assert.Equal(viaExec.Samples, viaOrt.Samples);
        Assert.Equal(viaExec.ArgmaxAgreements, viaOrt.ArgmaxAgreements);
        Assert.Equal(viaExec.MaxAbsError, viaOrt.MaxAbsError, 4);
        Assert.Throws<ArgumentException>(() => AccuracyReport.Measure(ort.Run(x).Take(3).ToArray(), c, x));
    }
}
