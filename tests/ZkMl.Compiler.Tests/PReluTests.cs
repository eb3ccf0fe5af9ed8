using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;

namespace ZkMl.Compiler.Tests;

/// <summary>
/// PRelu with per-channel slopes that differ (both signs, 0 and &gt; 1), compiled as relu(z) − s·relu(−z): the layer
/// before it doubled, the next linear layer reading [N; −diag(s)·N]. Each graph is run by ONNX Runtime, by the float
/// import and by the integer executor of the compiled circuit. Conv forms are in ConvTests.
/// </summary>
public partial class OnnxTests
{
    private static readonly float[] Slopes6 = [-0.5f, 0f, 0.25f, 1f, 2.5f, -1.3f];

    /// <summary>The dense forms: x[5] → … (every graph ends with 3 outputs).</summary>
    internal static byte[] PReluModel(string form)
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 5));
        g.Output.Add(Vi("y", "N", 3));
        var rng = new Random(form.Length * 31 + 7);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        float[] Rs(int n) => Enumerable.Range(0, n).Select(_ => R()).ToArray();
        g.Initializer.Add(F("W1", [5, 6], Rs(30)));
        g.Initializer.Add(F("b1", [6], Rs(6)));
        g.Initializer.Add(F("W2", [6, 3], Rs(18)));
        g.Initializer.Add(F("b2", [3], Rs(3)));
        g.Initializer.Add(F("s6", [6], Slopes6));
        g.Initializer.Add(F("s3", [1, 3], 0.1f, 3f, -0.7f));
        g.Initializer.Add(F("s5", [5], 0.2f, -1f, 0f, 1.5f, 0.6f));
        g.Initializer.Add(F("W0", [5, 6], Rs(30)));
        switch (form)
        {
            case "between-dense-and-final": // Gemm → PRelu → Gemm → PRelu (a proven final activation)
                g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z1"));
                g.Node.Add(Node("PRelu", "pr1", ["z1", "s6"], "a1"));
                g.Node.Add(Node("Gemm", "fc2", ["a1", "W2", "b2"], "z2"));
                g.Node.Add(Node("PRelu", "pr2", ["z2", "s3"], "y"));
                break;
            case "affine-after": // PRelu → Mul, Add per feature → MatMul + Add: the affine map folds into the next layer before the recombination
                g.Initializer.Add(F("k", [6], 0.5f, -2f, 1f, 3f, 1f, 0.75f));
                g.Initializer.Add(F("c", [6], 0.1f, 0.2f, -0.3f, 0f, 0.5f, -1f));
                g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z1"));
                g.Node.Add(Node("PRelu", "pr1", ["z1", "s6"], "a1"));
                g.Node.Add(Node("Mul", "mul", ["a1", "k"], "a2"));
                g.Node.Add(Node("Add", "add", ["a2", "c"], "a3"));
                g.Node.Add(Node("MatMul", "mm", ["a3", "W2"], "z2"));
                g.Node.Add(Node("Add", "bias", ["z2", "b2"], "y"));
                break;
            case "before-sigmoid": // PRelu → Sigmoid: an identity-like layer recombines before the sigmoid table
                g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z1"));
                g.Node.Add(Node("PRelu", "pr1", ["z1", "s6"], "a1"));
                g.Node.Add(Node("Sigmoid", "sig", ["a1"], "a2"));
                g.Node.Add(Node("Gemm", "fc2", ["a2", "W2", "b2"], "y"));
                break;
            case "first-op-twice": // PRelu on the input (an identity layer first), then PRelu → PRelu
                g.Node.Add(Node("PRelu", "pr0", ["x", "s5"], "a0"));
                g.Node.Add(Node("Gemm", "fc1", ["a0", "W1", "b1"], "z1"));
                g.Node.Add(Node("PRelu", "pr1", ["z1", "s6"], "a1"));
                g.Node.Add(Node("PRelu", "pr1b", ["a1", "s6"], "a1b"));
                g.Node.Add(Node("Gemm", "fc2", ["a1b", "W2", "b2"], "y"));
                break;
            case "softmax-after": // Gemm → PRelu → Softmax: the outputs are the recombined values before the Softmax
                g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z1"));
                g.Node.Add(Node("Relu", "relu", ["z1"], "a1"));
                g.Node.Add(Node("Gemm", "fc2", ["a1", "W2", "b2"], "z2"));
                g.Node.Add(Node("PRelu", "pr2", ["z2", "s3"], "p2"));
                g.Node.Add(Node("Softmax", "sm", ["p2"], "y", IAttr("axis", 1)));
                break;
            default: throw new ArgumentException(form);
        }
        return Model(g, 13);
    }

    public static TheoryData<string, string> PReluForms => new()
    {
        { "between-dense-and-final", "5→12(relu)→6(relu)→3" },
        { "affine-after", "5→12(relu)→3" },
        { "before-sigmoid", "5→12(relu)→6(sigmoid)→3" },
        { "first-op-twice", "5→10(relu)→12(relu)→12(relu)→3" },
        { "softmax-after", "5→6(relu)→6(relu)→3" },
    };

    [Theory]
    [MemberData(nameof(PReluForms))]
    public void PerChannelPReluMatchesOnnxRuntimeInFloatAndWithinQuantizationError(string form, string shape)
    {
        var bytes = PReluModel(form);
        var net = OnnxImporter.Import(bytes, form + ".onnx");
        Assert.Equal(shape, net.ShapeSummary());
        Assert.Contains(net.Warnings, w => w.Contains("per-channel slopes compiled as relu(z) − s·relu(−z)"));
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
        AgreesWithOnnxRuntime(bytes, net, rows);

        var c = CircuitCompiler.Compile(net, rows);
        using var ort = OnnxRuntimeReference.FromBytes(bytes, form);
        var want = ort.Run(rows);
        var report = AccuracyReport.Measure(want, c, rows);
        // int8 weights and activations, two or three requantized layers: a few percent of the output range.
        Assert.True(report.MaxAbsError <= 0.05 * report.MaxAbsOutput, $"{form}: int8 max error {report.MaxAbsError} of max output {report.MaxAbsOutput}");
        Assert.True(report.ArgmaxAgreement >= 0.95, $"{form}: argmax agreement {report.ArgmaxAgreement}");
        Assert.Equal(c.DigestHex, CircuitFile.FromBytes(CircuitFile.ToBytes(c)).DigestHex);
    }

    [Fact]
    public void PerChannelPReluDoublesTheLayerAndFoldsTheSlopesIntoTheNext()
    {
        var net = OnnxImporter.Import(PReluModel("between-dense-and-final"), "p.onnx");
        Assert.Equal(3, net.Layers.Count);
        var (l1, l2, l3) = (net.Layers[0], net.Layers[1], net.Layers[2]);
        // L' = [L, −L]: W1 row i is [W_i, −W_i], b' = [b, −b], relu on all 12
        Assert.Equal((5, 12, Activation.Relu), (l1.InputSize, l1.OutputSize, l1.Activation));
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 6; j++) Assert.Equal(l1.Weight(i, j), -l1.Weight(i, 6 + j));
        for (int j = 0; j < 6; j++) Assert.Equal(l1.Bias[j], -l1.Bias[6 + j]);
        // N' = [N; −diag(s)·N] (and doubled outputs again for the final PRelu)
        Assert.Equal((12, 6, Activation.Relu), (l2.InputSize, l2.OutputSize, l2.Activation));
        for (int i = 0; i < 6; i++)
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(-Slopes6[i] * l2.Weight(i, k), l2.Weight(6 + i, k));
                Assert.Equal(-l2.Weight(i, k), l2.Weight(i, 3 + k));
            }
        // the final PRelu: an identity-like output layer [I; −diag(s)] with no activation (its Z are the public outputs)
        Assert.Equal((6, 3, Activation.None), (l3.InputSize, l3.OutputSize, l3.Activation));
        float[] s3 = [0.1f, 3f, -0.7f];
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(i == k ? 1f : 0f, l3.Weight(i, k));
                Assert.Equal(i == k ? -s3[i] : 0f, l3.Weight(3 + i, k));
            }
    }

    [Fact]
    public void PerChannelPReluQuantizedDoubledLayerHoldsExactlyZAndMinusZ()
    {
        // Weights and bias round half away from zero, so the integer accumulators of the mirrored half are exactly −Z;
        // the relu table then gives relu(Q(z)) and relu(Q(−z)) on one scale.
        var net = OnnxImporter.Import(PReluModel("between-dense-and-final"), "p.onnx");
        var rng = new Random(8);
        var rows = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var c = CircuitCompiler.Compile(net, rows);
        var l0 = c.Layers[0];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 6; j++) Assert.Equal(l0.Weights[i * 12 + j], -l0.Weights[i * 12 + 6 + j]);
        var wit = IntegerExecutor.Run(c, rows);
        var z = wit.Layers[0].Z;
        int cols = wit.Layers[0].Cols;
        for (int r = 0; r < rows.Length; r++)
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(z[r * cols + j], -z[r * cols + 6 + j]);
                // at most one half is positive after the relu table
                Assert.True(wit.Layers[0].A![r * cols + j] == 0 || wit.Layers[0].A![r * cols + 6 + j] == 0);
            }
    }

    public static TheoryData<string, string> PReluRefusals => new()
    {
        { "final-too-wide", "needs an identity dense layer over 1100 features" },
        { "per-sample-slope", "slope 'sb' has shape [4, 6], expected a scalar or one value per feature [6]" },
        { "nan-slope", "node 'pr' (PRelu): slope[1] is NaN, expected a finite number" },
        { "empty-slope-name", "node 'pr' (PRelu): input 1 is empty; a constant (initializer or Constant) is required" },
    };

    [Theory]
    [MemberData(nameof(PReluRefusals))]
    public void PerChannelPReluFormsThatCannotBeCompiledAreRefusedNamingTheNode(string which, string expected)
    {
        var g = new GraphProto();
        int m = which == "final-too-wide" ? 1100 : 6;
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("y", "N", m));
        g.Initializer.Add(F("W", [2, m], Enumerable.Range(0, 2 * m).Select(i => (float)Math.Sin(i)).ToArray()));
        g.Initializer.Add(which switch
        {
            "final-too-wide" => F("sb", [m], Enumerable.Range(0, m).Select(i => i % 3 * 0.5f).ToArray()),
            "per-sample-slope" => F("sb", [4, 6], Enumerable.Range(0, 24).Select(i => i * 0.1f).ToArray()),
            _ => F("sb", [6], 0.1f, float.NaN, 0.3f, 0.4f, 0.5f, 0.6f),
        });
        g.Node.Add(Node("MatMul", "mm", ["x", "W"], "z"));
        g.Node.Add(Node("PRelu", "pr", ["z", which == "empty-slope-name" ? "" : "sb"], "y"));
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "p.onnx"));
        Assert.StartsWith("p.onnx: ", e.Message);
        Assert.Contains("node 'pr' (PRelu)", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
