using Xunit.Abstractions;
using ZkMl.Evm.Verifier;
using ZkMl.Proofs.Inference;

namespace ZkMl.Evm.Tests.Verifier;

[Collection(VerifierContractCollection.Name)]
public class VerifierContractTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases => new() { { "tiny", 1 }, { "tiny", 3 }, { "mnist-mlp", 1 }, { "mnist-mlp", 16 } };

    private static ExampleCircuits.Example Get(string name) => name == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AcceptsValidProof(string name, int batch)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, batch);
        Assert.True(InferenceVerifier.Verify(e.Vk, proof).IsValid);
        var v = await d.Verifier.VerifyAsync(proof);
        Assert.False(v.Reverted, v.Error);
        Assert.True(v.Accepted);
        var gas = await d.Verifier.MeasureAsync(proof);
        Assert.True(gas.Transaction.Success);
        output.WriteLine($"{name} B={batch}: deployed {d.Verifier.DeployedSize} bytes; proof {proof.ProofSize} bytes; {gas}");
    }
}
