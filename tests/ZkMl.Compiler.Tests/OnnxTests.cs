using Google.Protobuf;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Compiler.Tests;

public partial class OnnxTests
{
    [Fact]
    public void ExportReimportsToTheSameNetwork()
    {
        var net = TestNets.Random(new Random(11), [6, 5, 4, 3], [Activation.Relu, Activation.Tanh, Activation.Sigmoid]);
        var back = OnnxImporter.Import(OnnxExporter.Export(net));
        Assert.Equal(net.Layers.Count, back.Layers.Count);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            Assert.Equal(net.Layers[l].InputSize, back.Layers[l].InputSize);
            Assert.True(net.Layers[l].Weights.SequenceEqual(back.Layers[l].Weights));
            Assert.True(net.Layers[l].Bias.SequenceEqual(back.Layers[l].Bias));
            Assert.Equal(net.Layers[l].Activation, back.Layers[l].Activation);
        }
        var x = TestNets.Samples(new Random(2), 3, 6);
        for (int s = 0; s < 3; s++) Assert.Equal(FloatExecutor.Run(net, x[s]), FloatExecutor.Run(back, x[s]));
    }

    [Fact]
    public void TruncatedOrGarbageFilesGiveAClearError()
    {
        var bytes = OnnxExporter.Export(TestNets.Tiny());
        foreach (int cut in new[] { 1, 7, bytes.Length / 3, bytes.Length / 2, bytes.Length - 1 })
        {
            var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(bytes.AsSpan(0, cut), "t.onnx"));
            Assert.StartsWith("t.onnx: ", e.Message);
        }
        var rng = new Random(5);
        for (int t = 0; t < 50; t++)
        {
            var junk = new byte[rng.Next(0, 200)];
            rng.NextBytes(junk);
            Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(junk, "j.onnx"));
        }
    }

    private static TensorProto F(string name, long[] dims, params float[] v)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(v);
        return t;
    }

    private static NodeProto Node(string op, string name, string[] ins, string output, params AttributeProto[] attrs)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(ins);
        n.Output.Add(output);
        n.Attribute.AddRange(attrs);
        return n;
    }

    private static ValueInfoProto Vi(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                UnknownDim => new TensorShapeProto.Types.Dimension(),
                _ => new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) },
            });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static byte[] Model(GraphProto g, int opset = 13)
    {
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m.ToByteArray();
    }

    [Fact]
    public void GemmAttributesFlattenReshapeMatMulAddSoftmax()
    {
        // input [N, 1, 2, 2] → Flatten → Gemm(alpha 2, beta 0.5, transB, C [1, 3]) → Relu → Reshape([-1, 3]) → MatMul → Add → Softmax
        var g = new GraphProto { Name = "g" };
        g.Input.Add(Vi("x", "N", 1, 2, 2));
        g.Output.Add(Vi("y", "N", 2));
        // B is [3, 4] (transB = 1): W[i, j] = B[j, i]
        g.Initializer.Add(F("B", [3, 4], 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
        g.Initializer.Add(F("C", [1, 3], 1, 2, 3));
        g.Initializer.Add(F("W2", [3, 2], 1, 0, 0, 1, 1, 1));
        g.Initializer.Add(F("b2", [2], -1, 1));
        var shape = new TensorProto { Name = "shp", DataType = 7 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([-1, 3]);
        g.Node.Add(Node("Flatten", "flat", ["x"], "f", new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int }));
        g.Node.Add(Node("Gemm", "gemm", ["f", "B", "C"], "z",
            new AttributeProto { Name = "alpha", F = 2, Type = AttributeProto.Types.AttributeType.Float },
            new AttributeProto { Name = "beta", F = 0.5f, Type = AttributeProto.Types.AttributeType.Float },
            new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int }));
        g.Node.Add(Node("Relu", "relu", ["z"], "a"));
        g.Node.Add(Node("Constant", "shape", [], "s", new AttributeProto { Name = "value", T = shape, Type = AttributeProto.Types.AttributeType.Tensor }));
        g.Node.Add(Node("Reshape", "rs", ["a", "s"], "r"));
        g.Node.Add(Node("MatMul", "mm", ["r", "W2"], "m"));
        g.Node.Add(Node("Add", "add", ["b2", "m"], "o"));
        g.Node.Add(Node("Softmax", "sm", ["o"], "y"));
        var net = OnnxImporter.Import(Model(g));
        Assert.Equal("4→3(relu)→2", net.ShapeSummary());
        Assert.Single(net.Warnings);
        Assert.Contains("Softmax", net.Warnings[0]);
        // x = [1, 0, 0, 1]: z_j = 2·(B[j,0] + B[j,3]) + 0.5·C_j = [2·5+0.5, 2·13+1, 2·21+1.5]
        var y = FloatExecutor.Run(net, [1f, 0f, 0f, 1f]);
        float a0 = 10.5f, a1 = 27f, a2 = 43.5f;
        Assert.Equal(a0 + a2 - 1, y[0], 4);
        Assert.Equal(a1 + a2 + 1, y[1], 4);
        AgreesWithOnnxRuntime(Model(g), net, [[1f, 0f, 0f, 1f], [-0.5f, 2f, 0.25f, -1f], [3f, -2f, 1f, 0f]]); // the logits before the Softmax
    }

    [Fact]
    public void GemmWithoutBiasAndMatMulWithRowBias()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "batch", 2));
        g.Output.Add(Vi("y", "batch", 1));
        g.Initializer.Add(F("B", [2, 3], 1, 2, 3, 4, 5, 6));          // transB = 0: W = B
        g.Initializer.Add(F("W2", [3, 1], 1, -1, 2));
        g.Initializer.Add(F("b2", [1, 1], 0.5f));
        g.Node.Add(Node("Gemm", "g0", ["x", "B"], "z"));
        g.Node.Add(Node("Tanh", "t", ["z"], "a"));
        g.Node.Add(Node("MatMul", "mm", ["a", "W2"], "m"));
        g.Node.Add(Node("Add", "add", ["m", "b2"], "y"));
        var net = OnnxImporter.Import(Model(g, 9));
        Assert.Equal(4f, net.Layers[0].Weight(1, 0));
        Assert.Equal(0.5f, net.Layers[1].Bias[0]);
        var y = FloatExecutor.Run(net, [0.1f, -0.2f]);
        double a0 = Math.Tanh(0.1 - 0.8), a1 = Math.Tanh(0.2 - 1.0), a2 = Math.Tanh(0.3 - 1.2);
        Assert.Equal(a0 - a1 + 2 * a2 + 0.5, y[0], 5);
    }

    [Fact]
    public void NaNWeightsInOnnxAreNamed()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("m", "N", 2));
        g.Initializer.Add(F("W", [2, 2], 1, 0, float.NaN, 1));
        g.Node.Add(Node("MatMul", "fc", ["x", "W"], "m"));
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "nan.onnx"));
        Assert.Equal("nan.onnx: dense layer 'fc': weights[1][0] is NaN, expected a finite number", e.Message);
    }

    [Fact]
    public void ReshapeThatMixesTheBatchIsRejected()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 4));
        g.Output.Add(Vi("m", "N", 2));
        var shape = new TensorProto { Name = "s", DataType = 7 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([-1, 2]);
        g.Initializer.Add(shape);
        g.Initializer.Add(F("W", [2, 2], 1, 0, 0, 1));
        g.Node.Add(Node("Reshape", "rs", ["x", "s"], "r"));
        g.Node.Add(Node("MatMul", "mm", ["r", "W"], "m"));
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g)));
        Assert.Contains("node 'rs' (Reshape)", e.Message);
    }

    [Fact]
    public void UnsupportedOpsAndBranchesAreNamed()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W", [2, 2], 1, 0, 0, 1));
        g.Node.Add(Node("MatMul", "mm", ["x", "W"], "m"));
        g.Node.Add(Node("Selu", "selu_1", ["m"], "y"));
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "u.onnx"));
        Assert.Contains("node 'selu_1' (Selu): unsupported op type 'Selu'; supported: Gemm", e.Message);

        // A residual branch: y = relu(x·W) + x is not a chain.
        g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W", [2, 2], 1, 0, 0, 1));
        g.Node.Add(Node("MatMul", "mm", ["x", "W"], "m"));
        g.Node.Add(Node("Relu", "r", ["m"], "a"));
        g.Node.Add(Node("Add", "res", ["a", "x"], "y"));
        e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "b.onnx"));
        Assert.Contains("node 'res' (Add)", e.Message);

        // Opset out of range.
        g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("m", "N", 2));
        g.Initializer.Add(F("W", [2, 2], 1, 0, 0, 1));
        g.Node.Add(Node("MatMul", "mm", ["x", "W"], "m"));
        Assert.Contains("opset 6", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g, 6))).Message);
        Assert.Equal(2, OnnxImporter.Import(Model(g, 25)).OutputSize);
    }

    // One dense layer x[N, 3] → Gemm → y[N, 2] with the given attributes and bias form.
    private static byte[] GemmModel(float alpha, float? beta, bool transB, string bias, int opset = 13, object? batch = null)
    {
        var g = new GraphProto { Name = "gemm" };
        g.Input.Add(Vi("x", batch ?? "N", 3));
        g.Output.Add(Vi("y", batch ?? "N", 2));
        float[] w = [1, -2, 3, 0.5f, -1, 4]; // W[i, j] = w[2i + j], 3 × 2
        g.Initializer.Add(transB ? F("B", [2, 3], 1, 3, -1, -2, 0.5f, 4) : F("B", [3, 2], w));
        var inputs = new List<string> { "x", "B" };
        switch (bias)
        {
            case "vector": g.Initializer.Add(F("C", [2], 0.25f, -0.75f)); inputs.Add("C"); break;
            case "row": g.Initializer.Add(F("C", [1, 2], 0.25f, -0.75f)); inputs.Add("C"); break;
            case "scalar": g.Initializer.Add(F("C", [], 0.25f)); inputs.Add("C"); break;
            case "empty-name": inputs.Add(""); break;
        }
        var attrs = new List<AttributeProto> { new() { Name = "alpha", F = alpha, Type = AttributeProto.Types.AttributeType.Float } };
        if (beta is { } bv) attrs.Add(new AttributeProto { Name = "beta", F = bv, Type = AttributeProto.Types.AttributeType.Float });
        if (transB) attrs.Add(new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int });
        g.Node.Add(Node("Gemm", "fc", [.. inputs], "y", [.. attrs]));
        return Model(g, opset);
    }

    [Theory]
    [InlineData(1f, null, false, "none")]
    [InlineData(1f, null, true, "none")]
    [InlineData(1f, 1f, false, "vector")]
    [InlineData(0.5f, 2f, true, "vector")]
    [InlineData(-1.5f, 0.3f, false, "row")]
    [InlineData(2f, 0.5f, true, "row")]
    [InlineData(1f, -1f, true, "scalar")]
    [InlineData(3f, 7f, false, "empty-name")]
    public void GemmVariantsComputeAlphaABPlusBetaC(float alpha, float? beta, bool transB, string bias)
    {
        var net = OnnxImporter.Import(GemmModel(alpha, beta, transB, bias));
        Assert.Equal("3→2", net.ShapeSummary());
        float[] x = [0.5f, -1f, 2f];
        float[] w = [1, -2, 3, 0.5f, -1, 4];
        float b = beta ?? 1f;
        float[] c = bias switch { "vector" or "row" => [0.25f, -0.75f], "scalar" => [0.25f, 0.25f], _ => [0f, 0f] };
        var y = FloatExecutor.Run(net, x);
        for (int j = 0; j < 2; j++)
        {
            double expected = b * c[j];
            for (int i = 0; i < 3; i++) expected += alpha * x[i] * w[2 * i + j];
            Assert.Equal(expected, y[j], 5);
        }
        AgreesWithOnnxRuntime(GemmModel(alpha, beta, transB, bias), net, [x, [-3f, 0.25f, 1f]]);
    }

    [Fact]
    public void GemmTransAAndPerSampleBiasAreNamedErrors()
    {
        var bytes = GemmModel(1f, null, false, "none");
        var m = ModelProto.Parser.ParseFrom(bytes);
        m.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "transA", I = 1, Type = AttributeProto.Types.AttributeType.Int });
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "ta.onnx"));
        Assert.Equal("ta.onnx: node 'fc' (Gemm): transA = 1 on the activation input is not supported", e.Message);

        m = ModelProto.Parser.ParseFrom(GemmModel(1f, null, false, "none"));
        m.Graph.Initializer.Add(F("C", [4, 2], 1, 2, 3, 4, 5, 6, 7, 8));
        m.Graph.Node[0].Input.Add("C");
        e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "c.onnx"));
        Assert.Contains("node 'fc' (Gemm)", e.Message);
        Assert.Contains("per-sample bias is not supported", e.Message);
    }

    public static TheoryData<int> Opsets()
    {
        var d = new TheoryData<int>();
        for (int v = OnnxImporter.MinOpset; v <= OnnxImporter.MaxOpset; v++) d.Add(v);
        return d;
    }

    [Theory]
    [MemberData(nameof(Opsets))]
    public void EveryOpsetFromSevenToTwentyFiveImports(int opset)
    {
        Assert.Equal((7, 25), (OnnxImporter.MinOpset, OnnxImporter.MaxOpset));
        var net = OnnxImporter.Import(GemmModel(1f, 1f, true, "vector", opset));
        Assert.Equal("3→2", net.ShapeSummary());
        AgreesWithOnnxRuntime(GemmModel(1f, 1f, true, "vector", opset), net, [[0.5f, -1f, 2f], [-3f, 0.25f, 1f]]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(26)]
    public void OpsetsOutsideSevenToTwentyFiveAreRejected(int opset)
    {
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(GemmModel(1f, 1f, true, "vector", opset), "o.onnx"));
        Assert.Equal($"o.onnx: opset {opset} is not supported (supported: ai.onnx 7–25)", e.Message);
    }

    [Theory]
    [InlineData("batch_size")]
    [InlineData("N")]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData("")] // a dimension with neither a value nor a name (unknown)
    public void SymbolicFixedAndUnknownBatchDimensionsGiveTheSameNetwork(object batch)
    {
        var reference = OnnxImporter.Import(GemmModel(1f, 1f, true, "vector"));
        var net = OnnxImporter.Import(GemmModel(1f, 1f, true, "vector", batch: batch is "" ? new UnknownDim() : batch));
        Assert.True(reference.Layers[0].Weights.SequenceEqual(net.Layers[0].Weights));
        Assert.True(reference.Layers[0].Bias.SequenceEqual(net.Layers[0].Bias));
    }

    private sealed class UnknownDim;

    [Fact]
    public void IdentityNodesInTheChainAndOnConstantsAreNoOps()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W0", [2, 2], 1, 2, 3, 4));
        g.Node.Add(Node("Identity", "id_w", ["W0"], "W"));   // Identity of an initializer folds
        g.Node.Add(Node("Identity", "id_in", ["x"], "x1"));  // Identity on the activations passes through
        g.Node.Add(Node("MatMul", "mm", ["x1", "W"], "m"));
        g.Node.Add(Node("Identity", "id_out", ["m"], "r"));
        g.Node.Add(Node("Relu", "relu", ["r"], "y"));
        var net = OnnxImporter.Import(Model(g));
        Assert.Equal("2→2(relu)", net.ShapeSummary());
        // z = x·W = [−1·1 + 3·3, −1·2 + 3·4]
        Assert.Equal([8f, 10f], FloatExecutor.Run(net, [-1f, 3f]));
        Assert.Equal([0f, 0f], FloatExecutor.Run(net, [1f, -1f]));
        AgreesWithOnnxRuntime(Model(g), net, [[-1f, 3f], [1f, -1f], [0.5f, 0.25f]]);
    }

    private static AttributeProto FAttr(string name, float v) => new() { Name = name, F = v, Type = AttributeProto.Types.AttributeType.Float };

    private static AttributeProto IAttr(string name, long v) => new() { Name = name, I = v, Type = AttributeProto.Types.AttributeType.Int };

    private static AttributeProto IsAttr(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    [Fact]
    public void InputNormalisationBatchNormAndScalingFoldIntoDenseLayers()
    {
        // y = Mul(BN(Gemm((x − μ)/σ)), 2) → Relu → (Sub 0.5, Div 4) → MatMul → Add; a Constant listed after its use.
        var g = new GraphProto { Name = "norm" };
        g.Input.Add(Vi("x", "N", 3));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("mu", [3], 0.5f, -1f, 2f));
        g.Initializer.Add(F("sigma", [1, 3], 2f, 4f, 0.5f));
        g.Initializer.Add(F("B", [3, 4], 1, -2, 3, 0.5f, -1, 0, 2, 1, 0.25f, 1, -1, 2));
        g.Initializer.Add(F("C", [4], 0.1f, -0.2f, 0.3f, 0f));
        g.Initializer.Add(F("s", [4], 1.5f, 0.5f, 2f, 1f));
        g.Initializer.Add(F("bb", [4], 0.1f, 0.2f, -0.3f, 0f));
        g.Initializer.Add(F("m", [4], 0.5f, -0.5f, 0f, 1f));
        g.Initializer.Add(F("v", [4], 1f, 4f, 0.25f, 2f));
        g.Initializer.Add(F("W2", [4, 2], 1, -1, 0.5f, 2, -1, 1, 2, 0));
        g.Initializer.Add(F("b2", [2], 0.5f, -0.5f));
        g.Node.Add(Node("Sub", "center", ["x", "mu"], "x1"));
        g.Node.Add(Node("Div", "scale", ["x1", "sigma"], "x2"));
        g.Node.Add(Node("Gemm", "fc1", ["x2", "B", "C"], "z"));
        g.Node.Add(Node("BatchNormalization", "bn", ["z", "s", "bb", "m", "v"], "zb", FAttr("epsilon", 1e-3f)));
        g.Node.Add(Node("Mul", "twice", ["two", "zb"], "z2"));
        g.Node.Add(Node("Relu", "relu", ["z2"], "a"));
        g.Node.Add(Node("Sub", "shift", ["a", "half"], "a1"));
        g.Node.Add(Node("Div", "quarter", ["a1", "four"], "a2"));
        g.Node.Add(Node("Dropout", "drop", ["a2"], "a3"));
        g.Node.Add(Node("Cast", "cast", ["a3"], "a4", IAttr("to", 1)));
        g.Node.Add(Node("MatMul", "fc2", ["a4", "W2"], "o"));
        g.Node.Add(Node("Add", "bias2", ["o", "b2"], "y"));
        // Constants after their use (topological order is restored)
        g.Node.Add(Node("Constant", "c2", [], "two", new AttributeProto { Name = "value_float", F = 2f, Type = AttributeProto.Types.AttributeType.Float }));
        g.Node.Add(Node("Constant", "ch", [], "half", new AttributeProto { Name = "value_float", F = 0.5f, Type = AttributeProto.Types.AttributeType.Float }));
        g.Node.Add(Node("Constant", "c4", [], "four", new AttributeProto { Name = "value_float", F = 4f, Type = AttributeProto.Types.AttributeType.Float }));
        var net = OnnxImporter.Import(Model(g), "norm.onnx");
        Assert.Equal("3→4(relu)→2", net.ShapeSummary());
        var rows = Enumerable.Range(0, 16).Select(i => new[] { i * 0.3f - 2, 1 - i * 0.2f, (i % 5) - 2f }).ToArray();
        AgreesWithOnnxRuntime(Model(g), net, rows);
        float[] mu = [0.5f, -1f, 2f], sg = [2f, 4f, 0.5f], C = [0.1f, -0.2f, 0.3f, 0f], S = [1.5f, 0.5f, 2f, 1f], BB = [0.1f, 0.2f, -0.3f, 0f], M = [0.5f, -0.5f, 0f, 1f], V = [1f, 4f, 0.25f, 2f];
        float[] Bm = [1, -2, 3, 0.5f, -1, 0, 2, 1, 0.25f, 1, -1, 2], W2 = [1, -1, 0.5f, 2, -1, 1, 2, 0], b2 = [0.5f, -0.5f];
        var rng = new Random(4);
        for (int t = 0; t < 20; t++)
        {
            float[] x = [(float)(rng.NextDouble() * 6 - 3), (float)(rng.NextDouble() * 6 - 3), (float)(rng.NextDouble() * 6 - 3)];
            var a = new double[4];
            for (int j = 0; j < 4; j++)
            {
                double z = C[j];
                for (int i = 0; i < 3; i++) z += (x[i] - mu[i]) / sg[i] * Bm[i * 4 + j];
                double zb = S[j] * (z - M[j]) / Math.Sqrt(V[j] + 1e-3) + BB[j];
                a[j] = (Math.Max(2 * zb, 0) - 0.5) / 4;
            }
            var y = FloatExecutor.Run(net, x);
            for (int k = 0; k < 2; k++)
            {
                double e = b2[k];
                for (int j = 0; j < 4; j++) e += a[j] * W2[j * 2 + k];
                Assert.Equal(e, y[k], 1e-4);
            }
        }
    }

    [Fact]
    public void SqueezeUnsqueezeAreViewsAndOpsetSevenImports()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 1, 3));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("W", [3, 2], 1, 2, 3, 4, 5, 6));
        g.Initializer.Add(F("b", [2], 1, -1));
        g.Node.Add(Node("Squeeze", "sq", ["x"], "x1", IsAttr("axes", 1)));
        g.Node.Add(Node("Unsqueeze", "usq", ["x1"], "x2", IsAttr("axes", 2)));
        g.Node.Add(Node("Squeeze", "sq2", ["x2"], "x3", IsAttr("axes", -1)));
        g.Node.Add(Node("Gemm", "fc", ["x3", "W", "b"], "y"));
        var net = OnnxImporter.Import(Model(g, 7), "sq.onnx");
        Assert.Equal(new[] { 1 + 2 * 1 + 3 * 2 + 5 * 0f, -1 + 2 * 2 + 4 * 0 + 6 * 0f }.Length, FloatExecutor.Run(net, [1f, 2f, 0f]).Length);
        Assert.Equal([1 + 1 + 2 * 3f, -1 + 2 + 2 * 4f], FloatExecutor.Run(net, [1f, 2f, 0f]));
        float[][] rows = [[1f, 2f, 0f], [-0.5f, 3f, 1.25f]];
        AgreesWithOnnxRuntime(Model(g, 11), net, rows); // axes as attributes; negative axes are ONNX from opset 11
        g.Node[2].Attribute[0].Ints[0] = 2;
        AgreesWithOnnxRuntime(Model(g, 7), OnnxImporter.Import(Model(g, 7), "sq.onnx"), rows);
        // squeezing the batch axis is refused with the node named
        g.Node[0].Attribute[0].Ints[0] = 0;
        Assert.Contains("node 'sq' (Squeeze): squeezing axis 0", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g, 7), "sq.onnx")).Message);
    }

    [Fact]
    public void NonAffineOrUnknownInputsAreRefusedClearly()
    {
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 2));
        g.Output.Add(Vi("y", "N", 2));
        g.Initializer.Add(F("k", [2], 1, 2));
        g.Initializer.Add(F("W", [2, 2], 1, 0, 0, 1));
        g.Node.Add(Node("Div", "inv", ["k", "x"], "x1"));
        g.Node.Add(Node("MatMul", "mm", ["x1", "W"], "y"));
        Assert.Contains("node 'inv' (Div): a constant divided by the activations is not affine", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "d.onnx")).Message);
        g.Node[0] = Node("Mul", "mul", ["x", "nowhere"], "x1");
        Assert.Contains("node 'mul' (Mul): input 'nowhere' is produced by no node", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "d.onnx")).Message);
        // an empty (omitted) name where a constant is required is named, not a crash
        g.Node[0] = Node("Mul", "mul", ["x", ""], "x1");
        Assert.Contains("node 'mul' (Mul): input 1 is empty; a constant (initializer or Constant) is required", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "d.onnx")).Message);
        g.Node[0] = Node("BatchNormalization", "bn", ["x", "k", "k", "", "k"], "x1");
        Assert.Contains("node 'bn' (BatchNormalization): input 3 is empty", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Model(g), "d.onnx")).Message);
    }

    public static TheoryData<string> TableActivations => new() { "LeakyRelu", "PRelu", "HardSigmoid", "Elu", "Gelu", "GeluTanh" };

    [Theory]
    [MemberData(nameof(TableActivations))]
    public void ParameterizedActivationsImportMatchTheFormulaAndQuantize(string op)
    {
        // x → Gemm(4→6) → op → Gemm(6→3) → op (a proven final activation)
        var g = new GraphProto();
        g.Input.Add(Vi("x", "N", 4));
        g.Output.Add(Vi("y", "N", 3));
        var rng = new Random(op.Length);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        g.Initializer.Add(F("W1", [4, 6], Enumerable.Range(0, 24).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("b1", [6], Enumerable.Range(0, 6).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("W2", [6, 3], Enumerable.Range(0, 18).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("b2", [3], Enumerable.Range(0, 3).Select(_ => R()).ToArray()));
        g.Initializer.Add(F("slope", [1], 0.25f));
        NodeProto Act(string input, string output, string name) => op switch
        {
            "LeakyRelu" => Node("LeakyRelu", name, [input], output, FAttr("alpha", 0.1f)),
            "PRelu" => Node("PRelu", name, [input, "slope"], output),
            "HardSigmoid" => Node("HardSigmoid", name, [input], output, FAttr("alpha", 0.3f), FAttr("beta", 0.4f)),
            "Elu" => Node("Elu", name, [input], output, FAttr("alpha", 0.7f)),
            "Gelu" => Node("Gelu", name, [input], output),
            _ => Node("Gelu", name, [input], output, new AttributeProto { Name = "approximate", S = Google.Protobuf.ByteString.CopyFromUtf8("tanh"), Type = AttributeProto.Types.AttributeType.String }),
        };
        g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z1"));
        g.Node.Add(Act("z1", "a1", "act1"));
        g.Node.Add(Node("Gemm", "fc2", ["a1", "W2", "b2"], "z2"));
        g.Node.Add(Act("z2", "y", "act2"));
        var net = OnnxImporter.Import(Model(g, 20), "act.onnx");
        double Ref(double x) => op switch
        {
            "LeakyRelu" => x >= 0 ? x : 0.1 * x,
            "PRelu" => x >= 0 ? x : 0.25 * x,
            "HardSigmoid" => Math.Clamp(0.3 * x + 0.4, 0, 1),
            "Elu" => x > 0 ? x : 0.7 * (Math.Exp(x) - 1),
            "Gelu" => x * 0.5 * (1 + ErfRef(x / Math.Sqrt(2))),
            _ => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        };
        var samples = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 4).Select(_ => R() * 2).ToArray()).ToArray();
        var l1 = net.Layers[0]; var l2 = net.Layers[1];
        foreach (var x in samples)
        {
            var a = new double[6];
            for (int j = 0; j < 6; j++) { double z = l1.Bias[j]; for (int i = 0; i < 4; i++) z += x[i] * l1.Weight(i, j); a[j] = Ref(z); }
            var y = FloatExecutor.Run(net, x);
            for (int k = 0; k < 3; k++) { double z = l2.Bias[k]; for (int j = 0; j < 6; j++) z += a[j] * l2.Weight(j, k); Assert.InRange(Math.Abs(Ref(z) - y[k]), 0, 1e-4 * Math.Max(1, Math.Abs(Ref(z)))); }
        }
        AgreesWithOnnxRuntime(Model(g, 20), net, samples);
        var c = CircuitCompiler.Compile(net, samples);
        Assert.True(c.ProvesOutputActivation);
        var report = AccuracyReport.Measure(net, c, samples);
        Assert.True(report.MaxAbsError <= 0.05 * Math.Max(0.1, report.MaxAbsOutput), $"{op}: int8 max error {report.MaxAbsError} of max output {report.MaxAbsOutput}");
        // round trip through the circuit file
        Assert.Equal(c.DigestHex, CircuitFile.FromBytes(CircuitFile.ToBytes(c)).DigestHex);
    }

    /// <summary>The float executor of the imported network against ONNX Runtime running the original graph.</summary>
    private static void AgreesWithOnnxRuntime(byte[] onnx, Network net, float[][] rows)
    {
        string path = Path.Combine(Path.GetTempPath(), $"zkml-ort-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, onnx);
        try
        {
            using var ort = ZkMl.Compiler.Reference.OnnxRuntimeReference.Load(path);
            var want = ort.Run(rows);
            var got = FloatExecutor.Run(net, rows);
            for (int r = 0; r < rows.Length; r++)
                for (int j = 0; j < got[r].Length; j++)
                    Assert.True(Math.Abs(got[r][j] - want[r][j]) <= 1e-4 * Math.Max(1, Math.Abs(want[r][j])), $"row {r}[{j}]: float executor {got[r][j]} vs ONNX Runtime {want[r][j]}");
        }
        finally { File.Delete(path); }
    }

    /// <summary>erf by the Abramowitz–Stegun 7.1.26 formula (|error| ≤ 1.5e-7), independent of the importer's.</summary>
    private static double ErfRef(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return Math.Sign(x) * y;
    }
}
