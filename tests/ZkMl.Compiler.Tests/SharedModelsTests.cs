using System.Text.Json;
using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Compiler.Tests;

/// <summary>Every third-party model in ../shared/models: import, float executor vs onnxruntime, compile, integer error.</summary>
public class SharedModelsTests(ITestOutputHelper output)
{
    // Models that are chains of dense layers and must import and compile.
    private static readonly string[] Supported =
    [
        "ezkl/1l_linear", "ezkl/1l_mlp", "ezkl/2l_relu_fc", "ezkl/accuracy", "ezkl/quantize_dequantize", "ezkl/eye",
        "trained/deepprove_mlp_iris",
        // an activation first, or no dense layer at all: an identity dense layer is inserted
        "ezkl/1l_relu", "ezkl/1l_sigmoid", "ezkl/1l_tanh", "ezkl/2l_relu_sigmoid", "ezkl/2l_relu_sigmoid_small", "ezkl/2l_relu_small",
        "ezkl/2l_sigmoid_small", "ezkl/1l_identity", "ezkl/1l_flatten", "ezkl/1l_reshape", "ezkl/1l_softmax",
        // a float→float Cast (no-op)
        "ezkl-near/linear_regression",
        // elementwise ops by constants with no dense layer: folded into an identity dense layer
        "ezkl/blackman_window",
        // PRelu with one slope (a LeakyRelu table)
        "ezkl-near/prelu_gmm",
        // skl2onnx's final Reshape [-1, 1] across the batch (the same values in the same order)
        "ezkl-near/sklearn_mlp",
        // torch's Gelu in its tanh form as Mul/Add/Tanh nodes: a scalar subgraph recognised as the Gelu table
        "ezkl/1l_gelu_tanh_appx",
    ];

    // Models that import (an identity dense layer is inserted) but have no input.json: import only.
    private static readonly string[] ImportOnly =
    [
        "onnx-node/test_flatten_axis1", "onnx-node/test_relu", "onnx-node/test_sigmoid", "onnx-node/test_tanh",
    ];

    // Models that must fail, with a fragment of the expected message (the node name and op type where
    // a node is at fault). Together with Supported this lists EVERY model folder: a new one fails
    // EveryModelIsClassified until it is added to one list.
    private static readonly (string Model, string Fragment)[] Rejected =
    [
        ("onnx-node/test_softmax_axis_1", "node '#0' (Softmax): Softmax over axis 1 of [batch, 4, 5] (opset 13) normalises groups of 4 values within a sample"),
        ("ezkl/doodles", "needs an identity dense layer over 4096 features"),
        ("ezkl/boolean_identity", "element type Bool"),
        ("ezkl/arange", "exactly one graph input"),
        ("onnx-node/test_add", "found 2: 'x', 'y'"),
        ("onnx-node/test_add_bcast", "found 2: 'x', 'y'"),
        ("onnx-node/test_mul", "found 2: 'x', 'y'"),
        ("onnx-node/test_sub", "found 2: 'x', 'y'"),
        ("onnx-node/test_reshape_negative_dim", "found 2: 'data', 'shape'"),
        ("onnx-node/test_gemm_all_attributes", "found 3: 'a', 'b', 'c'"),
        ("onnx-node/test_gemm_default_matrix_bias", "found 3: 'a', 'b', 'c'"),
        ("onnx-node/test_gemm_default_vector_bias", "found 3: 'a', 'b', 'c'"),
        ("onnx-node/test_gemm_transposeB", "found 3: 'a', 'b', 'c'"),
        ("onnx-node/test_gemm_default_no_bias", "found 2: 'a', 'b'"),
        ("onnx-node/test_matmul_2d", "found 2: 'a', 'b'"),
    ];

    // onnx-node models whose weights are graph inputs (test_data_set_0/input_k.pb): bound by name with OnnxImporter.Load(path, weights) (zkml compile --weights)
    // they are dense models, checked against onnxruntime; null = imports, else the expected error fragment.
    private static readonly (string Model, string? Fragment)[] BoundWeights =
    [
        ("onnx-node/test_gemm_transposeB", null),
        ("onnx-node/test_gemm_default_no_bias", null),
        ("onnx-node/test_gemm_default_vector_bias", null),
        ("onnx-node/test_matmul_2d", null),
        ("onnx-node/test_gemm_default_matrix_bias", "node '#0' (Gemm): C 'c' has shape [3, 4], expected a vector [4], a row [1, 4] or a scalar (a per-sample bias is not supported)"),
        ("onnx-node/test_gemm_all_attributes", "node '#0' (Gemm): transA = 1 on the activation input is not supported"),
        ("onnx-node/test_add_bcast", null),
        ("onnx-node/test_reshape_negative_dim", null),
        ("onnx-node/test_add", "node '#0' (Add): operand 'y' has shape [3, 4, 5], expected a scalar or one value per feature [4, 5] (a per-sample operand is not supported)"),
        ("onnx-node/test_sub", "node '#0' (Sub): operand 'y' has shape [3, 4, 5]"),
        ("onnx-node/test_mul", "node '#0' (Mul): operand 'y' has shape [3, 4, 5]"),
    ];

    private static string? ModelsDir => ZkMl.TestKit.RepoPaths.Shared is { } s ? Path.Combine(s, "models") : null;

    private static string ModelFile(string dir) =>
        File.Exists(Path.Combine(dir, "network.onnx")) ? Path.Combine(dir, "network.onnx") : Path.Combine(dir, "model.onnx");

    internal static float[] OrtOutput(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "ort_output.json")));
        var outs = doc.RootElement.GetProperty("outputs");
        var first = outs.EnumerateObject().First().Value;
        return first.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
    }

    [Fact]
    public void SupportedModelsMatchOnnxRuntimeAndCompile()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        foreach (var m in Supported)
        {
            string dir = Path.Combine(ModelsDir, m);
            var net = OnnxImporter.Load(ModelFile(dir));
            var inputs = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
            var expected = OrtOutput(dir);
            var got = FloatExecutor.Run(net, inputs).Select(r => net.FinalSoftmax ? Softmax.Of(r) : r).SelectMany(r => r).ToArray();
            Assert.Equal(expected.Length, got.Length);
            for (int i = 0; i < got.Length; i++)
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{m}[{i}]: {got[i]} vs ort {expected[i]}");

            var circuit = CircuitCompiler.Compile(net, inputs);
            var report = AccuracyReport.Measure(net, circuit, inputs);
            var witness = IntegerExecutor.Run(circuit, inputs);
            var deq = witness.DequantizedOutputs.Select(r => net.FinalSoftmax ? Softmax.Of(r.Select(v => (float)v).ToArray()).Select(v => (double)v).ToArray() : r).SelectMany(r => r).ToArray();
            for (int i = 0; i < deq.Length; i++)
                Assert.True(Math.Abs(deq[i] - expected[i]) <= report.MaxAbsError + 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                    $"{m}[{i}]: dequantized {deq[i]} vs ort {expected[i]}, report max error {report.MaxAbsError}");
            // The quantization error is small relative to the outputs (int8).
            Assert.True(report.MaxAbsError <= 0.1 * Math.Max(1, report.MaxAbsOutput), $"{m}: max error {report.MaxAbsError} vs max output {report.MaxAbsOutput}");
            output.WriteLine($"{m}: {net.ShapeSummary()} max|err| {report.MaxAbsError:G3} argmax {report.ArgmaxAgreements}/{report.Samples}");
        }
    }

    [Fact]
    public void ActivationOnlyAndNoDenseModelsImportWithAnIdentityLayer()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        foreach (var m in ImportOnly)
        {
            var net = OnnxImporter.Load(ModelFile(Path.Combine(ModelsDir, m)));
            Assert.StartsWith("identity#", net.Layers[0].Name);
            Assert.Contains(net.Warnings, w => w.Contains("identity dense layer"));
            output.WriteLine($"{m}: {net.ShapeSummary()}");
        }
    }

    [Fact]
    public void UnsupportedModelsFailWithANamedError()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        foreach (var (m, fragment) in Rejected)
        {
            string path = ModelFile(Path.Combine(ModelsDir, m));
            var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(path));
            Assert.Contains(fragment, e.Message);
            Assert.Contains(path, e.Message);
            output.WriteLine($"{m}: {e.Message}");
        }
    }

    [Fact]
    public void EveryModelIsClassified()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        var onDisk = Directory.GetDirectories(ModelsDir).SelectMany(Directory.GetDirectories)
            .Where(d => File.Exists(ModelFile(d)))
            .Select(d => Path.GetRelativePath(ModelsDir, d).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToArray();
        var listed = Supported.Concat(ImportOnly).Concat(Rejected.Select(r => r.Model)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(listed.Length, listed.Distinct().Count());
        Assert.Equal(onDisk, listed);
    }

    [Fact]
    public void OnnxNodeModelsWithBoundWeightsMatchOnnxRuntime()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        foreach (var (m, fragment) in BoundWeights)
        {
            string dir = Path.Combine(ModelsDir, m);
            string path = ModelFile(dir);
            // input_0 is the samples; input_k (k ≥ 1) are the weights, bound by name (zkml compile --weights).
            var weights = Directory.GetFiles(Path.Combine(dir, "test_data_set_0"), "input_*.pb").Order(StringComparer.Ordinal).Skip(1).Select(OnnxTensorFile.Load).ToList();
            if (fragment is not null)
            {
                var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(path, weights));
                Assert.Contains(fragment, e.Message);
                Assert.StartsWith(path, e.Message);
                continue;
            }
            var net = OnnxImporter.Load(path, weights);
            Assert.Contains(net.Warnings, w => w.Contains("bound as constants"));
            var rows = OnnxTensorFile.Load(Path.Combine(dir, "test_data_set_0", "input_0.pb")).Floats.Chunk(net.InputSize).ToArray();
            var got = FloatExecutor.Run(net, rows).SelectMany(r => r).ToArray();
            var expected = OrtOutput(dir);
            Assert.Equal(expected.Length, got.Length);
            for (int i = 0; i < got.Length; i++)
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{m}[{i}]: {got[i]} vs ort {expected[i]}");
            output.WriteLine($"{m}: {net.ShapeSummary()} matches onnxruntime on {rows.Length} rows");
        }
    }

    [Fact]
    public void EveryModelEitherImportsOrFailsCleanly()
    {
        if (ModelsDir is null) { output.WriteLine("SKIP: ../shared/models not present"); return; }
        foreach (var dir in Directory.GetDirectories(ModelsDir).SelectMany(Directory.GetDirectories))
        {
            string path = ModelFile(dir);
            if (!File.Exists(path)) continue;
            try { OnnxImporter.Load(path); }
            catch (ModelFormatException e) { Assert.False(string.IsNullOrWhiteSpace(e.Message)); }
        }
    }
}
