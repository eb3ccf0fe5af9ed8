using Xunit.Abstractions;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Generated verifiers beyond the two examples: two hidden layers with a sigmoid table and 10-bit
/// activations (2-byte inputs), and a single layer without lookups; accepted and rejected exactly
/// as the C# verifier decides.
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class OtherShapesTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    private static Network Random(int seed, int[] sizes, Activation[] acts) => ZkMl.TestKit.TestNetworks.Random(seed, sizes, acts);

    private static float[][] Samples(int seed, int count, int n) => ZkMl.TestKit.TestNetworks.Samples(seed, count, n);

    public static TheoryData<string> Shapes => new() { "two-hidden-10bit", "single-layer", "final-relu", "final-sigmoid", "logistic" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task GeneratedVerifierAgreesWithCSharp(string shape)
    {
        // final-*: the output layer proves its activation (the statement's outputs are its values; docs/protocol.md).
        var (net, options) = shape switch
        {
            "single-layer" => (Random(3, [19, 6], [Activation.None]), new CompileOptions()),
            "final-relu" => (Random(13, [37, 23, 11], [Activation.Relu, Activation.Relu]), new CompileOptions()),
            "final-sigmoid" => (Random(14, [37, 23, 10], [Activation.Tanh, Activation.Sigmoid]), new CompileOptions()),
            "logistic" => (Random(15, [9, 3], [Activation.Sigmoid]), new CompileOptions()),
            _ => (Random(11, [37, 23, 11, 5], [Activation.Sigmoid, Activation.Relu, Activation.None]), new CompileOptions { ActBits = 10 }),
        };
        var samples = Samples(12, 8, net.InputSize);
        var circuit = CircuitCompiler.Compile(net, samples, options);
        Assert.Equal(shape is "final-relu" or "final-sigmoid" or "logistic", circuit.ProvesOutputActivation);
        var (pk, vk) = InferenceSetup.Run(circuit, ExampleCircuits.Srs, 8);
        var source = SolidityVerifierGenerator.Generate(vk, "ShapeVerifier");
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "ShapeVerifier", SolidityVerifierGenerator.RecommendedSettings, "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);
        foreach (int batch in new[] { 1, 5 })
        {
            var proof = InferenceProver.Prove(pk, samples.Take(batch).ToArray());
            Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
            var verdict = await v.VerifyAsync(proof);
            Assert.True(verdict.Accepted, verdict.Error);
            var gas = await v.MeasureAsync(proof);
            output.WriteLine($"{shape} (x {vk.XBytes} bytes) B={batch}: deployed {v.DeployedSize} bytes; {gas}");
            var pf = proof.ProofBytes.ToArray();
            var rng = new Random(batch);
            for (int k = 0; k < 12; k++)
            {
                var m = (byte[])pf.Clone();
                m[32 * rng.Next(pf.Length / 32) + 31] ^= 1;
                Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, m).IsValid);
                Assert.False((await v.CallAsync(VerifierCalldata.Encode(m, proof.PublicInputs))).Accepted);
            }
            var io = proof.DecodePublicIO(vk);
            var x = io.Inputs.ToArray();
            x[^1] = x[^1] == 3 ? 4 : 3;
            var bad = PublicIO.Create(vk, batch, x, io.Outputs).Words;
            Assert.False(InferenceVerifier.Verify(vk, bad, pf).IsValid);
            Assert.False((await v.CallAsync(VerifierCalldata.Encode(pf, bad))).Accepted);
            // a wrong output: a real one of the last real row, and a padded column or padded row
            foreach (int k in new[] { (batch - 1) * vk.OutputColumns, io.Outputs.Length - 1 })
            {
                var y = io.Outputs.ToArray();
                y[k] += y[k] > 0 ? -1 : 1;
                var badY = PublicIO.Create(vk, batch, io.Inputs, y).Words;
                Assert.False(InferenceVerifier.Verify(vk, badY, pf).IsValid);
                Assert.False((await v.CallAsync(VerifierCalldata.Encode(pf, badY))).Accepted);
            }
        }
    }
}
