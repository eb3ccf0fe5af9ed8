using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Compiler.Tests;

/// <summary>The zero-knowledge flags of a circuit (docs/zk-design.md §11 step 7; docs/circuit-format.md version 3).</summary>
public class ZkCircuitTests
{
    private static readonly ZkSettings[] Modes =
        [ZkSettings.PublicInputs, ZkSettings.PrivateInputs(rangeCheck: true), ZkSettings.PrivateInputs(rangeCheck: false)];

    private static Circuit Tiny(ZkSettings zk) => CircuitCompiler.Compile(TestNets.Tiny(), TestNets.TinyInputs(), new CompileOptions { Zk = zk });

    [Fact]
    public void Flags_round_trip_through_a_version_3_file()
    {
        foreach (var zk in Modes)
        {
            var c = Tiny(zk);
            var bytes = CircuitFile.ToBytes(c);
            Assert.Equal(CircuitFile.ZkFormatVersion, BitConverter.ToUInt32(bytes, 8));
            var back = CircuitFile.FromBytes(bytes);
            Assert.Equal(zk, back.Zk);
            Assert.Equal(c.Digest, back.Digest);
            Assert.Equal(c.PublicDigest, back.PublicDigest);
            Assert.Equal(bytes, CircuitFile.ToBytes(back));
            // The flags are the first three content bytes (after magic, version and length).
            Assert.Equal([1, (byte)zk.Inputs, (byte)(zk.InputRangeCheck ? 1 : 0)], bytes[20..23]);
        }
    }

    [Fact]
    public void Default_circuit_is_still_version_1_without_flags()
    {
        var c = Tiny(ZkSettings.None);
        var bytes = CircuitFile.ToBytes(c);
        Assert.Equal(CircuitFile.DenseFormatVersion, BitConverter.ToUInt32(bytes, 8));
        var back = CircuitFile.FromBytes(bytes);
        Assert.Equal(ZkSettings.None, back.Zk);
        Assert.Equal(bytes, CircuitFile.ToBytes(back));
        // The flags change the circuit and both digests: a ZK circuit is never the default one.
        var z = Tiny(ZkSettings.PublicInputs);
        Assert.NotEqual(c.Digest, z.Digest);
        Assert.NotEqual(c.PublicDigest, z.PublicDigest);
        Assert.NotEqual(Tiny(ZkSettings.PrivateInputs()).PublicDigest, Tiny(ZkSettings.PrivateInputs(false)).PublicDigest);
        Assert.NotEqual(Tiny(ZkSettings.PrivateInputs()).PublicDigest, z.PublicDigest);
    }

    [Fact]
    public void Old_version_1_and_2_files_load_unchanged()
    {
        // A version-1 file written by this build is what earlier builds wrote (ProofGoldenTests pins the default proof,
        // which absorbs the circuit digest); a version-2 (conv) file keeps its layout and loads without flags.
        var dense = CircuitFile.ToBytes(Tiny(ZkSettings.None));
        Assert.Equal(dense, CircuitFile.ToBytes(CircuitFile.FromBytes(dense)));
        var conv = CircuitCompiler.Compile(ConvNet(), TestNets.Samples(new Random(5), 4, 16));
        var convBytes = CircuitFile.ToBytes(conv);
        Assert.Equal(CircuitFile.FormatVersion, BitConverter.ToUInt32(convBytes, 8));
        var back = CircuitFile.FromBytes(convBytes);
        Assert.Equal(ZkSettings.None, back.Zk);
        Assert.Equal(convBytes, CircuitFile.ToBytes(back));
    }

    private static Network ConvNet()
    {
        var rng = new Random(3);
        var k = Enumerable.Range(0, 2 * 1 * 3 * 3).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var geo = new Conv2dGeometry(1, 4, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1);
        var conv = new ConvLayer(geo, k, [0.1f, -0.1f], Activation.Relu);
        var dense = new DenseLayer(32, 3, Enumerable.Range(0, 96).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), new float[3], Activation.None);
        return Network.FromStages([conv, dense], "conv");
    }

    [Fact]
    public void Conv_layers_with_zk_are_refused_at_compile()
    {
        var e = Assert.Throws<CompileException>(() => CircuitCompiler.Compile(ConvNet(), TestNets.Samples(new Random(5), 4, 16), new CompileOptions { Zk = ZkSettings.PublicInputs }));
        Assert.Contains("not yet supported: --zk with conv layers", e.Message);
    }

    /// <summary>
    /// Two models differing only in the order of two input rows of W₀ that the calibration data never reads (those input
    /// columns are 0, docs/zk-design.md §10.5): every scale, constant and bound is equal (the bounds are sums over the
    /// rows), the weights are not.
    /// </summary>
    [Fact]
    public void Public_digest_excludes_the_weight_tensors()
    {
        var rng = new Random(11);
        var net = TestNets.Random(rng, [6, 5, 3], [Activation.Relu, Activation.None]);
        const int i = 1, j = 4, m = 5;
        var data = TestNets.Samples(new Random(12), 20, 6);
        foreach (var x in data) { x[i] = 0; x[j] = 0; }
        var l0 = (DenseLayer)net.Stages[0];
        var w = l0.Weights.ToArray();
        for (int c = 0; c < m; c++) (w[i * m + c], w[j * m + c]) = (w[j * m + c], w[i * m + c]);
        var swapped = new Network([new DenseLayer(6, 5, w, l0.Bias.ToArray(), l0.Activation), net.Layers[1]], "random");
        foreach (var zk in Modes)
        {
            var a = CircuitCompiler.Compile(net, data, new CompileOptions { Zk = zk });
            var b = CircuitCompiler.Compile(swapped, data, new CompileOptions { Zk = zk });
            Assert.False(a.Layers[0].Weights.SequenceEqual(b.Layers[0].Weights)); // the models differ
            Assert.NotEqual(a.Digest, b.Digest);
            Assert.Equal(a.PublicDigest, b.PublicDigest);
        }
        // The public digest does see the constants: larger weights give another scale and multiplier.
        var scaled = CircuitCompiler.Compile(TestNets.Random(new Random(11), [6, 5, 3], [Activation.Relu, Activation.None], weightScale: 3f), data, new CompileOptions { Zk = ZkSettings.PublicInputs });
        Assert.NotEqual(CircuitCompiler.Compile(net, data, new CompileOptions { Zk = ZkSettings.PublicInputs }).PublicDigest, scaled.PublicDigest);
    }

    [Fact]
    public void A_width_2_layer_is_padded_to_4_in_zk_mode_only()
    {
        var net = TestNets.Random(new Random(21), [3, 2, 2], [Activation.Relu, Activation.None]);
        var data = TestNets.Samples(new Random(22), 8, 3);
        var plain = CircuitCompiler.Compile(net, data);
        Assert.Equal(4, plain.PaddedInputSize);
        Assert.Equal([2, 2], plain.Layers.Select(l => l.PaddedOutputSize));
        Assert.Equal([4, 2], plain.Layers.Select(l => l.PaddedInputSize));
        foreach (var zk in Modes)
        {
            var c = CircuitCompiler.Compile(net, data, new CompileOptions { Zk = zk });
            Assert.Equal(4, c.PaddedInputSize);
            Assert.Equal([4, 4], c.Layers.Select(l => l.PaddedOutputSize));
            Assert.Equal([4, 4], c.Layers.Select(l => l.PaddedInputSize));
            // The same integers (padding is zero columns of the layout), a witness of the padded width that keeps every relation.
            Assert.Equal(plain.Layers[0].Weights.ToArray(), c.Layers[0].Weights.ToArray());
            Assert.Equal(16, c.Layers[1].PaddedWeights().Length);
            var wit = IntegerExecutor.Run(c, data);
            QuantizationTests.CheckWitness(c, wit);
            Assert.Equal(IntegerExecutor.Run(plain, data).DequantizedOutputs, wit.DequantizedOutputs);
            // The loaded file pads the same way.
            var back = CircuitFile.FromBytes(CircuitFile.ToBytes(c));
            Assert.Equal([4, 4], back.Layers.Select(l => l.PaddedOutputSize));
        }
        // A layer created for one circuit is not changed by a ZK circuit made from it.
        Assert.Equal([2, 2], plain.Layers.Select(l => l.PaddedOutputSize));
    }

    [Fact]
    public void The_input_segment_follows_the_range_check_flag()
    {
        Assert.Null(Tiny(ZkSettings.None).InputRangeSegment);
        Assert.Null(Tiny(ZkSettings.PublicInputs).InputRangeSegment);
        Assert.Null(Tiny(ZkSettings.PrivateInputs(false)).InputRangeSegment);
        var seg = Tiny(ZkSettings.PrivateInputs()).InputRangeSegment!;
        Assert.Equal(-127, seg.QMin);
        Assert.Equal(255, seg.Values);
        Assert.Equal(8, seg.LogSize);
    }

    [Theory]
    [InlineData(2, 0, 0, "zk flag 2")]
    [InlineData(0, 0, 0, "zk flag 0")]
    [InlineData(1, 2, 0, "inputVisibility 2")]
    [InlineData(1, 1, 7, "inputRangeCheck 7")]
    [InlineData(1, 0, 1, "applies to private inputs only")]
    public void Bad_flag_bytes_are_refused_naming_the_field(byte zk, byte vis, byte rc, string expected)
    {
        var bytes = CircuitFile.ToBytes(Tiny(ZkSettings.PrivateInputs()));
        bytes[20] = zk; bytes[21] = vis; bytes[22] = rc;
        ReSeal(bytes);
        var e = Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(bytes, "bad.zkc"));
        Assert.Contains("bad.zkc", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_settings_are_refused_by_the_compiler()
    {
        foreach (var bad in new[] { new ZkSettings(false, InputVisibility.Private, false), new ZkSettings(false, InputVisibility.Public, true), new ZkSettings(true, InputVisibility.Public, true), new ZkSettings(true, (InputVisibility)5, false) })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => CircuitCompiler.Compile(TestNets.Tiny(), TestNets.TinyInputs(), new CompileOptions { Zk = bad }));
            Assert.Contains(bad.Problem()!, e.Message);
        }
    }

    [Fact]
    public void A_version_3_file_relabelled_as_version_1_is_refused()
    {
        var bytes = CircuitFile.ToBytes(Tiny(ZkSettings.PublicInputs));
        BitConverter.GetBytes(1u).CopyTo(bytes, 8);
        Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(bytes));
        BitConverter.GetBytes(4u).CopyTo(bytes, 8);
        Assert.Contains("this build reads versions 1–3", Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(bytes)).Message);
    }

    /// <summary>Rewrites the SHA-256 trailer after an edit of the content.</summary>
    private static void ReSeal(byte[] bytes)
    {
        ulong len = BitConverter.ToUInt64(bytes, 12);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(20, (int)len)).CopyTo(bytes, 20 + (int)len);
    }
}
