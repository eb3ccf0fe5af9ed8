using Google.Protobuf;
using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;

namespace ZkMl.Compiler.Tests;

/// <summary>
/// Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization after Conv: ONNX graphs built here, run by ONNX
/// Runtime (the reference nobody here wrote), by ZkMl's float import (float tolerance) and by the integer executor of
/// the compiled circuit (quantization error); odd sizes, padding, stride 2, channels &gt; 1, batch &gt; 1.
/// </summary>
public class ConvTests(ITestOutputHelper output)
{
    // ---- a small ONNX graph builder -------------------------------------------------------------------------

    private sealed class G
    {
        public readonly GraphProto Graph = new() { Name = "conv-test" };
        private readonly Random rng;
        private int next;
        public string Flow = "x";
        public G(int seed, int c, int h, int w)
        {
            rng = new Random(seed);
            Graph.Input.Add(Vi("x", "N", c, h, w));
        }

        private float[] Rand(long n, double scale) => Enumerable.Range(0, (int)n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();

        public string Const(long[] dims, float[] v)
        {
            string name = $"c{next++}";
            var t = new TensorProto { Name = name, DataType = 1 };
            t.Dims.AddRange(dims);
            t.FloatData.AddRange(v);
            Graph.Initializer.Add(t);
            return name;
        }

        public G Op(string op, string[] extra, params AttributeProto[] attrs)
        {
            string o = $"t{next++}";
            var n = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}{next}" };
            n.Input.Add(Flow);
            n.Input.AddRange(extra);
            n.Output.Add(o);
            n.Attribute.AddRange(attrs);
            Graph.Node.Add(n);
            Flow = o;
            return this;
        }

        public G Conv(int cin, int cout, int kh, int kw, bool bias = true, params AttributeProto[] attrs)
        {
            var w = Const([cout, cin, kh, kw], Rand((long)cout * cin * kh * kw, 1.0 / Math.Sqrt(cin * kh * kw)));
            return bias ? Op("Conv", [w, Const([cout], Rand(cout, 0.2))], attrs) : Op("Conv", [w], attrs);
        }

        public G BatchNorm(int c) => Op("BatchNormalization", [Const([c], Rand(c, 1).Select(v => 1 + v / 2).ToArray()), Const([c], Rand(c, 0.3)),
            Const([c], Rand(c, 0.3)), Const([c], Rand(c, 1).Select(v => 0.5f + Math.Abs(v)).ToArray())]);

        public G Flatten() => Op("Flatten", [], Int("axis", 1));

        public G Reshape(params long[] shape)
        {
            string name = $"c{next++}";
            var t = new TensorProto { Name = name, DataType = 7 };
            t.Dims.Add(shape.Length);
            t.Int64Data.AddRange(shape);
            Graph.Initializer.Add(t);
            return Op("Reshape", [name]);
        }

        public G Gemm(int ins, int outs) => Op("Gemm", [Const([ins, outs], Rand((long)ins * outs, 1.0 / Math.Sqrt(ins))), Const([outs], Rand(outs, 0.1))]);

        public byte[] Bytes(params object[] outDims)
        {
            Graph.Output.Add(Vi(Flow, ["N", .. outDims]));
            var m = new ModelProto { IrVersion = 8, Graph = Graph };
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            return m.ToByteArray();
        }
    }

    private static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    private static AttributeProto Int(string name, long v) => new() { Name = name, I = v, Type = AttributeProto.Types.AttributeType.Int };

    private static AttributeProto Str(string name, string v) => new() { Name = name, S = ByteString.CopyFromUtf8(v), Type = AttributeProto.Types.AttributeType.String };

    private static ValueInfoProto Vi(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static float[][] Rows(int seed, int count, int width, bool nonNegative = false)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, width).Select(_ => (float)(nonNegative ? rng.NextDouble() : rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    // ---- the cases: every op and attribute combination -------------------------------------------------------

    public static TheoryData<string> Cases => new(CaseModels.Keys);

    private static readonly Dictionary<string, Func<(byte[] Model, int InputSize)>> CaseModels = new()
    {
        // conv as the output layer (public Z = the convolution), odd sizes, channels > 1
        ["conv-output-odd"] = () => (new G(1, 2, 5, 7).Conv(2, 3, 3, 3).Bytes(3, 3, 5), 2 * 5 * 7),
        // pads 1 and stride 2, relu, then dense
        ["conv-pad-stride2-relu-dense"] = () => (new G(2, 2, 7, 6).Conv(2, 3, 3, 3, true, Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2)).Op("Relu", []).Flatten().Gemm(3 * 4 * 3, 4).Bytes(4), 2 * 7 * 6),
        // asymmetric pads and strides, sigmoid, max pool 3×3 stride 2 pads 1, dense
        ["conv-asym-sigmoid-maxpool-pad"] = () => (new G(3, 3, 6, 5).Conv(3, 4, 2, 2, true, Ints("pads", 0, 1, 1, 0), Ints("strides", 2, 1)).Op("Sigmoid", [])
            .Op("MaxPool", [], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)).Flatten().Gemm(4 * 2 * 3, 3).Bytes(3), 3 * 6 * 5),
        // no conv bias, BatchNormalization folded, tanh, average pool 2×2 stride 2, dense
        ["conv-nobias-bn-tanh-avgpool"] = () => (new G(4, 1, 9, 9).Conv(1, 2, 3, 3, false).BatchNorm(2).Op("Tanh", [])
            .Op("AveragePool", [], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)).Flatten().Gemm(2 * 3 * 3, 5).Bytes(5), 81),
        // leaky relu, padded average pool (count_include_pad = 1), global average pool as the last layer
        ["conv-leaky-avgpool-pad-gap"] = () => (new G(5, 2, 5, 5).Conv(2, 3, 3, 3).Op("LeakyRelu", [], new AttributeProto { Name = "alpha", F = 0.1f, Type = AttributeProto.Types.AttributeType.Float })
            .Op("AveragePool", [], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 1)).Op("GlobalAveragePool", []).Flatten().Bytes(3), 50),
        // PyTorch's relu(max_pool(conv)): the relu moves before the max pool; a second conv with auto_pad SAME_UPPER; GAP → dense
        ["conv-maxpool-relu-same-gap-dense"] = () => (new G(6, 1, 8, 8).Conv(1, 3, 3, 3).Op("MaxPool", [], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)).Op("Relu", [])
            .Conv(3, 4, 2, 2, true, Str("auto_pad", "SAME_UPPER")).Op("Relu", []).Op("GlobalAveragePool", []).Flatten().Gemm(4, 3).Bytes(3), 64),
        // a max pool as the output layer (public outputs [C, H, W]); SAME_LOWER with stride 2 and an even kernel
        ["conv-same-lower-stride2-maxpool-output"] = () => (new G(7, 2, 7, 7).Conv(2, 2, 2, 2, true, Str("auto_pad", "SAME_LOWER"), Ints("strides", 2, 2)).Op("Relu", [])
            .Op("MaxPool", [], Ints("kernel_shape", 2, 2)).Bytes(2, 3, 3), 98),
        // input normalisation (x − 0.1307) / 0.3081 and a per-channel scale (given per feature) before an unpadded conv: folded into its kernel and bias
        ["normalise-then-conv"] = () =>
        {
            var g = new G(9, 2, 6, 6);
            g.Op("Sub", [g.Const([], [0.1307f])]).Op("Div", [g.Const([], [0.3081f])]).Op("Mul", [g.Const([2, 6, 6], [.. Enumerable.Repeat(0.5f, 36), .. Enumerable.Repeat(2f, 36)])]);
            return (g.Conv(2, 3, 3, 3).Op("Relu", []).Flatten().Gemm(3 * 4 * 4, 2).Bytes(2), 72);
        },
        // pooling first (on the input), then conv with VALID, then Reshape into dense
        ["maxpool-first-conv-valid-reshape"] = () => (new G(8, 1, 6, 6).Op("MaxPool", [], Ints("kernel_shape", 2, 2), Ints("strides", 1, 1)).Conv(1, 2, 3, 3, true, Str("auto_pad", "VALID"))
            .Op("Relu", []).Reshape(-1, 18).Gemm(18, 2).Bytes(2), 36),
        // per-channel PRelu (slopes −0.5, 0, 2.5 as [C, 1, 1]) between two padded convs: the first conv doubled to 6 channels,
        // the second reads [K, −s·K] over them; then relu, dense
        ["conv-prelu-conv-dense"] = () =>
        {
            var g = new G(10, 2, 7, 7).Conv(2, 3, 3, 3, true, Ints("pads", 1, 1, 1, 1));
            g.Op("PRelu", [g.Const([3, 1, 1], [-0.5f, 0f, 2.5f])]);
            return (g.Conv(3, 2, 3, 3, true, Ints("pads", 1, 1, 1, 1)).Op("Relu", []).Flatten().Gemm(2 * 7 * 7, 3).Bytes(3), 98);
        },
        // per-channel PRelu (slopes given as [1, C, 1, 1]) → average pool of the doubled channels → GAP → dense recombines
        ["conv-prelu-avgpool-gap-dense"] = () =>
        {
            var g = new G(11, 1, 8, 8).Conv(1, 4, 3, 3);
            g.Op("PRelu", [g.Const([1, 4, 1, 1], [0.1f, 1.5f, -0.3f, 0.7f])]);
            return (g.Op("AveragePool", [], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)).Op("GlobalAveragePool", []).Flatten().Gemm(4, 3).Bytes(3), 64);
        },
        // per-channel PRelu as the last op after a conv: an identity-like dense layer [I; −diag(s)] recombines (outputs [C, H, W])
        ["conv-prelu-output"] = () =>
        {
            var g = new G(12, 2, 5, 5).Conv(2, 2, 3, 3);
            return (g.Op("PRelu", [g.Const([2, 1, 1], [0.25f, -2f])]).Bytes(2, 3, 3), 50);
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatImportMatchesOnnxRuntime(string name)
    {
        var (bytes, width) = Model(name);
        var net = OnnxImporter.Import(bytes, name);
        using var ort = OnnxRuntimeReference.FromBytes(bytes, name);
        var rows = Rows(100, 5, width);
        var want = ort.Run(rows);
        var got = FloatExecutor.Run(net, rows);
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal(want[r].Length, got[r].Length);
            for (int j = 0; j < got[r].Length; j++)
                Assert.True(Math.Abs(got[r][j] - want[r][j]) <= 1e-4 * Math.Max(1, Math.Abs(want[r][j])), $"{name}[{r}][{j}]: float import {got[r][j]} vs ONNX Runtime {want[r][j]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IntegerExecutorMatchesOnnxRuntimeWithinQuantizationError(string name)
    {
        var (bytes, width) = Model(name);
        var net = OnnxImporter.Import(bytes, name);
        var calibration = Rows(200, 64, width);
        var circuit = CircuitCompiler.Compile(net, calibration);
        Assert.True(circuit.HasSpatialLayers);
        using var ort = OnnxRuntimeReference.FromBytes(bytes, name);
        var rows = Rows(300, 7, width); // batch 7: padded to 8, one zero row
        var want = ort.Run(rows);
        var wit = IntegerExecutor.Run(circuit, rows);
        double range = want.SelectMany(r => r).Max(v => Math.Abs(v)), maxErr = 0, sumErr = 0;
        int count = 0;
        for (int r = 0; r < rows.Length; r++)
            for (int j = 0; j < want[r].Length; j++)
            {
                double e = Math.Abs(wit.DequantizedOutputs[r][j] - want[r][j]);
                maxErr = Math.Max(maxErr, e);
                sumErr += e;
                count++;
            }
        output.WriteLine($"{name}: {net.ShapeSummary()}; max |y| {range:G4}, max |error| {maxErr:G4}, mean {sumErr / count:G4}, output scale {circuit.OutputScale:G4}");
        // int8 weights and activations: a few percent of the output range per layer.
        Assert.True(maxErr <= 0.04 * range + 2 * circuit.OutputScale, $"{name}: max |error| {maxErr} vs the range {range}");
        Assert.True(sumErr / count <= 0.01 * range + circuit.OutputScale, $"{name}: mean |error| {sumErr / count} vs the range {range}");
        // The one-sample path gives the same public outputs as the batch witness.
        for (int r = 0; r < rows.Length; r++)
        {
            var y = IntegerExecutor.Infer(circuit, circuit.QuantizeInput(rows[r]));
            for (int j = 0; j < y.Length; j++) Assert.Equal(wit.Output[(long)r * wit.Layers[^1].Cols + circuit.OutputIndex(j)], y[j]);
        }
    }

    private static (byte[], int) Model(string name) => CaseModels[name]();

    [Theory]
    [MemberData(nameof(Cases))]
    public void WitnessSatisfiesTheRelationsOnEveryPaddedEntry(string name)
    {
        var (bytes, width) = Model(name);
        var net = OnnxImporter.Import(bytes, name);
        var circuit = CircuitCompiler.Compile(net, Rows(200, 32, width));
        var wit = IntegerExecutor.Run(circuit, Rows(400, 3, width));
        Assert.Equal(4, wit.PaddedBatchSize);
        for (int l = 0; l < circuit.Layers.Count; l++)
        {
            var cl = circuit.Layers[l];
            var lw = wit.Layers[l];
            Assert.Equal(cl.PaddedOutputSize, lw.Cols);
            var shape = cl.OutputShape;
            var real = new HashSet<int>(Enumerable.Range(0, cl.OutputSize).Select(j => Circuit.PaddedIndex(shape, j)));
            for (int r = 0; r < lw.Rows; r++)
                for (int e = 0; e < lw.Cols; e++)
                {
                    long z = lw.Z[(long)r * lw.Cols + e];
                    if (!real.Contains(e)) Assert.Equal(0, z); // padded positions and channels: Z = 0
                    if (lw.Q == null) continue;
                    long q = lw.Q[(long)r * lw.Cols + e];
                    Int128 lhs = (Int128)z * cl.Multiplier + (Int128.One << (cl.Shift - 1)), rhs = (Int128)q << cl.Shift;
                    for (int i = 0; i < lw.RemainderLimbs!.Length; i++)
                    {
                        long limb = lw.RemainderLimbs[i][(long)r * lw.Cols + e];
                        Assert.InRange(limb, 0, (1L << circuit.LimbBits) - 1);
                        rhs += (Int128)limb << (i * circuit.LimbBits);
                    }
                    Assert.Equal(lhs, rhs);
                    Assert.Equal(cl.Table!.Lookup(q), lw.A![(long)r * lw.Cols + e]);
                }
        }
    }

    [Fact]
    public void ConvCircuitRoundTripsAsVersion2AndDenseCircuitsStayVersion1()
    {
        var (bytes, width) = Model("conv-asym-sigmoid-maxpool-pad");
        var circuit = CircuitCompiler.Compile(OnnxImporter.Import(bytes, "m"), Rows(1, 16, width));
        var file = CircuitFile.ToBytes(circuit);
        Assert.Equal(2u, BitConverter.ToUInt32(file, 8));
        var back = CircuitFile.FromBytes(file, "c.zkc");
        Assert.Equal(circuit.DigestHex, back.DigestHex);
        Assert.Equal(circuit.Layers.Select(l => (l.Kind, l.Geometry)), back.Layers.Select(l => (l.Kind, l.Geometry)));
        var rows = Rows(2, 3, width);
        Assert.Equal(IntegerExecutor.Run(circuit, rows).Output, IntegerExecutor.Run(back, rows).Output);
        // The conv layer stores its kernel [C_out, C_in, kH, kW], not an im2col matrix.
        Assert.Equal(4 * 3 * 2 * 2, circuit.Layers[0].Weights.Length);

        var dense = CircuitCompiler.Compile(TestNets.Tiny(), TestNets.Samples(new Random(3), 8, TestNets.Tiny().InputSize));
        Assert.Equal(1u, BitConverter.ToUInt32(CircuitFile.ToBytes(dense), 8));

        var future = (byte[])file.Clone();
        BitConverter.GetBytes(4u).CopyTo(future, 8);
        Assert.Contains("circuit format version 4, this build reads versions 1–3", Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(future, "c.zkc")).Message);
    }

    [Fact]
    public void TamperedConvKernelIsRefusedByTheBoundCheck()
    {
        var (bytes, width) = Model("conv-pad-stride2-relu-dense");
        var circuit = CircuitCompiler.Compile(OnnxImporter.Import(bytes, "m"), Rows(1, 16, width));
        var file = CircuitFile.ToBytes(circuit);
        // Find the first kernel entry in the content and change it, then fix the digest: the re-derived bounds differ.
        var l0 = circuit.Layers[0];
        var needle = l0.Weights.ToArray().Take(4).SelectMany(BitConverter.GetBytes).ToArray();
        int at = file.AsSpan(20).IndexOf(needle) + 20;
        Assert.True(at >= 20);
        long v = BitConverter.ToInt64(file, at);
        Assert.NotEqual(0, v);
        BitConverter.GetBytes(v > 0 ? v - 1 : v + 1).CopyTo(file, at); // |K| changes, so do the channel's bounds
        int len = (int)BitConverter.ToUInt64(file, 12);
        System.Security.Cryptography.SHA256.HashData(file.AsSpan(20, len)).CopyTo(file, 20 + len);
        var e = Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(file, "c.zkc"));
        Assert.Contains("stored Z bounds of channel", e.Message);
    }

    // ---- refusals: the node, the attribute and what is expected ---------------------------------------------

    public static TheoryData<string, string> Refusals => new()
    {
        { "dilations", "attribute 'dilations' = [2, 2]; expected all 1" },
        { "group", "attribute 'group' = 2; expected 1" },
        { "conv1d", "has rank 3, expected 4 [C_out, C_in, kH, kW]" },
        { "channels", "has 2 input channels, the input has 1" },
        { "unknown-attr", "attribute 'foo' is not supported" },
        { "ceil", "attribute 'ceil_mode' = 1; expected 0" },
        { "count-include-pad", "attribute 'count_include_pad' = 0 with pads [1, 1, 1, 1]" },
        { "indices", "the Indices output 'idx' is used" },
        { "flat-input", "Conv needs 2-D images [batch, C, H, W]" },
        { "pad-too-large", "must be smaller than the kernel" },
        { "auto-pad", "attribute 'auto_pad' = 'WRAP'" },
        { "bn-after-pool", "right after the pooling layer" },
        { "offset-before-padded-conv", "an offset (Add/Sub/BatchNormalization) before a padded Conv does not fold" },
        { "prelu-maxpool", "a max does not commute with that recombination" },
        { "prelu-slopes-within-channel", "the slopes differ within channel 0 (0.1 and 0.2); the Conv 'conv" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void UnsupportedAttributesAreRefusedNamingTheNode(string which, string expected)
    {
        byte[] bytes = which switch
        {
            "dilations" => new G(1, 1, 6, 6).Conv(1, 2, 3, 3, true, Ints("dilations", 2, 2)).Bytes(2, 2, 2),
            "group" => new G(1, 2, 6, 6).Conv(1, 2, 3, 3, true, Int("group", 2)).Bytes(2, 4, 4),
            "conv1d" => Conv1d(),
            "channels" => new G(1, 1, 6, 6).Conv(2, 2, 3, 3).Bytes(2, 4, 4),
            "unknown-attr" => new G(1, 1, 6, 6).Conv(1, 2, 3, 3, true, Int("foo", 1)).Bytes(2, 4, 4),
            "ceil" => new G(1, 1, 6, 6).Op("MaxPool", [], Ints("kernel_shape", 2, 2), Int("ceil_mode", 1)).Bytes(1, 5, 5),
            "count-include-pad" => new G(1, 1, 6, 6).Op("AveragePool", [], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)).Bytes(1, 6, 6),
            "indices" => Indices(),
            "flat-input" => FlatConv(),
            "pad-too-large" => new G(1, 1, 6, 6).Conv(1, 1, 2, 2, true, Ints("pads", 2, 2, 2, 2)).Bytes(1, 9, 9),
            "auto-pad" => new G(1, 1, 6, 6).Conv(1, 1, 2, 2, true, Str("auto_pad", "WRAP")).Bytes(1, 5, 5),
            "bn-after-pool" => new G(1, 1, 6, 6).Conv(1, 2, 3, 3).Op("AveragePool", [], Ints("kernel_shape", 2, 2)).BatchNorm(2).Bytes(2, 3, 3),
            "offset-before-padded-conv" => OffsetThenPaddedConv(),
            "prelu-maxpool" => PReluThen(new G(1, 1, 6, 6).Conv(1, 2, 3, 3), [2, 1, 1], [0.1f, 0.2f]).Op("MaxPool", [], Ints("kernel_shape", 2, 2)).Bytes(2, 3, 3),
            "prelu-slopes-within-channel" => PReluThen(new G(1, 1, 6, 6).Conv(1, 1, 3, 3), [1, 4, 4], [.. Enumerable.Range(1, 16).Select(i => i / 10f)]).Conv(1, 1, 3, 3).Bytes(1, 2, 2),
            _ => throw new ArgumentException(which),
        };
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(bytes, "bad.onnx"));
        output.WriteLine(e.Message);
        Assert.StartsWith("bad.onnx: ", e.Message);
        Assert.Contains(expected, e.Message);
        if (which is not ("bn-after-pool" or "pad-too-large")) Assert.Matches("node '[a-z]+[0-9]+' \\((Conv|MaxPool|AveragePool|PRelu)\\)", e.Message);

        static G PReluThen(G g, long[] dims, float[] slopes) => g.Op("PRelu", [g.Const(dims, slopes)]);
        static byte[] OffsetThenPaddedConv()
        {
            var g = new G(1, 1, 6, 6);
            g.Op("Sub", [g.Const([], [0.5f])]);
            return g.Conv(1, 1, 3, 3, true, Ints("pads", 1, 1, 1, 1)).Bytes(1, 6, 6);
        }
        static byte[] Conv1d()
        {
            var g = new G(1, 1, 6, 6);
            string w = g.Const([2, 1, 3], new float[6]);
            return g.Op("Conv", [w]).Bytes(2, 4);
        }
        static byte[] Indices()
        {
            var g = new G(1, 1, 6, 6);
            g.Op("MaxPool", [], Ints("kernel_shape", 2, 2));
            g.Graph.Node[^1].Output.Add("idx");
            g.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "use", Input = { "idx" }, Output = { "idx2" } });
            return g.Bytes(1, 5, 5);
        }
        static byte[] FlatConv()
        {
            var g = new GraphProto { Name = "flat" };
            g.Input.Add(Vi("x", "N", 36));
            var t = new TensorProto { Name = "w", DataType = 1 };
            t.Dims.AddRange([1, 1, 3, 3]);
            t.FloatData.AddRange(new float[9]);
            g.Initializer.Add(t);
            g.Node.Add(new NodeProto { OpType = "Conv", Name = "conv1", Input = { "x", "w" }, Output = { "y" } });
            g.Output.Add(Vi("y", "N", 1, 4, 4));
            var m = new ModelProto { IrVersion = 8, Graph = g };
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            return m.ToByteArray();
        }
    }

    [Fact]
    public void ExporterWritesConvNetworksThatOnnxRuntimeRunsAlike()
    {
        var (bytes, width) = Model("conv-maxpool-relu-same-gap-dense");
        var net = OnnxImporter.Import(bytes, "m");
        var again = OnnxExporter.Export(net);
        var back = OnnxImporter.Import(again, "again");
        Assert.Equal(net.ShapeSummary(), back.ShapeSummary());
        using var ort = OnnxRuntimeReference.FromBytes(again, "again");
        var rows = Rows(9, 4, width);
        var want = ort.Run(rows);
        var got = FloatExecutor.Run(net, rows);
        for (int r = 0; r < rows.Length; r++)
            for (int j = 0; j < got[r].Length; j++)
                Assert.True(Math.Abs(got[r][j] - want[r][j]) <= 1e-4 * Math.Max(1, Math.Abs(want[r][j])));
        Assert.Throws<ModelFormatException>(() => ModelJson.Serialize(net));
    }
}
