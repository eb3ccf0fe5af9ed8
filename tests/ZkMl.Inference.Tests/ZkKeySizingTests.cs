using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// How setup sizes a zero-knowledge key (<see cref="InferenceSetup.RequiredPowers"/>, <see cref="ZkShape.FromParts"/>;
/// docs/protocol.md "Keys" → "ZK mode"): on an SRS of exactly the required powers for max batch 4, setup gives max batch 4
/// and the key proves and verifies at every padded batch 1, 2, 4, for public inputs and private inputs with and without the
/// input range check (W3 = h_in), over odd shapes; the shape setup builds from the circuit equals the key's at every batch;
/// and one power fewer gives a smaller max batch or a refused setup (the bound is exact, not merely large enough).
/// </summary>
public class ZkKeySizingTests
{
    private const int MaxBatch = 4;

    [Theory]
    [InlineData(new[] { 5, 4, 3 })]       // input not a power of two (8 padded columns), everything narrow
    [InlineData(new[] { 100, 4, 4 })]     // wide input, narrow hidden layer: X′ and W3 are the longest vectors
    [InlineData(new[] { 4, 40, 2 })]      // narrow input, wide hidden layer
    [InlineData(new[] { 3, 6, 5, 2 })]    // input padded to the ZK minimum width 4, two hidden layers
    public void A_zk_key_on_exactly_the_required_powers_proves_every_batch_up_to_its_max(int[] sizes)
    {
        var acts = Enumerable.Range(0, sizes.Length - 1).Select(i => i < sizes.Length - 2 ? Activation.Relu : Activation.None).ToArray();
        var net = InferenceFixtures.Random(sizes.Sum(), sizes, acts);
        var samples = InferenceFixtures.Samples(sizes.Sum() + 1, MaxBatch, sizes[0]);
        foreach (var (zk, seed) in new[] { (ZkSettings.PublicInputs, 1), (ZkSettings.PrivateInputs(rangeCheck: false), 2), (ZkSettings.PrivateInputs(), 3) })
        {
            string who = $"{string.Join("→", sizes)}, {zk}";
            var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = zk });
            long powers = InferenceSetup.RequiredPowers(c, MaxBatch);
            var z = Setup(c, powers, seed);
            var vk = z.VerifyingKey;
            Assert.Equal(MaxBatch, vk.MaxBatch);
            var layers = InferenceSetup.LayerKeys(c);
            var ks = InferenceSetup.ShapeOf(c, layers);
            var rows = samples.Select(s => c.QuantizeInput(s)).ToArray();
            for (int b = 0; 1 << b <= MaxBatch; b++)
            {
                var fromKey = new ZkShape(vk, b);
                var fromParts = ZkShape.FromParts(layers, ks, c.Zk, ks.ModelLayout.NumVars, b);
                Assert.Equal(fromKey.OpeningVars, fromParts.OpeningVars);
                Assert.Equal(fromKey.W2.NumVars, fromParts.W2.NumVars);
                Assert.Equal(fromKey.ProofLength(vk), fromParts.ProofLength(vk));
                // every vector the prover commits or opens fits the key's SRS
                Assert.True(1L << fromKey.OpeningVars <= powers, who);
                Assert.True(fromKey.Batch.W1!.Length <= powers && fromKey.W2.Length <= powers, who);
                if (fromKey.Private) Assert.True(1L << fromKey.XVars <= powers, who);
                if (fromKey.RangeCheck) Assert.True(1L << fromKey.NIn <= powers, who);

                var x = rows[..(1 << b)];
                var proof = zk.Inputs == InputVisibility.Private
                    ? InferenceProver.ProvePrivate(z.ProvingKey, x, null, null, new ProverTimings(), new SeededRng(10 * seed + b)).Proof
                    : InferenceProver.ProveZk(z.ProvingKey, x, new ProverTimings(), new SeededRng(10 * seed + b));
                Assert.Equal(fromKey.ProofLength(vk), proof.ProofSize);
                var r = InferenceVerifier.Verify(vk, proof);
                Assert.True(r.IsValid, $"{who}, B = {1 << b}: {r.Reason}");
            }

            // One power fewer: no key for the max batch (setup refuses the SRS or makes a key for a smaller batch).
            var fewer = Record.Exception(() =>
                Assert.True(Setup(c, powers - 1, seed).VerifyingKey.MaxBatch < MaxBatch, $"{who}: {powers - 1} powers still give max batch {MaxBatch}"));
            Assert.True(fewer is null or ArgumentException, $"{who}: {fewer}");
        }
    }

    /// <summary>
    /// One dense layer (no hidden layer, no lookup): this version has no ZK proof shape for it, so setup sizes it as the default
    /// mode and its key refuses every proof with the reason (no key that proves with too few powers).
    /// </summary>
    [Fact]
    public void A_zk_key_without_hidden_layers_is_sized_as_the_default_mode_and_refuses_to_prove()
    {
        var net = InferenceFixtures.Random(61, [5, 3], [Activation.None]);
        var samples = InferenceFixtures.Samples(62, MaxBatch, 5);
        foreach (var (zk, seed) in new[] { (ZkSettings.PublicInputs, 1), (ZkSettings.PrivateInputs(rangeCheck: false), 2), (ZkSettings.PrivateInputs(), 3) })
        {
            var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = zk });
            var z = Setup(c, InferenceSetup.RequiredPowers(c, MaxBatch), seed);
            Assert.Contains("without hidden layers", ZkInference.Unsupported(z.VerifyingKey));
            var x = samples.Select(s => c.QuantizeInput(s)).ToArray();
            var e = Assert.Throws<ArgumentException>(() => zk.Inputs == InputVisibility.Private
                ? InferenceProver.ProvePrivate(z.ProvingKey, x, null, null, new ProverTimings(), new SeededRng(seed)).Proof
                : InferenceProver.ProveZk(z.ProvingKey, x, new ProverTimings(), new SeededRng(seed)));
            Assert.Contains("without hidden layers", e.Message);
        }
    }

    private static ZkSetup Setup(Circuit c, long powers, int seed)
        => InferenceSetup.RunZk(c, Srs.CreateInsecureDev((int)powers - 1, seed), MaxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));
}
