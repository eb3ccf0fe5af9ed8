using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>The typed Nethereum service of a generated verifier: deployment message, <c>VerifyProofQueryAsync</c>, a verify transaction.</summary>
[Collection(VerifierContractCollection.Name)]
public class VerifierContractServiceTests(VerifierContractFixture fx)
{
    [Fact]
    public async Task DeploysAndVerifiesThroughTheTypedService()
    {
        var e = ExampleCircuits.Tiny;
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, 2);

        var verifier = await VerifierContractService.DeployContractAndGetServiceAsync(fx.Chain.Web3, new VerifierDeployment(d.Contract));
        Assert.NotEqual(d.Verifier.Address, verifier.ContractAddress.ToLowerInvariant());
        Assert.True(await verifier.VerifyProofQueryAsync(proof.ProofBytes.ToArray(), VerifyProofFunction.Words(proof.PublicInputs)));
        Assert.True(await verifier.VerifyProofQueryAsync(proof));
        Assert.True(await d.Verifier.Service.VerifyProofQueryAsync(proof));

        // Another claimed output: the contract returns false (no revert), and so does the C# verifier.
        var io = proof.DecodePublicIO(e.Vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        var lie = PublicIO.Create(e.Vk, io.BatchSize, io.Inputs, y).Words.ToArray();
        Assert.False(await verifier.VerifyProofQueryAsync(proof.ProofBytes.ToArray(), VerifyProofFunction.Words(lie)));
        Assert.False(InferenceVerifier.Verify(e.Vk, lie, proof.ProofBytes.ToArray()).IsValid);

        // A flipped proof byte is rejected too.
        var bad = proof.ProofBytes.ToArray();
        bad[bad.Length / 2] ^= 1;
        Assert.False(await verifier.VerifyProofQueryAsync(bad, VerifyProofFunction.Words(proof.PublicInputs)));

        // verifyProof as a mined transaction: the same gas as the harness measures for the same calldata.
        var receipt = await verifier.VerifyProofRequestAndWaitForReceiptAsync(VerifyProofFunction.For(proof));
        Assert.Equal(1, (int)receipt.Status.Value);
        var harness = await OnChainVerifier.At(fx.Chain, verifier.ContractAddress).MeasureAsync(proof);
        Assert.Equal(harness.Breakdown.GasUsed, (ulong)receipt.GasUsed.Value);
    }

    [Fact]
    public void DeploymentNeedsCreationBytecode()
    {
        var empty = new Solc.CompiledContract("I.sol", "I", "[]", [], [], new Dictionary<string, string>());
        var ex = Assert.Throws<ArgumentException>(() => new VerifierDeployment(empty));
        Assert.Contains("I has no creation bytecode", ex.Message);
    }
}
