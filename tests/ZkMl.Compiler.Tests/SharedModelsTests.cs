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
    ];

    // Models that must fail, with a fragment of the expected message.
    private static readonly (string Model, string Fragment)[] Rejected =
    [
        ("ezkl-near/linear_regression", "(Cast)"),
        ("ezkl-near/prelu_gmm", "(PRelu)"),
        ("ezkl-near/sklearn_mlp", "(Cast)"),
        ("ezkl/1l_gelu_tanh_appx", "(Mul)"),
        ("ezkl/1l_relu", "activation before the first dense layer"),
        ("ezkl/1l_identity", "no dense layer"),
        ("ezkl/1l_softmax", "no dense layer"),
        ("ezkl/boolean_identity", "element type Bool"),
        ("ezkl/arange", "exactly one graph input"),
        ("ezkl/blackman_window", "Add is only supported as the bias"),
        ("onnx-node/test_gemm_default_vector_bias", "exactly one graph input"),
        ("onnx-node/test_mul", "exactly one graph input"),
        ("onnx-node/test_relu", "activation before the first dense layer"),
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
            var got = FloatExecutor.Run(net, inputs).SelectMany(r => r).ToArray();
            Assert.Equal(expected.Length, got.Length);
            for (int i = 0; i < got.Length; i++)
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{m}[{i}]: {got[i]} vs ort {expected[i]}");

            var circuit = CircuitCompiler.Compile(net, inputs);
            var report = AccuracyReport.Measure(net, circuit, inputs);
            var witness = IntegerExecutor.Run(circuit, inputs);
            var deq = witness.DequantizedOutputs.SelectMany(r => r).ToArray();
            for (int i = 0; i < deq.Length; i++)
                Assert.True(Math.Abs(deq[i] - expected[i]) <= report.MaxAbsError + 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                    $"{m}[{i}]: dequantized {deq[i]} vs ort {expected[i]}, report max error {report.MaxAbsError}");
            // The quantization error is small relative to the outputs (int8).
            Assert.True(report.MaxAbsError <= 0.1 * Math.Max(1, report.MaxAbsOutput), $"{m}: max error {report.MaxAbsError} vs max output {report.MaxAbsOutput}");
            output.WriteLine($"{m}: {net.ShapeSummary()} max|err| {report.MaxAbsError:G3} argmax {report.ArgmaxAgreements}/{report.Samples}");
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
