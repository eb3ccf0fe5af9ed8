using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Proofs.Lookups;

namespace ZkMl.Inference.Tests;

/// <summary>
/// A final relu / sigmoid / tanh is proven by the output layer's lookup table: the public outputs are
/// the activation's values (docs/protocol.md "Inference proof", proven final activation).
/// </summary>
public class FinalActivationTests
{
    private static readonly Dictionary<string, (Circuit C, ProvingKey Pk, VerifyingKey Vk, float[][] Samples)> Cache = [];

    internal static (Circuit C, ProvingKey Pk, VerifyingKey Vk, float[][] Samples) Setup(string shape)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(shape, out var hit)) return hit;
            var net = NetFor(shape);
            var sizes = Shape(shape).Sizes;
            var samples = InferenceFixtures.Samples(42, 12, sizes[0]);
            var c = CircuitCompiler.Compile(net, samples);
            var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 8);
            return Cache[shape] = (c, pk, vk, samples);
        }
    }

    internal static (int[] Sizes, Activation[] Acts) Shape(string shape) => shape switch
    {
        "relu" => ([37, 23, 11], [Activation.Relu, Activation.Relu]),
        "sigmoid" => ([37, 23, 10], [Activation.Tanh, Activation.Sigmoid]),
        "tanh" => ([19, 12, 6], [Activation.Relu, Activation.Tanh]),
        "logistic" => ([9, 3], [Activation.Sigmoid]),
        "leaky-gelu" => ([19, 12, 6], [Activation.LeakyRelu, Activation.Gelu]),
        "elu-hardsigmoid" => ([19, 12, 6], [Activation.Elu, Activation.HardSigmoid]),
        _ => throw new ArgumentException(shape),
    };

    public static TheoryData<string> Shapes => new() { "relu", "sigmoid", "tanh", "logistic", "leaky-gelu", "elu-hardsigmoid" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Proven_outputs_are_the_activation_values(string shape)
    {
        var (c, pk, vk, samples) = Setup(shape);
        Assert.True(c.ProvesOutputActivation);
        Assert.True(vk.ProvesOutputActivation);
        Assert.False(c.OutputsAreLogits);
        foreach (int batch in new[] { 1, 5 })
        {
            var inputs = samples.Take(batch).ToArray();
            var proof = InferenceProver.Prove(pk, inputs);
            var r = InferenceVerifier.Verify(vk, proof);
            Assert.True(r.IsValid, r.Reason);
            var io = proof.DecodePublicIO(vk);
            var w = IntegerExecutor.Run(c, inputs);
            var last = w.Layers[^1];
            var table = c.Layers[^1].Table!;
            for (int b = 0; b < batch; b++)
            {
                var row = io.OutputRow(b).ToArray();
                Assert.Equal(last.A!.AsSpan(b * last.Cols, c.OutputSize).ToArray(), row);
                // The stated value is act(Q) of the last layer, within the activation's range.
                for (int j = 0; j < row.Length; j++)
                    Assert.Equal(table.Lookup(last.Q![b * last.Cols + j]), row[j]);
                // and close to the float model's activated output
                var f = FloatExecutor.Run(NetFor(shape), inputs[b]);
                var deq = c.DequantizeOutput(row);
                for (int j = 0; j < row.Length; j++) Assert.InRange(Math.Abs(deq[j] - f[j]), 0, 0.1 * Math.Max(1, f.Max(Math.Abs)));
            }
        }
    }

    private static Network NetFor(string shape)
    {
        var (sizes, acts) = Shape(shape);
        var net = InferenceFixtures.Random(41, sizes, acts);
        // parameterized tables: LeakyRelu α = 0.1, Elu α = 0.7, HardSigmoid α = 0.3 β = 0.4, Gelu exact
        (float, float) P(Activation a) => a switch { Activation.LeakyRelu => (0.1f, 0), Activation.Elu => (0.7f, 0), Activation.HardSigmoid => (0.3f, 0.4f), _ => (0, 0) };
        return new Network(net.Layers.Select(l => l.WithActivation(l.Activation, P(l.Activation).Item1, P(l.Activation).Item2)).ToList(), net.Name);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Wrong_activation_output_is_rejected(string shape)
    {
        var (_, pk, vk, samples) = Setup(shape);
        var proof = InferenceProver.Prove(pk, samples.Take(3).ToArray());
        var io = proof.DecodePublicIO(vk);
        int cols = vk.OutputColumns;
        // every real output of the first row, one padded column, and an output of a padded batch row
        var spots = Enumerable.Range(0, vk.OutputSize).ToList();
        if (cols > vk.OutputSize) spots.Add(cols - 1);
        spots.Add(3 * cols);
        foreach (int k in spots)
        {
            var y = io.Outputs.ToArray();
            y[k] += y[k] > 0 ? -1 : 1;
            var bad = InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, 3, io.Inputs, y).Words, proof.ProofBytes, proof.Flags);
            var r = InferenceVerifier.Verify(vk, bad);
            Assert.False(r.IsValid, $"output {k} changed and accepted");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_proof_word_mutated_is_rejected(string shape)
    {
        var (_, pk, vk, samples) = Setup(shape);
        var proof = InferenceProver.Prove(pk, samples.Take(2).ToArray());
        var bytes = proof.ProofBytes.ToArray();
        // Each 32-byte word: flip its low bit (a G1 coordinate then leaves the curve, a scalar changes).
        for (int o = 0; o < bytes.Length; o += 32)
        {
            var bad = (byte[])bytes.Clone();
            bad[o + 31] ^= 1;
            Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, bad).IsValid, $"word at byte {o} flipped and accepted");
        }
    }

    [Fact]
    public void Output_outside_the_table_is_rejected()
    {
        // A cheating prover states an output the activation never gives for its Q (A + 1 at one entry,
        // the lookup witness built from it): LogUp fails, and the honest prover refuses.
        var (c, pk, vk, samples) = Setup("sigmoid");
        var w = IntegerExecutor.Run(c, samples.Take(2).ToArray());
        var last = w.Layers[^1];
        int e = Enumerable.Range(0, c.OutputSize).First(i => last.A![i] < c.Layers[^1].AMax);
        last.A![e] += 1;
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: false);
        Assert.False(InferenceVerifier.Verify(vk, proof).IsValid);
        Assert.Throws<LogUpException>(() => InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true));
    }

    [Fact]
    public void Consistent_but_wrong_Q_and_output_is_rejected_by_the_matmul()
    {
        // Q shifted by one inside the table with A = act(Q): every lookup holds, the stated output is a
        // table value, but relation R no longer matches A_{L−2}·W + b.
        var (c, pk, vk, samples) = Setup("relu");
        var w = IntegerExecutor.Run(c, samples.Take(2).ToArray());
        var last = w.Layers[^1];
        var table = c.Layers[^1].Table!;
        int e = Enumerable.Range(0, c.OutputSize).First(i => last.Q![i] > 0 && last.Q[i] + 1 <= table.QMax && table.Lookup(last.Q[i] + 1) != last.A![i]);
        last.Q![e] += 1;
        last.A![e] = table.Lookup(last.Q[e]);
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.Matmul, r.Failure);
    }

    [Fact]
    public void Circuit_file_round_trips_with_the_output_table()
    {
        var (c, _, _, _) = Setup("sigmoid");
        var back = CircuitFile.FromBytes(CircuitFile.ToBytes(c));
        Assert.Equal(c.DigestHex, back.DigestHex);
        Assert.True(back.ProvesOutputActivation);
        Assert.Equal(c.Layers[^1].Table!.Values.ToArray(), back.Layers[^1].Table!.Values.ToArray());
    }

    [Fact]
    public void Key_round_trips_and_names_the_proven_activation()
    {
        var (_, _, vk, _) = Setup("tanh");
        Assert.True(VerifyingKey.TryFromBytes(vk.ToBytes(), out var back, out var why), why);
        Assert.True(back!.ProvesOutputActivation);
        Assert.Equal(1 << vk.Layers[^1].OutVars, back.OutputColumns);
        Assert.Equal(vk.DigestHex, back.DigestHex);
    }

    [Fact]
    public void Output_layer_limb_count_whose_product_with_the_limb_width_wraps_is_refused()
    {
        // The output layer of a proven final activation has requantization constants like a hidden layer; its
        // limb count plus 2^32 / c makes the int product limbs · c wrap back to the real shift.
        var (_, _, vk, _) = Setup("relu");
        byte[] bytes = vk.ToBytes();
        int last = vk.Layers.Count - 1;
        int at = 76 + 44 * last + 28; // layer records start at byte 76, 44 bytes each; Limbs is at +28
        Assert.Equal(vk.Layers[last].Limbs, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)));
        uint wrapped = (uint)vk.Layers[last].Limbs + (uint)((1L << 32) / vk.LimbBits);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), wrapped);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        Assert.False(VerifyingKey.TryFromBytes(bytes, out var bad, out var reason));
        Assert.Null(bad);
        Assert.Contains("output layer requantization constants", reason);
    }
}
