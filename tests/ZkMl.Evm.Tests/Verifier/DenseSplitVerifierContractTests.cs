using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Dense default-mode verifiers over EIP-170 as one contract, generated as two (docs/protocol.md "On-chain verifier":
/// NAMEFirstPart runs the statement, the lookups and the matmul sumcheck, NAME the batched opening), on an anvil that enforces
/// EIP-170 and EIP-3860: each part under 24,576 bytes, valid proofs accepted at B = 1 and B = 3, a changed output, changed proof
/// words and a proof for another model rejected with the C# verifier's verdict, and the gas against the single contract (its
/// runtime code placed with anvil_setCode: EIP-170 limits deployments, not calls). Verifiers that fit stay one contract
/// (VerifierContractTests, CommittedVerifierTests).
/// </summary>
public class DenseSplitVerifierContractTests(AnvilFixture anvil, ITestOutputHelper output) : IClassFixture<AnvilFixture>
{
    private readonly EvmChain _chain = new(anvil.Web3);

    // MNIST-width MLPs of three and six layers (784 = 28×28 inputs, 10 logits)
    private static readonly Dictionary<string, int[]> ShapeSizes = new()
    {
        ["784-128-64-10"] = [784, 128, 64, 10],
        ["784-128-128-64-64-32-10"] = [784, 128, 128, 64, 64, 32, 10],
    };

    public static TheoryData<string> Shapes => new(ShapeSizes.Keys);

    private static Network Mlp(int seed, int[] sizes) =>
        TestNetworks.Random(seed, sizes, Enumerable.Range(0, sizes.Length - 1).Select(l => l + 2 < sizes.Length ? Activation.Relu : Activation.None).ToArray());

    private static (ProvingKey Pk, VerifyingKey Vk) Keys(Network net, int seed) =>
        InferenceSetup.Run(CircuitCompiler.Compile(net, TestNetworks.Samples(seed, 16, net.InputSize)), ExampleCircuits.Srs, 4);

    /// <summary>The C# verdict and the contract's on the same bytes must agree (a revert counts as a disagreement for a rejection).</summary>
    private static async Task AssertSameVerdict(VerifyingKey vk, OnChainVerifier v, byte[] publicInputs, byte[] proofBytes, string what)
    {
        var cs = InferenceVerifier.Verify(vk, publicInputs, proofBytes);
        var chain = await v.CallAsync(VerifierCalldata.Encode(proofBytes, publicInputs));
        Assert.False(chain.Reverted, $"{what}: the contract reverted ({chain.Error})");
        Assert.True(cs.IsValid == chain.Accepted, $"{what}: C# {(cs.IsValid ? "accepts" : "rejects (" + cs.Reason + ")")}, contract {(chain.Accepted ? "accepts" : "returns false")}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task OversizedDenseVerifierIsSplitUnderEip170AndAgreesWithCSharp(string shape)
    {
        var sizes = ShapeSizes[shape];
        var net = Mlp(31, sizes);
        var (pk, vk) = Keys(net, 3);
        var solc = new SolcCompiler(RepoPaths.Root);
        var single = await CompiledVerifier.CompileAsync(solc, SolidityVerifierGenerator.Generate(vk, "DenseVerifier"), "DenseVerifier");
        Assert.Null(single.FirstPart);
        Assert.True(single.OverEip170, $"{shape}: the single contract is {single.SizeText}: no longer a case for the split");
        var fitted = await CompiledVerifier.GenerateFittingAsync(solc, vk, "DenseVerifier");
        Assert.Equal(SolidityVerifierGenerator.Generate(vk, "DenseVerifier", splitDense: true), fitted.Source);
        Assert.NotNull(fitted.FirstPart);
        Assert.True(fitted.Fits, $"{shape}: {fitted.SizeText}, creation code {fitted.Main.CreationBytecode.Length} bytes");
        // the same public function as the single contract (plus FIRST_PART, the first part's address)
        Assert.Contains("\"verifyProof\"", fitted.Main.AbiJson);
        Assert.Equal(VerifierCalldata.Signature, "verifyProof(bytes,uint256[])");

        var v = await OnChainVerifier.DeployAsync(_chain, fitted.Main);
        Assert.NotNull(v.FirstPartAddress);
        Assert.InRange(v.DeployedSize, 1, CompiledContract.Eip170CodeSizeLimit);
        Assert.InRange(v.FirstPartSize, 1, CompiledContract.Eip170CodeSizeLimit);
        var one = await SplitVerifierProbe.PlaceAsync(_chain, single.Main, "0x00000000000000000000000000000000000c0de" + (sizes.Length - 1));

        // a proof of another model of the same shape (other weights, other key)
        var (otherPk, _) = Keys(Mlp(32, sizes), 3);
        var otherProof = InferenceProver.Prove(otherPk, TestNetworks.Samples(50, 1, net.InputSize));
        await AssertSameVerdict(vk, v, otherProof.PublicInputs.ToArray(), otherProof.ProofBytes.ToArray(), "a proof for another model");
        Assert.False((await v.VerifyAsync(otherProof)).Accepted);

        foreach (int batch in new[] { 1, 3 })
        {
            var proof = InferenceProver.Prove(pk, TestNetworks.Samples(40 + batch, batch, net.InputSize));
            Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
            var verdict = await v.VerifyAsync(proof);
            Assert.True(verdict.Accepted, verdict.Error);
            Assert.True((await one.VerifyAsync(proof)).Accepted);
            var gasSplit = await v.MeasureAsync(proof);
            var gasOne = await one.MeasureAsync(proof);
            output.WriteLine($"{shape} B={batch}: two contracts {v.DeployedSize} + {v.FirstPartSize} bytes (first part), creation {fitted.Main.CreationBytecode.Length} bytes; {gasSplit}");
            output.WriteLine($"{shape} B={batch}: one contract {single.Main.DeployedSize} bytes (over EIP-170, placed by anvil_setCode); {gasOne}; the split costs {(long)gasSplit.Breakdown.GasUsed - (long)gasOne.Breakdown.GasUsed:+#;-#;0} gas");

            var pf = proof.ProofBytes.ToArray();
            var io = proof.DecodePublicIO(vk);
            foreach (int k in new[] { 0, io.Outputs.Length - 1 })
            {
                var y = io.Outputs.ToArray();
                y[k] += y[k] > 0 ? -1 : 1;
                await AssertSameVerdict(vk, v, PublicIO.Create(vk, batch, io.Inputs, y).Words.ToArray(), pf, $"output {k} changed");
            }
            // changed proof words: all of them at B = 1 for the three-layer MLP, 40 seeded ones otherwise
            var rng = new Random(batch);
            var offsets = batch == 1 && sizes.Length == 4 ? Enumerable.Range(0, pf.Length / 32).Select(i => 32 * i)
                : Enumerable.Range(0, 40).Select(_ => 32 * rng.Next(pf.Length / 32));
            foreach (int o in offsets)
            {
                var m = (byte[])pf.Clone();
                m[o + 31] ^= 1;
                await AssertSameVerdict(vk, v, proof.PublicInputs.ToArray(), m, $"proof word at {o} of {pf.Length}");
            }
        }
    }

    [Fact]
    public async Task ProofRejectedByTheDenseFirstPartIsFalseNotRevert()
    {
        // The first part of a split dense verifier rejects by returning one zero word: NAME must then return false, not revert.
        // Forced split of a small network (the same Yul as an oversized one), every changed proof word the first part itself
        // rejects; the other words (the batched opening's) are the second part's.
        var net = Mlp(33, [12, 8, 8, 6, 4]);
        var (pk, vk) = Keys(net, 3);
        var source = SolidityVerifierGenerator.Generate(vk, "DenseVerifier", splitDense: true);
        var compiled = await CompiledVerifier.CompileAsync(new SolcCompiler(RepoPaths.Root), source, "DenseVerifier");
        var v = await OnChainVerifier.DeployAsync(_chain, compiled.Main);
        Assert.NotNull(v.FirstPartAddress);
        var proof = InferenceProver.Prove(pk, TestNetworks.Samples(41, 1, net.InputSize));
        Task<bool> FirstPartRejects(byte[] calldata) => SplitVerifierProbe.FirstPartRejectsAsync(_chain, v, calldata);
        Assert.False(await FirstPartRejects(VerifierCalldata.Encode(proof)), "the first part rejected a valid proof");
        Assert.True((await v.VerifyAsync(proof)).Accepted);
        var pf = proof.ProofBytes.ToArray();
        int inFirst = 0, inSecond = 0;
        for (int o = 0; o < pf.Length; o += 32)
        {
            var m = (byte[])pf.Clone();
            m[o + 31] ^= 1;
            var calldata = VerifierCalldata.Encode(m, proof.PublicInputs);
            Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, m).IsValid, $"C#: word at {o}");
            if (await FirstPartRejects(calldata)) inFirst++;
            else inSecond++;
            var verdict = await v.CallAsync(calldata);
            Assert.False(verdict.Reverted, $"word at {o}: reverted ({verdict.Error})");
            Assert.False(verdict.Accepted, $"word at {o}: accepted");
        }
        output.WriteLine($"{pf.Length / 32} proof words: {inFirst} rejected by the first part, {inSecond} only by the second (the batched opening)");
        Assert.True(inFirst > 0 && inSecond > 0, $"first part {inFirst}, second part {inSecond}");
        // a changed input: the first part (X̃) refuses it; false from both, no revert
        var io = proof.DecodePublicIO(vk);
        var x = io.Inputs.ToArray();
        x[0] = x[0] == 3 ? 4 : 3;
        var bad = PublicIO.Create(vk, 1, x, io.Outputs).Words.ToArray();
        Assert.True(await FirstPartRejects(VerifierCalldata.Encode(pf, bad)));
        await AssertSameVerdict(vk, v, bad, pf, "a changed input");
    }

    [Fact]
    public async Task DenseVerifierThatFitsStaysOneContract()
    {
        // GenerateFittingAsync keeps a dense verifier that fits as the single contract of Generate (byte-identical: the
        // committed tiny verifier), and a forced split of it accepts the same proof at B = 1 and 3.
        var e = ExampleCircuits.Tiny;
        var solc = new SolcCompiler(RepoPaths.Root);
        var fitted = await CompiledVerifier.GenerateFittingAsync(solc, e.Vk, e.ContractName);
        Assert.Null(fitted.FirstPart);
        Assert.Equal(SolidityVerifierGenerator.Generate(e.Vk, e.ContractName), fitted.Source);
        Assert.Equal(SolidityVerifierGenerator.Generate(e.Vk, e.ContractName), SolidityVerifierGenerator.Generate(e.Vk, e.ContractName, splitDense: false));
        var split = await CompiledVerifier.CompileAsync(solc, SolidityVerifierGenerator.Generate(e.Vk, e.ContractName, splitDense: true), e.ContractName);
        Assert.NotNull(split.FirstPart);
        var one = await OnChainVerifier.DeployAsync(_chain, fitted.Main);
        var two = await OnChainVerifier.DeployAsync(_chain, split.Main);
        foreach (int batch in new[] { 1, 3 })
        {
            var proof = InferenceProver.Prove(e.Pk, TestNetworks.Samples(60 + batch, batch, e.Vk.InputSize));
            Assert.True((await one.VerifyAsync(proof)).Accepted);
            Assert.True((await two.VerifyAsync(proof)).Accepted);
            var lie = OnChainTamper(e.Vk, proof);
            Assert.False((await one.VerifyAsync(lie)).Accepted);
            Assert.False((await two.VerifyAsync(lie)).Accepted);
            output.WriteLine($"tiny B={batch}: one contract {await one.MeasureAsync(proof)}; forced two contracts ({two.DeployedSize} + {two.FirstPartSize} bytes) {await two.MeasureAsync(proof)}");
        }
    }

    [Fact]
    public void ZeroKnowledgeVerifiersAreNotSplit()
    {
        var zk = ExampleCircuits.MnistZk;
        Assert.False(CompiledVerifier.CanSplit(zk.Vk));
        Assert.Throws<NotSupportedException>(() => SolidityVerifierGenerator.Generate(zk.Vk, "ZkVerifier", splitDense: true));
        Assert.True(CompiledVerifier.CanSplit(ExampleCircuits.Tiny.Vk));
    }

    private static InferenceProof OnChainTamper(VerifyingKey vk, InferenceProof proof)
    {
        var io = proof.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        return InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, io.BatchSize, io.Inputs, y).Words, proof.ProofBytes, proof.Flags);
    }
}
