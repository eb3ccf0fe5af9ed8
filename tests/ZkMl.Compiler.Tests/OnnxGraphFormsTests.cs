using Google.Protobuf;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Compiler.Tests;

/// <summary>Graph forms of issue 16's coverage pass: scalar subgraphs, broadcasting constants, a final reshape across
/// the batch, Softmax axes, weights bound to graph inputs. Each model is built here and checked against ONNX Runtime.</summary>
public partial class OnnxTests
{
    private static float[][] Rows(int count, int size, int seed, float span = 3)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 2 - 1) * span).ToArray()).ToArray();
    }

    private static TensorProto Scalar(string name, float v) => F(name, [], v);

    /// <summary>x → Gemm(4→5) → [the nodes of <paramref name="body"/> from "z" to "a"] → Gemm(5→2) → y.</summary>
    private static GraphProto Sandwich(Action<GraphProto> body, int seed = 5)
    {
        var rng = new Random(seed);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 4));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W1", [4, 5], Enumerable.Range(0, 20).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("b1", [5], Enumerable.Range(0, 5).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("W2", [5, 2], Enumerable.Range(0, 10).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("b2", [2], R(), R()));
        g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z"));
        body(g);
        g.Node.Add(Node("Gemm", "fc2", ["a", "W2", "b2"], "y"));
        return g;
    }

    [Fact]
    public void TorchGeluTanhSubgraphIsRecognisedAsTheGeluTable()
    {
        // torch.onnx's tanh-form Gelu: x·(1 + tanh(√(2/π)·(x + 0.044715·x·x·x)))·0.5, Constants listed late.
        var g = Sandwich(g =>
        {
            g.Node.Add(Node("Mul", "sq", ["z", "z"], "z2"));
            g.Node.Add(Node("Mul", "cube", ["z2", "z"], "z3"));
            g.Node.Add(Node("Mul", "k3", ["c0", "z3"], "t0"));
            g.Node.Add(Node("Constant", "c0n", [], "c0", new AttributeProto { Name = "value", T = Scalar("", 0.044715f), Type = AttributeProto.Types.AttributeType.Tensor }));
            g.Node.Add(Node("Add", "inner", ["z", "t0"], "t1"));
            g.Node.Add(Node("Mul", "k1", ["t1", "c1"], "t2"));
            g.Node.Add(Node("Tanh", "th", ["t2"], "t3"));
            g.Node.Add(Node("Add", "one", ["t3", "c2"], "t4"));
            g.Node.Add(Node("Mul", "xm", ["z", "t4"], "t5"));
            g.Node.Add(Node("Mul", "half", ["t5", "c3"], "a"));
        });
        g.Initializer.Add(Scalar("c1", 0.7978845834732056f));
        g.Initializer.Add(Scalar("c2", 1f));
        g.Initializer.Add(Scalar("c3", 0.5f));
        var bytes = Model(g, 13);
        var net = OnnxImporter.Import(bytes, "gelu.onnx");
        Assert.Equal(2, net.Layers.Count);
        Assert.Equal(Activation.Gelu, net.Layers[0].Activation);
        Assert.Contains(net.Warnings, w => w.Contains("computes gelu (tanh form)") && w.Contains("node 'half' (Mul)"));
        var rows = Rows(64, 4, 1);
        AgreesWithOnnxRuntime(bytes, net, rows);
        var c = CircuitCompiler.Compile(net, rows);
        var report = AccuracyReport.Measure(net, c, rows);
        Assert.True(report.MaxAbsError <= 0.05 * Math.Max(0.1, report.MaxAbsOutput), $"int8 error {report.MaxAbsError} of {report.MaxAbsOutput}");
    }

    [Fact]
    public void ErfGeluAndPowFormsAndAffineBranchesAreRecognised()
    {
        // 0.5·x·(1 + erf(x / √2)): z is read by the Div and by the Mul, a region; the erf-form Gelu table.
        var g = Sandwich(g =>
        {
            g.Node.Add(Node("Div", "d", ["z", "sqrt2"], "u"));
            g.Node.Add(Node("Erf", "erf", ["u"], "e"));
            g.Node.Add(Node("Add", "p1", ["e", "one"], "e1"));
            g.Node.Add(Node("Mul", "m", ["z", "e1"], "m1"));
            g.Node.Add(Node("Mul", "h", ["m1", "half"], "a"));
        });
        g.Initializer.Add(Scalar("sqrt2", (float)Math.Sqrt(2)));
        g.Initializer.Add(Scalar("one", 1));
        g.Initializer.Add(Scalar("half", 0.5f));
        var bytes = Model(g, 13);
        var net = OnnxImporter.Import(bytes, "erf.onnx");
        Assert.Equal(Activation.Gelu, net.Layers[0].Activation);
        Assert.Contains(net.Warnings, w => w.Contains("gelu (erf form)"));
        AgreesWithOnnxRuntime(bytes, net, Rows(32, 4, 2));

        // x + x·3 = 4x: an affine branch, folded (no table).
        g = Sandwich(g =>
        {
            g.Node.Add(Node("Mul", "t", ["z", "three"], "z3"));
            g.Node.Add(Node("Add", "s", ["z", "z3"], "a"));
        });
        g.Initializer.Add(Scalar("three", 3));
        bytes = Model(g, 13);
        net = OnnxImporter.Import(bytes, "aff.onnx");
        Assert.Equal(2, net.Layers.Count);
        Assert.Equal(Activation.None, net.Layers[0].Activation);
        Assert.Contains(net.Warnings, w => w.Contains("the affine map 4·x + 0"));
        AgreesWithOnnxRuntime(bytes, net, Rows(32, 4, 3));

        // Pow(x, 3) inside the tanh Gelu form.
        g = Sandwich(g =>
        {
            g.Node.Add(Node("Pow", "cube", ["z", "three"], "z3"));
            g.Node.Add(Node("Mul", "k3", ["z3", "k"], "t0"));
            g.Node.Add(Node("Add", "inner", ["z", "t0"], "t1"));
            g.Node.Add(Node("Mul", "k1", ["t1", "r"], "t2"));
            g.Node.Add(Node("Tanh", "th", ["t2"], "t3"));
            g.Node.Add(Node("Add", "one", ["t3", "uno"], "t4"));
            g.Node.Add(Node("Mul", "xm", ["z", "t4"], "t5"));
            g.Node.Add(Node("Div", "half", ["t5", "two"], "a"));
        });
        foreach (var (n, v) in new[] { ("three", 3f), ("k", 0.044715f), ("r", 0.7978846f), ("uno", 1f), ("two", 2f) }) g.Initializer.Add(Scalar(n, v));
        bytes = Model(g, 13);
        net = OnnxImporter.Import(bytes, "pow.onnx");
        Assert.Equal(Activation.Gelu, net.Layers[0].Activation);
        AgreesWithOnnxRuntime(bytes, net, Rows(32, 4, 4));
    }

    [Fact]
    public void ScalarSubgraphsThatAreNoTableOrNotScalarAreRefusedNamingTheNodes()
    {
        // SiLU x·sigmoid(x): a function of one value, but no table serves it.
        var g = Sandwich(g =>
        {
            g.Node.Add(Node("Sigmoid", "sg", ["z"], "s"));
            g.Node.Add(Node("Mul", "silu", ["z", "s"], "a"));
        });
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "silu.onnx"));
        Assert.StartsWith("silu.onnx: node 'sg' (Sigmoid): the subgraph node 'sg' (Sigmoid), node 'silu' (Mul) is a function of one value per element, but none of the activation tables", e.Message);
        // x·x: the same.
        g = Sandwich(g => g.Node.Add(Node("Mul", "square", ["z", "z"], "a")));
        e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "sq.onnx"));
        Assert.Contains("node 'square' (Mul) is a function of one value per element, but none of the activation tables", e.Message);
        // relu(x) − relu(x − 10) is relu on [−8, 8] only: the far grid points refuse it.
        g = Sandwich(g =>
        {
            g.Node.Add(Node("Relu", "r1", ["z"], "r"));
            g.Node.Add(Node("Sub", "shift", ["z", "ten"], "zs"));
            g.Node.Add(Node("Relu", "r2", ["zs"], "rs"));
            g.Node.Add(Node("Sub", "clamp", ["r", "rs"], "a"));
        });
        g.Initializer.Add(Scalar("ten", 10));
        e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "clamp.onnx"));
        Assert.Contains("node 'clamp' (Sub) is a function of one value per element, but none of the activation tables", e.Message);
        // A per-feature constant inside the branch makes it a function per column: refused.
        g = Sandwich(g =>
        {
            g.Node.Add(Node("Mul", "t", ["z", "k5"], "z3"));
            g.Node.Add(Node("Add", "s", ["z", "z3"], "a"));
        });
        g.Initializer.Add(F("k5", [5], 1, 2, 3, 4, 5));
        e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "pf.onnx"));
        Assert.Contains("node 't' (Mul) reads 'k5', which is neither computed from 'z' inside the branch nor a scalar constant", e.Message);
        // A residual (a dense layer inside the branch): refused, naming both readers.
        g = Sandwich(g =>
        {
            g.Node.Add(Node("MatMul", "inner", ["z", "W55"], "z5"));
            g.Node.Add(Node("Add", "res", ["z", "z5"], "a"));
        });
        g.Initializer.Add(F("W55", [5, 5], new float[25]));
        e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "res.onnx"));
        Assert.Contains("'z' is read by node 'inner' (MatMul), node 'res' (Add) (a branch)", e.Message);
        Assert.Contains("residual connections and other branches are not supported", e.Message);
    }

    [Fact]
    public void ConstantsBroadcastToTheSampleShape()
    {
        // [N, 4, 5] + c[5] (numpy broadcasting over the rows), then ·d[4, 1], then Flatten and a Gemm.
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 4, 5));
        g.Output.Add(Vi("y", "N", 3));
        var rng = new Random(9);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        g.Initializer.Add(F("c", [5], 1, 2, 3, 4, 5));
        g.Initializer.Add(F("d", [1, 4, 1], 0.5f, -1, 2, 3));
        g.Initializer.Add(F("W", [20, 3], Enumerable.Range(0, 60).Select(_ => R()).ToArray()));
        g.Node.Add(Node("Add", "add", ["x", "c"], "x1"));
        g.Node.Add(Node("Mul", "mul", ["x1", "d"], "x2"));
        g.Node.Add(Node("Flatten", "fl", ["x2"], "x3"));
        g.Node.Add(Node("MatMul", "mm", ["x3", "W"], "y"));
        var bytes = Model(g);
        var net = OnnxImporter.Import(bytes, "bc.onnx");
        Assert.Single(net.Layers);
        AgreesWithOnnxRuntime(bytes, net, Rows(16, 20, 5));
        // A constant with a batch axis larger than 1 is a per-sample operand: refused.
        g.Initializer[1] = F("d", [2, 4, 1], 0.5f, -1, 2, 3, 1, 1, 1, 1);
        Assert.Contains("node 'mul' (Mul): operand 'd' has shape [2, 4, 1]", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "bc.onnx")).Message);
        // Dims that do not broadcast: refused.
        g.Initializer[1] = F("d", [3], 1, 2, 3);
        Assert.Contains("operand 'd' has shape [3], expected a scalar or one value per feature [4, 5]", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "bc.onnx")).Message);
    }

    [Fact]
    public void AFinalReshapeAcrossTheBatchKeepsTheOrder()
    {
        // skl2onnx's regressor: MatMul(3→5) then Reshape [-1, 1]: the output is [N·5, 1].
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 3));
        g.Output.Add(Vi("y", "M", 1));
        g.Initializer.Add(F("W", [3, 5], Enumerable.Range(0, 15).Select(i => (float)Math.Sin(i)).ToArray()));
        g.Initializer.Add(new TensorProto { Name = "shape", DataType = 7, Dims = { 2 }, Int64Data = { -1, 1 } });
        g.Node.Add(Node("MatMul", "mm", ["x", "W"], "z"));
        g.Node.Add(Node("Reshape", "rs", ["z", "shape"], "y"));
        var bytes = Model(g);
        var net = OnnxImporter.Import(bytes, "rs.onnx");
        Assert.Equal(5, net.OutputSize);
        Assert.Contains(net.Warnings, w => w.Contains("regroups the batch"));
        AgreesWithOnnxRuntime(bytes, net, Rows(7, 3, 6));
        // Not the last op: refused (a later op would see rows that mix samples).
        g.Output[0] = Vi("y2", "M", 1);
        g.Node.Add(Node("Relu", "r", ["y"], "y2"));
        Assert.Contains("node 'rs' (Reshape): target shape [-1, 1] does not keep the batch dimension first with 5 features per sample (a reshape across the batch is accepted only as the graph's last op)",
            Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "rs.onnx")).Message);
    }

    [Theory]
    [InlineData(11, 1, true)]    // before opset 13: coerced to [N, 20], one softmax per sample
    [InlineData(13, -1, false)]  // 13+: over the last axis only (groups of 5)
    [InlineData(13, 1, false)]   // 13+: over axis 1 (groups of 4)
    [InlineData(11, 2, false)]   // before 13, axis 2: [N·4, 5]
    public void SoftmaxMustCoverTheWholeSample(int opset, int axis, bool accepted)
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 4, 5));
        g.Output.Add(Vi("y", "N", 4, 5));
        g.Node.Add(Node("Softmax", "sm", ["x"], "y", IAttr("axis", axis)));
        if (accepted)
        {
            var net = OnnxImporter.Import(Model(g, opset), "sm.onnx");
            Assert.True(net.FinalSoftmax);
            return;
        }
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g, opset), "sm.onnx"));
        Assert.Contains($"node 'sm' (Softmax): Softmax over axis {axis} of [batch, 4, 5] (opset {opset}) normalises groups of", e.Message);
    }

    [Fact]
    public void WeightsGivenAsGraphInputsAreBoundFromJsonOrTensorFiles()
    {
        // y = x·B + c with B, c graph inputs (as the ONNX node tests write Gemm).
        var g = new GraphProto();
        g.Input.Add(Vi("a", "N", 3));
        g.Input.Add(Vi("b", 3, 2));
        g.Input.Add(Vi("c", 2));
        g.Output.Add(Vi("y", "N", 2));
        g.Node.Add(Node("Gemm", "fc", ["a", "b", "c"], "y"));
        float[] B = [1, -2, 0.5f, 3, -1, 0.25f], C = [0.1f, -0.2f];
        string dir = Path.Combine(Path.GetTempPath(), $"zkml-w-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string model = Path.Combine(dir, "m.onnx");
            File.WriteAllBytes(model, Model(g));
            Assert.Contains("found 3: 'a', 'b', 'c' (weights must be initializers or Constants, not inputs; or bind all but the samples with --weights FILE)",
                Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(model)).Message);
            // JSON: nested arrays give the dims.
            string json = Path.Combine(dir, "w.json");
            File.WriteAllText(json, """{"b": [[1, -2], [0.5, 3], [-1, 0.25]], "c": [0.1, -0.2]}""");
            var net = ModelLoader.Load(model, OnnxTensorFile.LoadWeights(json));
            // .pb: one TensorProto per file, named.
            var tb = F("b", [3, 2], B); var tc = F("c", [2], C);
            File.WriteAllBytes(Path.Combine(dir, "b.pb"), tb.ToByteArray());
            File.WriteAllBytes(Path.Combine(dir, "c.pb"), tc.ToByteArray());
            var net2 = ModelLoader.Load(model, [.. OnnxTensorFile.LoadWeights(Path.Combine(dir, "b.pb")), .. OnnxTensorFile.LoadWeights(Path.Combine(dir, "c.pb"))]);
            Assert.Equal(net.Layers[0].Weights.ToArray(), net2.Layers[0].Weights.ToArray());
            // ONNX Runtime on the same graph with the weights as initializers.
            var gi = g.Clone();
            gi.Input.RemoveAt(2); gi.Input.RemoveAt(1);
            gi.Initializer.Add(tb); gi.Initializer.Add(tc);
            AgreesWithOnnxRuntime(Model(gi), net, Rows(8, 3, 7));

            // Refusals: an unknown name, a wrong shape, a non-integer for an int64 input, a JSON model, bad files.
            File.WriteAllText(json, """{"q": [1]}""");
            Assert.Contains("--weights: 'q' is not a graph input (inputs: 'a', 'b', 'c')", Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(model, OnnxTensorFile.LoadWeights(json))).Message);
            File.WriteAllText(json, """{"b": [[1, 2, 3], [4, 5, 6]], "c": [0, 0]}""");
            Assert.Contains("--weights: 'b' has shape [2, 3], the graph input is declared [3, 2]", Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(model, OnnxTensorFile.LoadWeights(json))).Message);
            File.WriteAllText(json, """{"b": [[1, 2], [3]]}""");
            Assert.Contains("'b': ragged array: expected 2 elements at depth 1, found 1 elements", Assert.Throws<ModelFormatException>(() => OnnxTensorFile.LoadWeights(json)).Message);
            File.WriteAllText(json, """{"b": [[1, "x"]]}""");
            Assert.Contains("'b': expected a finite number at depth 2, found String", Assert.Throws<ModelFormatException>(() => OnnxTensorFile.LoadWeights(json)).Message);
            File.WriteAllText(Path.Combine(dir, "n.pb"), "not a tensor");
            Assert.Contains("n.pb: ", Assert.Throws<ModelFormatException>(() => OnnxTensorFile.LoadWeights(Path.Combine(dir, "n.pb"))).Message);
            File.WriteAllBytes(Path.Combine(dir, "u.pb"), F("", [2], C).ToByteArray());
            Assert.Contains("the TensorProto has no name", Assert.Throws<ModelFormatException>(() => OnnxTensorFile.LoadWeights(Path.Combine(dir, "u.pb"))).Message);
            Assert.Contains("unknown weights file extension '.txt'", Assert.Throws<ModelFormatException>(() => OnnxTensorFile.LoadWeights(Path.Combine(dir, "w.txt"))).Message);

            // An int64 shape input of Reshape, bound from JSON integers.
            var gr = new GraphProto();
            gr.Input.Add(Vi("x", "N", 2, 3));
            var shapeIn = new ValueInfoProto { Name = "s", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 7, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 2 } } } } } };
            gr.Input.Add(shapeIn);
            gr.Output.Add(Vi("y", "N", 6));
            gr.Node.Add(Node("Reshape", "rs", ["x", "s"], "y"));
            string rmodel = Path.Combine(dir, "r.onnx");
            File.WriteAllBytes(rmodel, Model(gr));
            File.WriteAllText(json, """{"s": [0, -1]}""");
            Assert.Equal(6, OnnxImporter.Load(rmodel, OnnxTensorFile.LoadWeights(json)).OutputSize);
            File.WriteAllText(json, """{"s": [0, -1.5]}""");
            Assert.Contains("--weights: 's' is declared Int64, the values given are not all integers", Assert.Throws<ModelFormatException>(() => OnnxImporter.Load(rmodel, OnnxTensorFile.LoadWeights(json))).Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ConstantOfShapeIsAConstant()
    {
        // y = (x + ones[3]·0.5)·W + zeros[2], the constants made by ConstantOfShape from Constant shapes.
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 3));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W", [3, 2], 1, -1, 0.5f, 2, -0.25f, 0.75f));
        g.Initializer.Add(new TensorProto { Name = "s3", DataType = 7, Dims = { 1 }, Int64Data = { 3 } });
        g.Node.Add(Node("ConstantOfShape", "half", ["s3"], "h", new AttributeProto { Name = "value", T = F("", [1], 0.5f), Type = AttributeProto.Types.AttributeType.Tensor }));
        g.Node.Add(Node("Add", "shift", ["x", "h"], "x1"));
        g.Node.Add(Node("MatMul", "mm", ["x1", "W"], "z"));
        g.Node.Add(Node("ConstantOfShape", "zeros", ["s2"], "b"));
        g.Node.Add(Node("Add", "bias", ["z", "b"], "y"));
        g.Node.Add(Node("Constant", "s2n", [], "s2", new AttributeProto { Name = "value_ints", Ints = { 2 }, Type = AttributeProto.Types.AttributeType.Ints }));
        var bytes = Model(g, 13);
        var net = OnnxImporter.Import(bytes, "cos.onnx");
        Assert.Single(net.Layers);
        AgreesWithOnnxRuntime(bytes, net, Rows(8, 3, 8));
        // A shape that is not an int64 constant is refused naming the node.
        g.Initializer[1] = F("s3", [1], 3);
        Assert.Contains("node 'half' (ConstantOfShape): the shape 's3' must be an int64 tensor", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "cos.onnx")).Message);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void TorchViewBatchMinusOneFoldsTheShapeArithmetic(int opset)
    {
        // x.view(x.size(0), -1): Shape → Gather(0) → Unsqueeze → Concat([b], [-1]) → Reshape, then a Gemm.
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2, 3));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W", [6, 2], Enumerable.Range(0, 12).Select(i => (float)Math.Cos(i)).ToArray()));
        g.Initializer.Add(new TensorProto { Name = "zero", DataType = 7, Int64Data = { 0 } });
        g.Initializer.Add(new TensorProto { Name = "minus1", DataType = 7, Dims = { 1 }, Int64Data = { -1 } });
        g.Initializer.Add(new TensorProto { Name = "ax0", DataType = 7, Dims = { 1 }, Int64Data = { 0 } });
        g.Node.Add(Node("Shape", "shape", ["x"], "s"));
        g.Node.Add(Node("Gather", "batch", ["s", "zero"], "b", IAttr("axis", 0)));
        g.Node.Add(opset >= 13 ? Node("Unsqueeze", "unsq", ["b", "ax0"], "b1") : Node("Unsqueeze", "unsq", ["b"], "b1", IsAttr("axes", 0)));
        g.Node.Add(Node("Concat", "cat", ["b1", "minus1"], "target", IAttr("axis", 0)));
        g.Node.Add(Node("Reshape", "view", ["x", "target"], "flat"));
        g.Node.Add(Node("Gemm", "fc", ["flat", "W"], "y"));
        var bytes = Model(g, opset);
        var net = OnnxImporter.Import(bytes, "view.onnx");
        Assert.Equal(6, net.InputSize);
        AgreesWithOnnxRuntime(bytes, net, Rows(5, 6, 9));
        // The batch anywhere but first (x.view(-1, x.size(0))) is refused naming the Reshape.
        g.Node[3] = Node("Concat", "cat", ["minus1", "b1"], "target", IAttr("axis", 0));
        Assert.Contains("node 'view' (Reshape): the target shape uses the batch size outside the first dimension",
            Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g, opset), "view.onnx")).Message);
    }
}
