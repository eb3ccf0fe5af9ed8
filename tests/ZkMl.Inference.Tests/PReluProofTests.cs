using Google.Protobuf;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>
/// A dense network with per-channel PRelu (slopes of both signs, 0 and &gt; 1) between its layers and at its end, built
/// here as ONNX: compiled (relu(z) − s·relu(−z) over doubled layers), proven, verified, and the proven outputs compared
/// with ONNX Runtime running the original graph; a changed output is rejected.
/// </summary>
public class PReluProofTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>x[7] → Gemm(7→8) → PRelu(8 slopes) → Gemm(8→4) → PRelu([1, 4] slopes): the final PRelu's values are the outputs.</summary>
    private static byte[] Model()
    {
        var rng = new Random(16);
        TensorProto F(string name, long[] dims, float[] v)
        {
            var t = new TensorProto { Name = name, DataType = 1 };
            t.Dims.AddRange(dims);
            t.FloatData.AddRange(v);
            return t;
        }
        float[] R(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        NodeProto Node(string op, string name, string[] ins, string output)
        {
            var n = new NodeProto { OpType = op, Name = name };
            n.Input.AddRange(ins);
            n.Output.Add(output);
            return n;
        }
        ValueInfoProto Vi(string name, long width) => new()
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" }, new TensorShapeProto.Types.Dimension { DimValue = width } } } } },
        };
        var g = new GraphProto { Name = "prelu-mlp" };
        g.Input.Add(Vi("x", 7));
        g.Output.Add(Vi("y", 4));
        g.Initializer.Add(F("W1", [7, 8], R(56, 0.6)));
        g.Initializer.Add(F("b1", [8], R(8, 0.2)));
        g.Initializer.Add(F("s1", [8], [-0.5f, 0f, 0.25f, 1f, 2.5f, -1.3f, 0.01f, 0.6f]));
        g.Initializer.Add(F("W2", [8, 4], R(32, 0.6)));
        g.Initializer.Add(F("b2", [4], R(4, 0.2)));
        g.Initializer.Add(F("s2", [1, 4], [0.2f, 0f, 1.7f, -0.4f]));
        g.Node.Add(Node("Gemm", "fc1", ["x", "W1", "b1"], "z1"));
        g.Node.Add(Node("PRelu", "prelu1", ["z1", "s1"], "a1"));
        g.Node.Add(Node("Gemm", "fc2", ["a1", "W2", "b2"], "z2"));
        g.Node.Add(Node("PRelu", "prelu2", ["z2", "s2"], "y"));
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 16 });
        return m.ToByteArray();
    }

    private static readonly Lazy<(Network Net, Circuit C, ProvingKey Pk, VerifyingKey Vk, float[][] Rows, float[][] Ort)> Fixture = new(() =>
    {
        var bytes = Model();
        var net = OnnxImporter.Import(bytes, "prelu-mlp.onnx");
        var rows = InferenceFixtures.Samples(161, 24, 7).Select(r => r.Select(v => 2 * v).ToArray()).ToArray();
        var c = CircuitCompiler.Compile(net, rows);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 32);
        using var ort = OnnxRuntimeReference.FromBytes(bytes, "prelu-mlp.onnx");
        return (net, c, pk, vk, rows, ort.Run(rows));
    });

    [Fact]
    public void Per_channel_PRelu_network_proves_verifies_and_matches_onnxruntime()
    {
        var (net, c, pk, vk, rows, want) = Fixture.Value;
        Assert.Equal("7→16(relu)→8(relu)→4", net.ShapeSummary());
        var proof = InferenceProver.Prove(pk, rows);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        var io = proof.DecodePublicIO(vk);
        double range = want.SelectMany(v => v).Max(Math.Abs), maxErr = 0;
        for (int b = 0; b < rows.Length; b++)
        {
            var y = c.DequantizeOutput(io.OutputRow(b));
            for (int j = 0; j < y.Length; j++) maxErr = Math.Max(maxErr, Math.Abs(y[j] - want[b][j]));
        }
        output.WriteLine($"{net.ShapeSummary()}: batch {rows.Length}, proven outputs vs ONNX Runtime: max |error| {maxErr:G3} of range {range:G3}");
        Assert.True(maxErr <= 0.05 * range, $"proven outputs differ from ONNX Runtime by {maxErr} (range {range})");
        Assert.Contains(want.SelectMany(v => v), v => v < 0); // the negative slopes are exercised, not only a relu
    }

    [Fact]
    public void Changed_output_of_the_recombined_PRelu_is_rejected()
    {
        var (_, _, pk, vk, rows, _) = Fixture.Value;
        var proof = InferenceProver.Prove(pk, rows.Take(3).ToArray());
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var io = proof.DecodePublicIO(vk);
        for (int k = 0; k < vk.OutputSize; k++)
        {
            var y = io.Outputs.ToArray();
            y[k] += 1;
            var bad = InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, 3, io.Inputs, y).Words, proof.ProofBytes, proof.Flags);
            Assert.False(InferenceVerifier.Verify(vk, bad).IsValid, $"output {k} changed and accepted");
        }
    }
}
