using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;

namespace ZkMl.Compiler.Tests;

/// <summary>Graphs with no dense layer, or an activation before the first one (issue 16), without ../shared: an identity dense layer is inserted.</summary>
public partial class OnnxTests
{
    public static TheoryData<string, string, bool> NoDenseForms => new()
    {
        { "Sigmoid", "4→4(sigmoid)", true },      // an activation alone: proven by the identity layer's table
        { "Softmax", "4→4", false },              // a Softmax alone: the outputs are the inputs (the logits), argmax the Softmax's
        { "Relu-Gemm", "4→4(relu)→2", false },    // an activation before the first dense layer
        { "Mul-Add", "4→4", false },              // elementwise ops by constants only: folded into the identity layer
    };

    [Theory]
    [MemberData(nameof(NoDenseForms))]
    public void GraphsWithoutADenseLayerFirstGetAnIdentityLayerAndMatchOnnxRuntime(string form, string shape, bool provesActivation)
    {
        var g = new GraphProto { Name = "no-dense" };
        g.Input.Add(Vi("x", "N", 4));
        g.Output.Add(Vi("y", "N", form == "Relu-Gemm" ? 2 : 4));
        switch (form)
        {
            case "Sigmoid": g.Node.Add(Node("Sigmoid", "sig", ["x"], "y")); break;
            case "Softmax": g.Node.Add(Node("Softmax", "sm", ["x"], "y", IAttr("axis", 1))); break;
            case "Relu-Gemm":
                g.Initializer.Add(F("W", [4, 2], 1, -1, 0.5f, 2, -1, 1, 2, 0));
                g.Initializer.Add(F("b", [2], 0.25f, -0.5f));
                g.Node.Add(Node("Relu", "relu", ["x"], "a"));
                g.Node.Add(Node("Gemm", "fc", ["a", "W", "b"], "y"));
                break;
            default:
                g.Initializer.Add(F("k", [4], 2f, -1f, 0.5f, 3f));
                g.Initializer.Add(F("c", [], 0.75f));
                g.Node.Add(Node("Mul", "mul", ["x", "k"], "a"));
                g.Node.Add(Node("Add", "add", ["a", "c"], "y"));
                break;
        }
        var bytes = Model(g, 13);
        var net = OnnxImporter.Import(bytes, "nd.onnx");
        Assert.Equal(shape, net.ShapeSummary());
        Assert.StartsWith("identity#", net.Layers[0].Name);
        Assert.Contains(net.Warnings, w => w.Contains("an identity dense layer (4×4) is inserted"));
        Assert.Equal(form == "Softmax", net.FinalSoftmax);
        var rng = new Random(form.Length);
        var rows = Enumerable.Range(0, 32).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
        AgreesWithOnnxRuntime(bytes, net, rows); // (a trailing Softmax is skipped by the reference: the logits)
        var c = CircuitCompiler.Compile(net, rows);
        Assert.Equal(provesActivation, c.ProvesOutputActivation);
        using var ort = OnnxRuntimeReference.FromBytes(bytes, form);
        var report = AccuracyReport.Measure(ort.Run(rows), c, rows);
        Assert.True(report.MaxAbsError <= 0.02 * Math.Max(1, report.MaxAbsOutput), $"{form}: int8 max error {report.MaxAbsError} of {report.MaxAbsOutput}");
        Assert.True(report.ArgmaxAgreement >= 0.95, $"{form}: argmax agreement {report.ArgmaxAgreement}");
    }
}
