using Xunit.Abstractions;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Generated verifiers of conv and pooling circuits (docs/protocol.md "Conv and pooling layers") against the C# verifier on
/// anvil: valid proofs accepted (batches 1 and 3), every proof word changed rejected by both, a wrong output or input rejected
/// by both; for odd sizes, padding, stride 2, conv → conv, average and global average pooling, max pooling (also at the input
/// and with a final activation). The node enforces the EIP-170 code-size limit: each verifier is two contracts
/// (NAMEFirstPart and NAME, docs/protocol.md "On-chain verifier"), both deployed and both under the limit; the LeNet sizes and
/// gas are printed by <c>ConvVerifierContractTests.LenetVerifierSizeAndGas</c>.
/// </summary>
public class ConvVerifierContractTests(ConvVerifierContractTests.Node fx, ITestOutputHelper output) : IClassFixture<ConvVerifierContractTests.Node>
{
    /// <summary>One anvil node with the EIP-170 code-size limit (anvil's default): every conv verifier must deploy on it.</summary>
    public sealed class Node : IAsyncLifetime
    {
        private AnvilNode? _node;

        public EvmChain Chain { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _node = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = RepoPaths.Root });
            Chain = new EvmChain(_node.Web3);
        }

        public Task DisposeAsync()
        {
            _node?.Dispose();
            return Task.CompletedTask;
        }
    }

    public static TheoryData<string> Shapes => new(ConvNetworks.Names);

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task GeneratedVerifierAgreesWithCSharp(string shape)
    {
        var net = ConvNetworks.Build(shape);
        var samples = TestNetworks.Samples(3, 16, net.InputSize);
        var circuit = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(circuit, ExampleCircuits.Srs, 4);
        Assert.True(vk.HasSpatialLayers);
        var source = SolidityVerifierGenerator.Generate(vk, "ConvVerifier");
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "ConvVerifier", SolidityVerifierGenerator.RecommendedSettings, "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);
        AssertSplitUnderEip170(v);
        foreach (int batch in new[] { 1, 3 })
        {
            var proof = InferenceProver.Prove(pk, TestNetworks.Samples(40 + batch, batch, net.InputSize));
            Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
            var verdict = await v.VerifyAsync(proof);
            Assert.True(verdict.Accepted, verdict.Error);
            output.WriteLine($"{shape} B={batch}: deployed {v.DeployedSize} + {v.FirstPartSize} bytes (first part); {await v.MeasureAsync(proof)}");
            var pf = proof.ProofBytes.ToArray();
            if (batch == 1)
            {
                // every proof word, changed in its last byte: rejected by both
                for (int o = 0; o < pf.Length; o += 32)
                {
                    var m = (byte[])pf.Clone();
                    m[o + 31] ^= 1;
                    Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, m).IsValid, $"C#: word at {o}");
                    Assert.False((await v.CallAsync(VerifierCalldata.Encode(m, proof.PublicInputs))).Accepted, $"chain: word at {o} of {pf.Length}");
                }
            }
            var io = proof.DecodePublicIO(vk);
            var x = io.Inputs.ToArray();
            x[^1] = x[^1] == 3 ? 4 : 3;
            var bad = PublicIO.Create(vk, batch, x, io.Outputs).Words;
            Assert.False(InferenceVerifier.Verify(vk, bad, pf).IsValid);
            Assert.False((await v.CallAsync(VerifierCalldata.Encode(pf, bad))).Accepted);
            foreach (int k in new[] { 0, (batch - 1) * vk.OutputColumns, io.Outputs.Length - 1 })
            {
                var y = io.Outputs.ToArray();
                y[k] += y[k] > 0 ? -1 : 1;
                var badY = PublicIO.Create(vk, batch, io.Inputs, y).Words;
                Assert.False(InferenceVerifier.Verify(vk, badY, pf).IsValid);
                Assert.False((await v.CallAsync(VerifierCalldata.Encode(pf, badY))).Accepted);
            }
        }
    }

    [Fact]
    public async Task ProofRejectedByTheFirstPartIsFalseNotRevert()
    {
        // A split verifier's first part rejects by returning one zero word; NAME must then return false (not revert), as the
        // C# verifier rejects. Each changed proof word that NAMEFirstPart itself rejects (called directly under its own
        // selector) is checked that way; words it passes (those only the second part reads) are skipped.
        var net = ConvNetworks.Build("max");
        var circuit = CircuitCompiler.Compile(net, TestNetworks.Samples(3, 16, net.InputSize));
        var (pk, vk) = InferenceSetup.Run(circuit, ExampleCircuits.Srs, 4);
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(SolidityVerifierGenerator.Generate(vk, "ConvVerifier"), "ConvVerifier", SolidityVerifierGenerator.RecommendedSettings, "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);
        AssertSplitUnderEip170(v);
        var proof = InferenceProver.Prove(pk, TestNetworks.Samples(41, 1, net.InputSize));
        Task<bool> FirstPartRejects(byte[] calldata) => SplitVerifierProbe.FirstPartRejectsAsync(fx.Chain, v, calldata);
        Assert.False(await FirstPartRejects(VerifierCalldata.Encode(proof)), "the first part rejected a valid proof");
        var pf = proof.ProofBytes.ToArray();
        int inFirst = 0;
        for (int o = 0; o < pf.Length; o += 32)
        {
            var m = (byte[])pf.Clone();
            m[o + 31] ^= 1;
            var calldata = VerifierCalldata.Encode(m, proof.PublicInputs);
            if (!await FirstPartRejects(calldata)) continue;
            inFirst++;
            Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, m).IsValid, $"C#: word at {o}");
            var verdict = await v.CallAsync(calldata);
            Assert.False(verdict.Reverted, $"word at {o}: reverted ({verdict.Error})");
            Assert.False(verdict.Accepted, $"word at {o}: accepted");
        }
        // the commitments, LogUp, cols, the matmul sumcheck and Phase 2 are the first part's (76 of the 169 words here; the
        // rest is mostly the batched opening)
        Assert.True(inFirst * 5 >= pf.Length / 32 * 2, $"only {inFirst} of {pf.Length / 32} words rejected by the first part");
        // a statement the first part refuses (a changed input): false from both, no revert
        var io = proof.DecodePublicIO(vk);
        var x = io.Inputs.ToArray();
        x[0] = x[0] == 3 ? 4 : 3;
        var bad = VerifierCalldata.Encode(pf, PublicIO.Create(vk, 1, x, io.Outputs).Words);
        Assert.True(await FirstPartRejects(bad));
        Assert.False(InferenceVerifier.Verify(vk, PublicIO.Create(vk, 1, x, io.Outputs).Words, pf).IsValid);
        var badVerdict = await v.CallAsync(bad);
        Assert.False(badVerdict.Reverted || badVerdict.Accepted, $"a changed input: reverted {badVerdict.Reverted}, accepted {badVerdict.Accepted}");
    }

    // a conv verifier is two contracts (docs/protocol.md "On-chain verifier"), each deployed under the node's EIP-170 limit
    private static void AssertSplitUnderEip170(OnChainVerifier v)
    {
        Assert.NotNull(v.FirstPartAddress);
        Assert.InRange(v.DeployedSize, 1, CompiledContract.Eip170CodeSizeLimit);
        Assert.InRange(v.FirstPartSize, 1, CompiledContract.Eip170CodeSizeLimit);
    }

    [Fact]
    public async Task LenetVerifierSizeAndGas()
    {
        // circuits/lenet-mnist at B = 1 on a real MNIST test-set image row of its input.json; prints the runtime size and gas
        // (verifier-contracts/README.md, circuits/lenet-mnist/README.md)
        string dir = Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist");
        var net = ZkMl.Compiler.ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = ZkMl.Compiler.Model.InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var circuit = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(circuit, ExampleCircuits.Srs, 2);
        var source = SolidityVerifierGenerator.Generate(vk, "LenetVerifier");
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "LenetVerifier", SolidityVerifierGenerator.RecommendedSettings, "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);
        AssertSplitUnderEip170(v);
        var proof = InferenceProver.Prove(pk, samples.Take(1).ToArray());
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var verdict = await v.VerifyAsync(proof);
        Assert.True(verdict.Accepted, verdict.Error);
        output.WriteLine($"lenet-mnist B=1: runtime {v.DeployedSize} bytes + first part {v.FirstPartSize} bytes (EIP-170 limit 24,576 each); proof {proof.ProofBytes.Length} bytes; {await v.MeasureAsync(proof)}");
        var pf = proof.ProofBytes.ToArray();
        var rng = new Random(18);
        for (int k = 0; k < 24; k++)
        {
            var m = (byte[])pf.Clone();
            int o = 32 * rng.Next(pf.Length / 32);
            m[o + 31] ^= 1;
            Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, m).IsValid, $"C#: word at {o}");
            Assert.False((await v.CallAsync(VerifierCalldata.Encode(m, proof.PublicInputs))).Accepted, $"chain: word at {o}");
        }
        var io = proof.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        var badY = PublicIO.Create(vk, 1, io.Inputs, y).Words;
        Assert.False(InferenceVerifier.Verify(vk, badY, pf).IsValid);
        Assert.False((await v.CallAsync(VerifierCalldata.Encode(pf, badY))).Accepted);
    }
}
